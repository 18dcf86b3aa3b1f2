import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeBias, smape, wape } from './percentage-metrics.js';
import { bias, mae, nanMean, rmse } from './point-metrics.js';
import { intervalCoverage, meanPinballLoss, pinballLoss } from './quantile-metrics.js';
import { inSampleScale, mase, rmsse } from './scaled-metrics.js';
import { WrmsseInputError, wrmsse } from './wrmsse.js';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

describe('point metrics', () => {
  it('computes MAE, RMSE and bias by hand', () => {
    close(mae([1, 2, 3], [2, 2, 5]), 1);
    close(rmse([0, 0], [3, 4]), Math.sqrt(12.5));
    close(bias([10, 10], [12, 9]), 0.5);
    close(bias([10, 10], [8, 9]), -1.5);
  });
  it('skips missing actuals instead of counting them', () => {
    close(mae([1, Number.NaN, 3], [2, 100, 5]), 1.5);
    assert.ok(Number.isNaN(mae([Number.NaN], [1])));
  });
  it('refuses arrays of different lengths', () => {
    assert.throws(() => mae([1, 2], [1]), RangeError);
  });
  it('nanMean ignores NaN', () => {
    close(nanMean([1, Number.NaN, 3]), 2);
    assert.ok(Number.isNaN(nanMean([])));
  });
});

describe('percentage metrics', () => {
  it('sMAPE follows the M4 definition in percent', () => {
    close(smape([100, 100], [110, 100]), 100 * (10 / 210));
    close(smape([0, 10], [0, 10]), 0);
    close(smape([0], [5]), 200);
  });
  it('WAPE and relative bias pool over the horizon', () => {
    close(wape([10, 0, 30], [12, 1, 27]), 6 / 40);
    close(relativeBias([10, 30], [12, 32]), 0.1);
    assert.ok(Number.isNaN(wape([0, 0], [1, 1])));
  });
});

describe('scaled metrics', () => {
  it('scale is the in-sample seasonal naive error', () => {
    close(inSampleScale([1, 2, 4], 1, 1), 1.5);
    close(inSampleScale([1, 5, 2, 7], 2, 1), 1.5);
    close(inSampleScale([1, 5, 2, 7], 2, 2), 2.5);
    close(inSampleScale([0, 0, 3, 5], 1, 1, { fromFirstNonZero: true }), 2);
  });
  it('MASE and RMSSE divide by that scale', () => {
    close(mase([5, 5], [6, 4], [1, 2, 3, 4]), 1);
    // seasonal scale: lag 2 on [1, 5, 2, 7] gives |2-1|, |7-5| → 1.5
    close(mase([5, 5], [8, 5], [1, 5, 2, 7], 2), 1.5 / 1.5);
    close(rmsse([5, 5], [7, 3], [1, 3, 5]), 1);
    close(rmsse([5, 5], [9, 5], [1, 3, 5]), Math.sqrt(8 / 4));
  });
  it('is NaN for a constant history', () => {
    assert.ok(Number.isNaN(mase([1], [2], [3, 3, 3])));
  });
});

describe('quantile metrics', () => {
  it('pinball loss is asymmetric', () => {
    close(pinballLoss([10], [8], 0.9), 1.8);
    close(pinballLoss([10], [12], 0.9), 0.2);
    close(pinballLoss([10, 10], [10, 12], 0.5), 0.5);
    close(
      meanPinballLoss(
        [10],
        new Map([
          [0.1, [8]],
          [0.9, [8]],
        ]),
      ),
      1,
    );
    assert.throws(() => pinballLoss([1], [1], 1.5), RangeError);
  });
  it('coverage counts actuals inside the bounds', () => {
    close(intervalCoverage([1, 5, 9], [0, 0, 0], [4, 6, 8]), 2 / 3);
    close(intervalCoverage([4, 0], [0, 0], [4, 6]), 1);
  });
});

describe('WRMSSE', () => {
  const series = [
    // RMSSE 1: scale (1+1+1)/3 = 1, MSE (1+1)/2 = 1. Dollar sales over the last 2 periods: 3.
    { keys: { store: 's1', product: 'p1' }, insample: [1, 2, 1, 2], actual: [2, 2], forecast: [3, 1] },
    // Scale starts at the first sale: [2,4,2] → (4+4)/2 = 4; perfect forecast → 0. Dollar sales: 6.
    { keys: { store: 's2', product: 'p1' }, insample: [0, 2, 4, 2], actual: [4, 4], forecast: [4, 4] },
  ];
  it('weights by trailing sales and averages the levels', () => {
    const result = wrmsse(series, { levels: [[], ['store'], ['store', 'product']], weightWindow: 2 });
    // Total: insample [1,4,5,4] → squared diffs 9,1,1 → 11/3; actual [6,6] vs [7,5] → MSE 1.
    const total = Math.sqrt(1 / (11 / 3));
    const bottom = (3 * 1 + 6 * 0) / 9;
    close(result.levels[0]?.wrmsse ?? Number.NaN, total);
    close(result.levels[1]?.wrmsse ?? Number.NaN, bottom);
    close(result.wrmsse, (total + bottom + bottom) / 3);
    assert.equal(result.levels[0]?.groups, 1);
    assert.equal(result.levels[2]?.groups, 2);
  });
  it('uses prices to weigh by dollars', () => {
    const priced = series.map((s, i) => ({ ...s, price: i === 0 ? 4 : 1 }));
    // Dollar sales: s1 3·4 = 12, s2 6 → weights 2/3 and 1/3.
    const result = wrmsse(priced, { levels: [['store']], weightWindow: 2 });
    close(result.wrmsse, 2 / 3);
  });
  it('refuses misaligned series with a typed error', () => {
    assert.throws(
      () =>
        wrmsse(
          [
            ...series,
            { keys: { store: 's3', product: 'p1' }, insample: [1], actual: [1, 1], forecast: [1, 1] },
          ],
          { levels: [[]] },
        ),
      (e: unknown) => e instanceof WrmsseInputError && e.code === 'WRMSSE_LENGTH_MISMATCH',
    );
  });
});
