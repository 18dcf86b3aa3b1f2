import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSeasonal, thetaModel } from './theta.js';
import { fitOptimisedTheta, optimisedThetaModel } from './theta-optimised.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const SERIES = [
  'airpassengers',
  'usaccdeaths',
  'ldeaths',
  'nottem',
  'wwwusage',
  'nile',
  'ukgas',
  'wineind',
  'woolyrnq',
  'taylor-daily',
];

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
};

describe('Theta against forecast::thetaf (committed fixtures)', () => {
  for (const name of SERIES) {
    it(`${name}: alpha, point forecasts and intervals match within 0.1 %`, () => {
      const s = readJson(`series-${name}.json`);
      const r = readJson(`theta-${name}.json`);
      const fitted = thetaModel.fit({
        y: Float64Array.from(s.values),
        seasonLength: s.frequency,
        freq: 'M',
        params: {},
      });
      const fc = thetaModel.predict(fitted, { horizon: r.h, quantiles: [0.025, 0.1, 0.9, 0.975] });
      const state = fitted.state as { alpha: number };
      assert.ok(Math.abs(state.alpha - r.alpha) < 1e-3, `alpha ${state.alpha} vs ${r.alpha}`);
      assert.ok(maxRel(fc.mean, r.mean) < 1e-3);
      assert.ok(maxRel(fc.quantiles.get(0.975)!, r.upper95) < 1e-3);
      assert.ok(
        maxRel(
          fc.quantiles.get(0.1)!,
          r.lower80.map((v: number) => Math.max(0, v)),
        ) < 1e-3,
      );
    });
  }
  it('detects seasonality in AirPassengers and none in Nile', () => {
    assert.equal(isSeasonal(Float64Array.from(readJson('series-airpassengers.json').values), 12), true);
    assert.equal(isSeasonal(Float64Array.from(readJson('series-nile.json').values), 12), false);
  });
});

describe('optimised Theta', () => {
  it('fits a trend the standard method under-weights and beats it in-sample', () => {
    // A clean linear trend: OTM should push theta up (follow the trend line) and forecast it.
    const y = Float64Array.from({ length: 80 }, (_, t) => 50 + 2 * t + (t % 3) - 1);
    const fit = fitOptimisedTheta(y, 1);
    assert.ok(fit.theta > 2, `theta ${fit.theta}`);
    const fc = optimisedThetaModel.predict(
      optimisedThetaModel.fit({ y, seasonLength: 1, freq: 'D', params: {} }),
      { horizon: 10, quantiles: [] },
    );
    for (let h = 1; h <= 10; h++)
      assert.ok(Math.abs(fc.mean[h - 1]! - (50 + 2 * (79 + h))) < 3, `h=${h} ${fc.mean[h - 1]}`);
  });
  it('reduces to standard Theta-like forecasts on a flat noisy series', () => {
    const s = readJson('series-nile.json');
    const y = Float64Array.from(s.values);
    const a = optimisedThetaModel.predict(
      optimisedThetaModel.fit({ y, seasonLength: 1, freq: 'Y', params: {} }),
      { horizon: 5, quantiles: [] },
    );
    const b = thetaModel.predict(thetaModel.fit({ y, seasonLength: 1, freq: 'Y', params: {} }), {
      horizon: 5,
      quantiles: [],
    });
    assert.ok(maxRel(a.mean, b.mean) < 0.1);
  });
});
