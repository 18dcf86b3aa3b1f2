import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adidaModel, aggregateBuckets, meanInterDemandInterval, sesRun } from './adida.js';

describe('ADIDA', () => {
  it('aggregates buckets aligned to the end, dropping the oldest partial bucket', () => {
    assert.deepEqual(Array.from(aggregateBuckets(Float64Array.of(9, 1, 0, 2, 3, 0, 4), 3)), [3, 7]);
  });

  it('ADI counts the first interval from the start', () => {
    assert.equal(meanInterDemandInterval([0, 0, 1, 0, 2, 0]), 2.5);
    assert.equal(meanInterDemandInterval([0, 0]), Number.POSITIVE_INFINITY);
  });

  it('forecast = SES level of bucket totals / bucket length', () => {
    const y = Float64Array.of(0, 2, 0, 0, 3, 0, 1, 0, 0, 4, 0, 0);
    const f = adidaModel.fit({ y, seasonLength: 1, freq: 'W', params: { aggregation: 3, alpha: 0.3 } });
    const level = sesRun(aggregateBuckets(y, 3), 0.3).level;
    const fc = adidaModel.predict(f, { horizon: 4, quantiles: [0.5] });
    for (const v of fc.mean) assert.ok(Math.abs(v - level / 3) < 1e-12);
  });

  it('picks the rounded ADI as bucket length by default and round-trips JSON', () => {
    const y = Float64Array.from({ length: 40 }, (_, t) => (t % 4 === 3 ? 2 : 0));
    const f = adidaModel.fit({ y, seasonLength: 1, freq: 'W', params: { optimise: 'mse' } });
    assert.equal((f.state as { aggregation: number }).aggregation, 4);
    // Regular demand of 2 every 4 periods: every bucket total is 2, forecast 0.5 per period.
    const fc = adidaModel.predict(JSON.parse(JSON.stringify(f)), { horizon: 2, quantiles: [0.1, 0.9] });
    assert.ok(Math.abs(fc.mean[0]! - 0.5) < 1e-12);
    assert.ok(fc.quantiles.get(0.1)![0]! <= fc.quantiles.get(0.9)![0]!);
  });
});
