import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crostonModel } from './croston.js';
import { sbaModel } from './sba.js';

describe('SBA', () => {
  const y = Float64Array.of(0, 0, 3, 0, 0, 0, 5, 0, 1, 0, 0, 4, 0, 0, 0, 0, 2, 0, 6, 0);
  it('is Croston times (1 - alpha_interval / 2)', () => {
    for (const a of [0.1, 0.25, 0.6]) {
      const params = { alpha_size: 0.2, alpha_interval: a };
      const c = crostonModel.predict(crostonModel.fit({ y, seasonLength: 1, freq: 'W', params }), {
        horizon: 1,
        quantiles: [],
      });
      const s = sbaModel.predict(sbaModel.fit({ y, seasonLength: 1, freq: 'W', params }), {
        horizon: 1,
        quantiles: [],
      });
      assert.ok(Math.abs(s.mean[0]! - c.mean[0]! * (1 - a / 2)) < 1e-12);
    }
  });
  it('optimised parameters lie in (0, 1] and quantiles are ordered', () => {
    const f = sbaModel.fit({ y, seasonLength: 1, freq: 'W', params: { optimise: 'mar' } });
    const st = f.state as { alphaSize: number; alphaInterval: number };
    assert.ok(st.alphaSize > 0 && st.alphaSize <= 1 && st.alphaInterval > 0 && st.alphaInterval <= 1);
    const fc = sbaModel.predict(f, { horizon: 4, quantiles: [0.5, 0.95] });
    assert.ok(fc.quantiles.get(0.5)![0]! <= fc.quantiles.get(0.95)![0]!);
  });
});
