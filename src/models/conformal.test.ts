import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calibrationSize,
  conformalCalibration,
  conformalRadius,
  orderQuantiles,
  withConformalIntervals,
} from './conformal.js';

describe('conformal intervals', () => {
  // Step 1 residuals |1|, |-2|, |0.5|, |3| → sorted 0.5, 1, 2, 3; step 2 → 1, 2, 4, 8.
  const cal = conformalCalibration([
    [1, -2, 0.5, 3],
    [-8, 4, 2, Number.NaN, 1],
  ]);

  it('takes the ceil((n+1)c)-th absolute residual per step', () => {
    assert.equal(calibrationSize(cal), 4);
    assert.equal(conformalRadius(cal, 0, 0.5), 2); // rank ceil(5 · 0.5) = 3
    assert.equal(conformalRadius(cal, 0, 0.8), 3); // rank ceil(5 · 0.8) = 4
    assert.equal(conformalRadius(cal, 1, 0.5), 4);
    assert.equal(conformalRadius(cal, 1, 0.99), 8); // rank 5 > n: capped at the largest
    assert.equal(conformalRadius(cal, 5, 0.5), 4); // beyond the horizon: reuses the last step
  });

  it('builds symmetric, ordered, non-negative quantiles around the mean', () => {
    const fc = withConformalIntervals(
      { mean: Float64Array.from([2, 10]), quantiles: new Map() },
      cal,
      [0.9, 0.1, 0.5, 0.25],
      {
        nonNegative: true,
      },
    );
    assert.deepEqual([...(fc.quantiles.get(0.1) ?? [])], [0, 2]); // 2 − 3 clamped at 0; 10 − 8
    assert.deepEqual([...(fc.quantiles.get(0.9) ?? [])], [5, 18]);
    assert.deepEqual([...(fc.quantiles.get(0.5) ?? [])], [2, 10]);
    assert.deepEqual([...(fc.quantiles.get(0.25) ?? [])], [0, 6]); // coverage 0.5: 2 − 2, 10 − 4
    assert.deepEqual([...fc.quantiles.keys()], [0.1, 0.25, 0.5, 0.9]);
  });

  it('keeps a model’s own quantiles unless told to replace them', () => {
    const own = { mean: Float64Array.from([2, 10]), quantiles: new Map([[0.9, Float64Array.from([3, 11])]]) };
    assert.deepEqual([...(withConformalIntervals(own, cal, [0.9]).quantiles.get(0.9) ?? [])], [3, 11]);
    assert.deepEqual(
      [...(withConformalIntervals(own, cal, [0.9], { replaceAll: true }).quantiles.get(0.9) ?? [])],
      [5, 18],
    );
  });

  it('orderQuantiles removes crossings', () => {
    const fc = orderQuantiles({
      mean: Float64Array.from([1]),
      quantiles: new Map([
        [0.9, Float64Array.from([1])],
        [0.1, Float64Array.from([3])],
      ]),
    });
    assert.equal(fc.quantiles.get(0.1)?.[0], 1);
    assert.equal(fc.quantiles.get(0.9)?.[0], 3);
  });
});
