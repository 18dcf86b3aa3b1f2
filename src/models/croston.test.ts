import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { countQuantile, crostonModel, crostonRun, intermittentCost, searchSmoothing } from './croston.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));

const input = readJson('croston-carparts-series.json') as { series: { id: string; y: number[] }[] };
const reference = readJson('croston-r-reference.json') as {
  h: number;
  results: { id: string; fits: { alpha: number; mean: number[]; fitted: (number | null)[] }[] }[];
};

describe('Croston against forecast::croston on carparts series (committed fixtures)', () => {
  for (const s of input.series) {
    const ref = reference.results.find((r) => r.id === s.id)!;
    for (const fit of ref.fits) {
      it(`${s.id}, alpha ${fit.alpha}: forecast and every fitted value within 1e-12`, () => {
        const y = Float64Array.from(s.y);
        const fitted = crostonModel.fit({
          y,
          seasonLength: 12,
          freq: 'M',
          params: { alpha_size: fit.alpha, alpha_interval: fit.alpha },
        });
        const fc = crostonModel.predict(fitted, { horizon: reference.h, quantiles: [] });
        for (const v of fc.mean) assert.ok(Math.abs(v - fit.mean[0]!) < 1e-12, `mean ${v} vs ${fit.mean[0]}`);
        const run = crostonRun(y, fit.alpha, fit.alpha);
        fit.fitted.forEach((r, t) => {
          if (r === null) assert.ok(Number.isNaN(run.fitted[t]!), `t=${t} should be undefined`);
          else assert.ok(Math.abs(run.fitted[t]! - r) < 1e-12, `fitted t=${t}: ${run.fitted[t]} vs ${r}`);
        });
      });
    }
  }
});

describe('Croston family helpers', () => {
  it('count quantiles: Poisson when variance <= mean, wider negative binomial when overdispersed', () => {
    // Poisson(2): P(X <= 3) = 0.857, P(X <= 4) = 0.947.
    assert.equal(countQuantile(2, 1.5, 0.9), 4);
    assert.equal(countQuantile(2, 1.5, 0.85), 3);
    assert.ok(countQuantile(2, 12, 0.95) > countQuantile(2, 2, 0.95));
    assert.equal(countQuantile(0, 3, 0.99), 0);
    // Low-rate series: the median is zero demand.
    assert.equal(countQuantile(0.3, 0.6, 0.5), 0);
  });

  it('MAR cost holds the first 30 % of the cumulative rate', () => {
    const y = Float64Array.of(0, 0, 4, 0, 0, 0, 2, 0, 0, 4);
    const f = new Float64Array(10).fill(1);
    // Cumulative rates from t = 3 on are 4/3 (held for t < 3), 1, 0.8, 0.667, 6/7, 0.75, 0.667, 1.
    const rates = [4 / 3, 4 / 3, 4 / 3, 1, 0.8, 4 / 6, 6 / 7, 0.75, 6 / 9, 1];
    const expected = rates.reduce((a, r) => a + Math.abs(1 - r), 0) / 10;
    assert.ok(Math.abs(intermittentCost(y, f, 'mar') - expected) < 1e-12);
  });

  it('searchSmoothing finds the minimum of a smooth bowl to the fine grid step', () => {
    const [a, b] = searchSmoothing((x, z) => (x - 0.37) ** 2 + (z - 0.82) ** 2, true);
    assert.ok(Math.abs(a - 0.37) <= 0.0026 && Math.abs(b - 0.82) <= 0.0026, `${a} ${b}`);
  });

  it('optimise lowers the in-sample cost it targets', () => {
    const y = Float64Array.from(input.series[3]!.y);
    const fixed = crostonModel.fit({ y, seasonLength: 12, freq: 'M', params: {} });
    const tuned = crostonModel.fit({ y, seasonLength: 12, freq: 'M', params: { optimise: 'mse' } });
    const cost = (st: { alphaSize: number; alphaInterval: number }) =>
      intermittentCost(y, crostonRun(y, st.alphaSize, st.alphaInterval).fitted, 'mse');
    assert.ok(cost(tuned.state as never) <= cost(fixed.state as never));
  });

  it('forecasts ordered non-negative integer quantiles, a zero forecast for no demand, and round-trips JSON', () => {
    const y = Float64Array.from(input.series[4]!.y);
    const fitted = crostonModel.fit({ y, seasonLength: 12, freq: 'M', params: {} });
    const levels = [0.1, 0.5, 0.9, 0.99];
    const fc = crostonModel.predict(fitted, { horizon: 6, quantiles: levels });
    const qs = levels.map((l) => fc.quantiles.get(l)![0]!);
    for (let i = 1; i < qs.length; i++) assert.ok(qs[i]! >= qs[i - 1]! && Number.isInteger(qs[i]!));
    assert.ok(qs[3]! > 0);
    const again = crostonModel.predict(JSON.parse(JSON.stringify(fitted)), { horizon: 6, quantiles: levels });
    assert.deepEqual(Array.from(again.mean), Array.from(fc.mean));
    const none = crostonModel.fit({ y: new Float64Array(12), seasonLength: 12, freq: 'M', params: {} });
    const z = crostonModel.predict(JSON.parse(JSON.stringify(none)), { horizon: 3, quantiles: [0.9] });
    assert.deepEqual(Array.from(z.mean), [0, 0, 0]);
    assert.deepEqual(Array.from(z.quantiles.get(0.9)!), [0, 0, 0]);
  });

  it('rejects negative demand with a typed error', () => {
    assert.throws(
      () => crostonModel.fit({ y: Float64Array.of(1, -1, 0), seasonLength: 1, freq: 'D', params: {} }),
      (e: Error & { code?: string }) => e.code === 'INTERMITTENT_NEGATIVE',
    );
  });
});
