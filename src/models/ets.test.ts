import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { etsModel, parseEtsModel } from './ets.js';
import {
  EtsError,
  type EtsFit,
  type EtsSpec,
  etsComponents,
  fitEtsSpec,
  selectEts,
  specName,
} from './ets-fit.js';
import { etsForecast, etsPointForecast, intervalClass } from './ets-forecast.js';
import { ADD, EtsRecursion, MULT, NONE } from './ets-recursion.js';
import type { LocalModel } from './model.js';
import { movingAverageModel } from './moving-average.js';
import { naiveModel } from './naive.js';
import { NormalRandom } from './optim/gaussian.js';
import { seasonalNaiveModel } from './seasonal-naive.js';
import { thetaModel } from './theta.js';
import { optimisedThetaModel } from './theta-optimised.js';

/** Fixtures are committed JSON written by references/r/*.R; tests never run R. */
const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));

interface RFit {
  method: string;
  components: [string, string, string, string];
  par: Record<string, number>;
  initstate: number[];
  laststate: number[];
  loglik: number;
  aicc: number;
  sigma2: number;
  h: number;
  mean: number[];
  lower80: number[];
  lower95: number[];
  upper95: number[];
}

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

const specOf = (r: RFit): EtsSpec => ({
  error: r.components[0] as 'A' | 'M',
  trend: r.components[1] as 'N' | 'A',
  season: r.components[2] as 'N' | 'A' | 'M',
  damped: r.components[3] === 'TRUE',
});

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
};

const auto = { error: 'Z', trend: 'Z', season: 'Z', damped: null, ic: 'aicc', additiveOnly: false } as const;

/**
 * Classes 1 and 2 use forecast's analytic variances, so quantiles agree up to the point-forecast gap. Class 3
 * (multiplicative season) is simulated here, while forecast uses its analytic class-3 variance
 * with a symmetric normal interval; the simulated law is right-skewed, so only the width of
 * the 95 % interval is compared (measured differences up to ~12 % at long horizons, simulated wider).
 */
function checkIntervals(fit: EtsFit, r: RFit): void {
  const fc = etsForecast(fit, r.h, [0.025, 0.1, 0.975], { npaths: 5000, seed: 7 });
  if (intervalClass(fit) !== 3) {
    // 2 %: quantiles inherit the point-forecast gap (up to 0.65 % on WWWusage, see below).
    assert.ok(maxRel(fc.quantiles.get(0.1)!, r.lower80) < 0.02);
    assert.ok(maxRel(fc.quantiles.get(0.975)!, r.upper95) < 0.02);
    return;
  }
  const ours = fc.quantiles.get(0.975)!.map((u, i) => u - fc.quantiles.get(0.025)![i]!);
  const theirs = r.upper95.map((u, i) => u - r.lower95[i]!);
  assert.ok(maxRel(ours, theirs) < 0.2, `width ${maxRel(ours, theirs)}`);
}

describe('ETS against forecast::ets 8.20 (committed fixtures)', () => {
  for (const name of SERIES) {
    const series = readJson(`series-${name}.json`);
    const ref = readJson(`ets-${name}.json`);
    const y = Float64Array.from(series.values as number[]);
    const m = series.frequency as number;

    it(`${name}: R's parameters give R's likelihood and final state in our recursion`, () => {
      const r: RFit = ref.auto;
      const spec = specOf(r);
      const rec = new EtsRecursion(y, etsComponents({ spec, m: spec.season === 'N' ? 1 : m }));
      const out = rec.filter(
        r.par.alpha!,
        r.par.beta ?? 0,
        r.par.gamma ?? 0,
        r.par.phi ?? 1,
        Float64Array.from(r.initstate),
      );
      assert.ok(
        Math.abs(out.lik - -2 * r.loglik) < 1e-6 * Math.abs(r.loglik),
        `lik ${out.lik} vs ${-2 * r.loglik}`,
      );
      assert.ok(maxRel(out.lastState, r.laststate) < 1e-8);
    });

    it(`${name}: selects R's model (${ref.auto.method}) with the same AICc and forecasts within 1 %`, () => {
      const r: RFit = ref.auto;
      const fit = selectEts(y, m, auto);
      assert.equal(specName(fit.spec), specName(specOf(r)));
      // Same start values and optimiser as R: AICc agrees to a small fraction of a unit.
      assert.ok(Math.abs(fit.aicc - r.aicc) < 0.05, `aicc ${fit.aicc} vs ${r.aicc}`);
      // 1 %, not exact: R's and our Nelder–Mead runs take different float paths after many
      // steps (WWWusage AAdN ends 0.65 % apart at h = 10 on a flat likelihood in phi).
      assert.ok(maxRel(etsPointForecast(fit, r.h), r.mean) < 0.01);
      checkIntervals(fit, r);
    });

    for (const [form, r] of Object.entries(ref.forms as Record<string, RFit>)) {
      it(`${name}: fixed form ${form} matches R's parameters and forecasts`, () => {
        const fit = fitEtsSpec(y, specOf(r), m);
        assert.ok(fit);
        assert.ok(Math.abs(fit.aicc - r.aicc) < 0.05, `aicc ${fit.aicc} vs ${r.aicc}`);
        assert.ok(Math.abs(fit.alpha - r.par.alpha!) < 0.01, `alpha ${fit.alpha} vs ${r.par.alpha}`);
        assert.ok(maxRel(etsPointForecast(fit, r.h), r.mean) < 0.01);
        checkIntervals(fit, r);
      });
    }
  }

  it('applies R restrictions: no multiplicative forms on data with zeros, no seasons above 24', () => {
    const rng = new NormalRandom(5);
    const y = Float64Array.from({ length: 120 }, (_, t) =>
      Math.max(0, 5 + 3 * Math.sin((2 * Math.PI * t) / 12) + rng.next()),
    );
    y[3] = 0;
    const fit = selectEts(y, 12, auto);
    assert.equal(fit.spec.error, 'A');
    assert.notEqual(fit.spec.season, 'M');
    assert.throws(
      () => selectEts(y, 12, { ...auto, error: 'M' }),
      (e: unknown) => e instanceof EtsError && e.code === 'non-positive-data',
    );
    const long = Float64Array.from({ length: 300 }, (_, t) => 10 + (t % 52));
    assert.equal(selectEts(long, 52, auto).spec.season, 'N');
    assert.throws(
      () => selectEts(long, 52, { ...auto, season: 'A' }),
      (e: unknown) => e instanceof EtsError && e.code === 'season-too-long',
    );
  });

  it('parses model strings and rejects unknown ones', () => {
    assert.deepEqual(parseEtsModel('AAdN', 'auto'), { error: 'A', trend: 'A', season: 'N', damped: true });
    assert.equal(parseEtsModel('auto', 'auto').damped, null);
    assert.throws(() => parseEtsModel('XYZ', 'auto'), EtsError);
    assert.throws(() => parseEtsModel('ANdN', 'auto'), EtsError);
  });

  it('carries the state over missing values instead of failing', () => {
    const series = readJson('series-usaccdeaths.json');
    const y = Float64Array.from(series.values as number[]);
    const holed = Float64Array.from(y);
    for (const i of [5, 30, 31, 50]) holed[i] = Number.NaN;
    const a = etsPointForecast(selectEts(y, 12, auto), 12);
    const b = etsPointForecast(selectEts(holed, 12, auto), 12);
    assert.ok(b.every(Number.isFinite));
    assert.ok(maxRel(b, a) < 0.05);
  });

  it('point forecasts follow the trend and seasonal recursion', () => {
    const c = { error: ADD, trend: ADD, season: NONE, m: 1 };
    assert.deepEqual(Array.from(etsPointForecastFromState([10, 2], c, 1, 3)), [12, 14, 16]);
    const cm = { error: MULT, trend: NONE, season: MULT, m: 2 };
    // s[0] is the newest index; the next step uses s[m−1].
    assert.deepEqual(Array.from(etsPointForecastFromState([10, 1.5, 0.5], cm, 1, 3)), [5, 15, 5]);
  });
});

