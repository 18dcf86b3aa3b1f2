import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { movingAverageModel } from './moving-average.js';
import { BaselineError, naiveModel } from './naive.js';
import { seasonalNaiveModel } from './seasonal-naive.js';

const fit = (model: typeof naiveModel, y: number[], seasonLength = 1, params = {}) =>
  model.fit({ y: Float64Array.from(y), seasonLength, freq: 'D', params });

describe('naive', () => {
  it('repeats the last observed value and widens with sqrt(h) like forecast::naive', () => {
    const y = [10, 12, 11, Number.NaN, 15];
    const f = naiveModel.predict(fit(naiveModel, y), { horizon: 4, quantiles: [0.9] });
    assert.deepEqual(Array.from(f.mean), [15, 15, 15, 15]);
    // Residuals as lagwalk: 2, −1, (NaN), 15 − 11 (carried forward) = 4 → σ = sqrt(21/3).
    const sigma = Math.sqrt((4 + 1 + 16) / 3);
    const q = f.quantiles.get(0.9)!;
    for (let h = 1; h <= 4; h++)
      assert.ok(Math.abs(q[h - 1]! - (15 + 1.2815515655446004 * sigma * Math.sqrt(h))) < 1e-9);
  });
  it('rejects a series with no observed value', () => {
    assert.throws(() => fit(naiveModel, [Number.NaN, Number.NaN]), BaselineError);
  });
});

describe('seasonal-naive', () => {
  it('repeats the last cycle and widens per whole season', () => {
    const y = [1, 2, 3, 2, 3, 4, 3, Number.NaN, 5];
    const f = seasonalNaiveModel.predict(fit(seasonalNaiveModel, y, 3), {
      horizon: 7,
      quantiles: [0.1, 0.9],
    });
    // Phase of the NaN keeps the previous cycle's value (3), as lagwalk carries it forward.
    assert.deepEqual(Array.from(f.mean), [3, 3, 5, 3, 3, 5, 3]);
    const lo = f.quantiles.get(0.1)!;
    const hi = f.quantiles.get(0.9)!;
    const w = (i: number) => hi[i]! - f.mean[i]!;
    assert.ok(Math.abs(w(0) - w(2)) < 1e-12, 'same width within the first season');
    assert.ok(Math.abs(w(3) / w(0) - Math.SQRT2) < 1e-12, 'sqrt(2) in the second season');
    for (let i = 0; i < 7; i++) assert.ok(lo[i]! >= 0 && lo[i]! <= hi[i]!);
  });
});

describe('moving-average', () => {
  it('forecasts the trailing mean of observed values and clips intervals at zero', () => {
    const y = [5, 1, 0, Number.NaN, 2, 0, 1];
    const fitted = fit(movingAverageModel, y, 1, { window: 3 });
    const f = movingAverageModel.predict(fitted, { horizon: 3, quantiles: [0.05, 0.95] });
    assert.deepEqual(Array.from(f.mean), [1, 1, 1]);
    assert.ok(f.quantiles.get(0.05)!.every((v) => v >= 0));
    const hi = f.quantiles.get(0.95)!;
    assert.ok(hi[2]! > hi[0]!, 'intervals widen with the horizon');
  });
  it('needs a full window', () => {
    assert.throws(() => fit(movingAverageModel, [1, 2], 1, { window: 5 }), BaselineError);
    assert.equal(movingAverageModel.minLength(7, { window: 14 }), 15);
  });
});
