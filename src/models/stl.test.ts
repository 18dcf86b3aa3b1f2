import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { stl } from './stl.js';

/** Fixtures are committed JSON written by references/r/mstl-fixtures.R; tests never run R. */
const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const nox = JSON.parse(readFileSync(new URL('mstl-nox-daily.json', fixtures), 'utf8'));

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('stl (port of stats::stl, robust = FALSE)', () => {
  const y = Float64Array.from(nox.values as number[]);

  it("matches R's stl with a fractional period and s.window = 13 (integer cycle, exact-period trend window)", () => {
    const r = nox.stl_fractional;
    const { seasonal, trend } = stl(y, r.period, r.s_window);
    // Fixture values carry 10 significant digits (values up to ~150): 1e-6 leaves room for that only.
    assert.ok(maxAbs(seasonal, r.seasonal) < 1e-6, `seasonal ${maxAbs(seasonal, r.seasonal)}`);
    assert.ok(maxAbs(trend, r.trend) < 1e-6, `trend ${maxAbs(trend, r.trend)}`);
  });

  it("matches R's stl(s.window = 11) with a weekly period (mstl's single-period case)", () => {
    const { seasonal, trend } = stl(y, 7);
    assert.ok(maxAbs(seasonal, nox.seasonal['7']) < 1e-6);
    assert.ok(maxAbs(trend, nox.trend) < 1e-6);
  });

  it('recovers an exact weekly cycle on a linear trend', () => {
    const cycle = [5, -3, 2, 0, -6, 1, 1];
    const n = 140;
    const x = Float64Array.from({ length: n }, (_, t) => 50 + 0.5 * t + cycle[t % 7]!);
    const { seasonal, trend } = stl(x, 7);
    for (let t = 14; t < n - 14; t++) {
      assert.ok(Math.abs(seasonal[t]! - cycle[t % 7]!) < 0.05, `seasonal at ${t}`);
      assert.ok(Math.abs(trend[t]! - (50 + 0.5 * t)) < 0.05, `trend at ${t}`);
    }
  });
});