import { pointForecast } from './ets-recursion.js';

function etsPointForecastFromState(
  state: number[],
  c: Parameters<typeof pointForecast>[1],
  phi: number,
  h: number,
) {
  return pointForecast(Float64Array.from(state), c, phi, h);
}

describe('statistical models: contract properties', () => {
  const models: [LocalModel, Record<string, string | number | boolean>][] = [
    [naiveModel, {}],
    [seasonalNaiveModel, {}],
    [movingAverageModel, { window: 14 }],
    [etsModel, {}],
    [etsModel, { model: 'MAdM' }],
    [etsModel, { model: 'AAdA' }],
    [thetaModel, {}],
    [optimisedThetaModel, {}],
  ];
  // Intermittent-ish weekly-seasonal demand with gaps: the shape retail series have.
  const rng = new NormalRandom(2026);
  const y = Float64Array.from({ length: 140 }, (_, t) =>
    Math.max(0.5, Math.round(8 + 4 * Math.sin((2 * Math.PI * t) / 7) - t * 0.03 + 2 * rng.next())),
  );
  y[17] = Number.NaN;
  y[90] = Number.NaN;
  const levels = [0.05, 0.1, 0.5, 0.9, 0.95];

  for (const [model, params] of models) {
    const label = `${model.name} ${JSON.stringify(params)}`;
    it(`${label}: non-negative, ordered quantiles, JSON round-trip identical`, () => {
      const fitted = model.fit({ y, seasonLength: 7, freq: 'D', params });
      const fc = model.predict(fitted, { horizon: 60, quantiles: levels });
      assert.equal(fc.mean.length, 60);
      assert.ok(fc.mean.every((v) => v >= 0 && Number.isFinite(v)));
      for (let i = 0; i < 60; i++) {
        let prev = -1;
        for (const q of levels) {
          const v = fc.quantiles.get(q)![i]!;
          assert.ok(v >= 0 && v >= prev, `${q} at ${i}`);
          prev = v;
        }
      }
      const reloaded = JSON.parse(JSON.stringify(fitted));
      const again = model.predict(reloaded, { horizon: 60, quantiles: levels });
      assert.deepEqual(Array.from(again.mean), Array.from(fc.mean));
      for (const q of levels)
        assert.deepEqual(Array.from(again.quantiles.get(q)!), Array.from(fc.quantiles.get(q)!));
      assert.ok(model.minLength(7, params) <= y.length);
    });
  }

  it('rejects quantile levels outside (0, 1)', () => {
    const fitted = naiveModel.fit({ y, seasonLength: 7, freq: 'D', params: {} });
    assert.throws(() => naiveModel.predict(fitted, { horizon: 3, quantiles: [1.5] }), /outside \(0, 1\)/);
  });

  it('clips a falling forecast at zero', () => {
    const down = Float64Array.from({ length: 60 }, (_, t) => Math.max(1, 60 - t));
    const fitted = etsModel.fit({ y: down, seasonLength: 1, freq: 'D', params: { model: 'AAN' } });
    const fc = etsModel.predict(fitted, { horizon: 30, quantiles: [0.5] });
    assert.equal(fc.mean[29], 0);
  });
});
