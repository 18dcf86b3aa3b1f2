import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classicalDecomposition, leastSquares, linearTrend } from './classical-decomposition.js';
import { NormalRandom, normalQuantile } from './gaussian.js';
import { nelderMead } from './nelder-mead.js';
import { rootsWithin } from './polynomial.js';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosen = (p: Float64Array) => 100 * (p[1]! - p[0]! ** 2) ** 2 + (1 - p[0]!) ** 2;
    const r = nelderMead(rosen, [-1.2, 1], { maxit: 5000, reltol: 1e-12 });
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-3 && Math.abs(r.x[1]! - 1) < 1e-3, `got ${r.x}`);
    assert.equal(r.code, 0);
  });
  it('treats non-finite values as a wall and stops at the budget', () => {
    const f = (p: Float64Array) =>
      p[0]! < 0.2 ? Number.POSITIVE_INFINITY : (p[0]! - 0.5) ** 2 + (p[1]! - 1) ** 2 + 0.1 * p[0]! * p[1]!;
    const r = nelderMead(f, [3, 3], { maxit: 2000 });
    // Minimum of the quadratic: solve 2(x−0.5) + 0.1y = 0, 2(y−1) + 0.1x = 0.
    const x = (1 - 0.05 * 2) / (2 - 0.005);
    assert.ok(Math.abs(r.x[0]! - x) < 1e-3, `got ${r.x}`);
    const capped = nelderMead((p) => (p[0]! - 3) ** 2 + (p[1]! + 1) ** 2, [0, 0], { maxit: 5 });
    assert.equal(capped.code, 1);
  });
});

describe('rootsWithin', () => {
  it('agrees with known root moduli', () => {
    assert.equal(rootsWithin([-0.25, 0, 1], 1), true); // ±0.5
    assert.equal(rootsWithin([-4, 0, 1], 1), false); // ±2
    assert.equal(rootsWithin([0.81, 0, 1], 1), true); // ±0.9i
    assert.equal(rootsWithin([2, -3, 1], 1), false); // 1 and 2
  });
  it('matches brute-force root moduli on random polynomials', () => {
    const rng = new NormalRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      // Build from known real roots so the truth is known.
      const roots = [rng.next() * 0.8, rng.next() * 0.8, rng.next() * 0.8];
      let poly = [1];
      for (const r of roots) {
        const next = new Array(poly.length + 1).fill(0);
        for (let k = 0; k < poly.length; k++) {
          next[k + 1] += poly[k]!;
          next[k] -= r * poly[k]!;
        }
        poly = next;
      }
      const inside = roots.every((r) => Math.abs(r) < 1);
      assert.equal(rootsWithin(poly, 1), inside, `roots ${roots}`);
    }
  });
});

describe('normalQuantile', () => {
  it('reproduces R qnorm values', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-14);
    assert.ok(Math.abs(normalQuantile(0.1) + 1.2815515655446004) < 1e-14);
    assert.ok(Math.abs(normalQuantile(1e-10) + 6.361340902404056) < 1e-12);
    assert.equal(normalQuantile(0.5), 0);
  });
  it('draws standard normal numbers reproducibly from a seed', () => {
    const a = new NormalRandom(11);
    const b = new NormalRandom(11);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 20000; i++) {
      const v = a.next();
      assert.equal(v, b.next());
      sum += v;
      sq += v * v;
    }
    assert.ok(Math.abs(sum / 20000) < 0.03);
    assert.ok(Math.abs(sq / 20000 - 1) < 0.05);
  });
});

describe('classical decomposition and regression', () => {
  it('recovers a multiplicative seasonal pattern', () => {
    const pattern = [0.8, 1.0, 1.2, 1.0];
    const y = Float64Array.from({ length: 40 }, (_, t) => (100 + t) * pattern[t % 4]!);
    const d = classicalDecomposition(y, 4, 'multiplicative');
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(d.figure[k]! - pattern[k]!) < 0.01, `figure ${d.figure}`);
  });
  it('solves least squares and fits a line, skipping NaN', () => {
    assert.deepEqual(Array.from(leastSquares(Float64Array.of(1, 1, 1, 2, 1, 3), 2, [2, 4, 6])), [0, 2]);
    const fit = linearTrend(Float64Array.of(3, Number.NaN, 7, 9));
    assert.ok(Math.abs(fit.intercept - 1) < 1e-12 && Math.abs(fit.slope - 2) < 1e-12);
  });
});
