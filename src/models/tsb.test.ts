import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tsbModel, tsbRun } from './tsb.js';

describe('TSB', () => {
  it('follows the recursion by hand on a short series', () => {
    const y = Float64Array.of(0, 4, 0, 2);
    // init: sizes 4 and 2 → 3; intervals 2 and 2 → p = 0.5. alpha = beta = 0.5.
    const run = tsbRun(y, 0.5, 0.5);
    // t0: y=0 → p=0.25; t1: y=4 → p=0.625, z=3.5; t2: y=0 → p=0.3125; t3: y=2 → p=0.65625, z=2.75.
    assert.ok(Math.abs(run.probability - 0.65625) < 1e-12);
    assert.ok(Math.abs(run.size - 2.75) < 1e-12);
    assert.deepEqual(Array.from(run.fitted), [1.5, 0.75, 2.1875, 1.09375]);
  });

  it('decays towards zero when demand stops (obsolescence), unlike Croston', () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => (t < 30 && t % 3 === 0 ? 5 : 0));
    const f = tsbModel.fit({ y, seasonLength: 1, freq: 'W', params: { alpha_probability: 0.2 } });
    const early = tsbModel.fit({
      y: y.subarray(0, 30),
      seasonLength: 1,
      freq: 'W',
      params: { alpha_probability: 0.2 },
    });
    const fc = tsbModel.predict(f, { horizon: 1, quantiles: [0.9] });
    const before = tsbModel.predict(early, { horizon: 1, quantiles: [] });
    assert.ok(fc.mean[0]! < 0.01 * before.mean[0]!);
    assert.equal(fc.quantiles.get(0.9)![0], 0);
  });

  it('state round-trips through JSON', () => {
    const y = Float64Array.of(0, 1, 0, 0, 3, 0, 2, 0, 0, 1);
    const f = tsbModel.fit({ y, seasonLength: 1, freq: 'D', params: { optimise: 'mse' } });
    const a = tsbModel.predict(f, { horizon: 3, quantiles: [0.8] });
    const b = tsbModel.predict(JSON.parse(JSON.stringify(f)), { horizon: 3, quantiles: [0.8] });
    assert.deepEqual(Array.from(b.mean), Array.from(a.mean));
    assert.deepEqual(Array.from(b.quantiles.get(0.8)!), Array.from(a.quantiles.get(0.8)!));
  });
});
