import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArimaStateSpace, getQ0, invTrans, maInvert, transPars, undoPars } from './arima-kalman.js';
import { minRootModulus, polyroot } from './linalg/polyroot.js';

function series(n: number): Float64Array {
  const y = new Float64Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    y[i] = s / 2147483647 - 0.5 + (i > 0 ? 0.4 * y[i - 1]! : 0);
  }
  return y;
}

const MODELS: [number[], number[]][] = [
  [[0.5, 0.2, 0, 0, 0, 0, 0.3, -0.15, -0.06], [-0.9]],
  [[0.5], [-0.5, 0, 0, 0, 0, 0, -0.9, 0.45]],
  [
    [1.1, -0.5],
    [0.3, 0.2, 0.1],
  ],
  [[0.7], []],
  [[], [0.4]],
];

describe('ARIMA state space', () => {
  it('getQ0 solves the stationary covariance equation Q = T Q T′ + v v′', () => {
    for (const [phi, theta] of MODELS) {
      const ss = new ArimaStateSpace(phi.length, theta.length, new Float64Array(0));
      ss.update(Float64Array.from(phi), Float64Array.from(theta));
      const r = ss.r;
      const Q = getQ0(Float64Array.from(phi), Float64Array.from(theta));
      const T = ss.transition();
      const v = new Float64Array(r);
      v[0] = 1;
      theta.forEach((t, i) => {
        if (i + 1 < r) v[i + 1] = t;
      });
      for (let i = 0; i < r; i++)
        for (let j = 0; j < r; j++) {
          let tqt = v[i]! * v[j]!;
          for (let k = 0; k < r; k++)
            for (let l = 0; l < r; l++) tqt += T[i + r * k]! * Q[k + r * l]! * T[j + r * l]!;
          assert.ok(
            Math.abs(tqt - Q[i + r * j]!) < 1e-9 * Math.max(1, Math.abs(Q[i + r * j]!)),
            `(${i},${j})`,
          );
        }
    }
  });

  it('the Chandrasekhar ARMA likelihood equals the Kalman filter likelihood', () => {
    const y = series(500);
    for (const [phi, theta] of MODELS) {
      const ss = new ArimaStateSpace(phi.length, theta.length, new Float64Array(0));
      ss.update(Float64Array.from(phi), Float64Array.from(theta));
      const full = ss.likelihood(y, 0, null, new Float64Array(3));
      const aFull = Float64Array.from(ss.a);
      ss.update(Float64Array.from(phi), Float64Array.from(theta));
      const fast = ss.likelihoodArma(y, new Float64Array(3));
      for (let k = 0; k < 3; k++)
        assert.ok(Math.abs(fast[k]! - full[k]!) < 1e-9 * Math.max(1, Math.abs(full[k]!)));
      for (let i = 0; i < aFull.length; i++) assert.ok(Math.abs(ss.a[i]! - aFull[i]!) < 1e-9);
    }
  });

  it('AR transform round-trips and expands seasonal polynomials multiplicatively', () => {
    const arma = { p: 2, q: 1, P: 1, Q: 1, period: 4, d: 0, D: 0 };
    const natural = Float64Array.of(0.5, -0.3, 0.2, 0.6, -0.4);
    const back = undoPars(invTrans(natural, arma), arma);
    for (let i = 0; i < natural.length; i++) assert.ok(Math.abs(back[i]! - natural[i]!) < 1e-12);
    const phi = new Float64Array(2 + 4);
    const theta = new Float64Array(1 + 4);
    transPars(natural, arma, false, phi, theta);
    // (1 - 0.5B + 0.3B²)(1 - 0.6B⁴) → phi = [0.5, -0.3, 0, 0.6, -0.3, 0.18].
    assert.deepEqual(
      Array.from(phi).map((v) => Math.round(v * 1e12) / 1e12),
      [0.5, -0.3, 0, 0.6, -0.3, 0.18],
    );
    // (1 + 0.2B)(1 - 0.4B⁴) → theta = [0.2, 0, 0, -0.4, -0.08].
    assert.deepEqual(
      Array.from(theta).map((v) => Math.round(v * 1e12) / 1e12),
      [0.2, 0, 0, -0.4, -0.08],
    );
  });

  it('maInvert reflects MA roots into an invertible polynomial', () => {
    assert.deepEqual(Array.from(maInvert(Float64Array.of(2))), [0.5]);
    const inv = maInvert(Float64Array.of(-2.5, 1));
    assert.ok(minRootModulus([1, inv[0]!, inv[1]!]) >= 1 - 1e-9);
  });

  it('polyroot finds the roots of (1 - z/2)(1 + z/3)(1 + z²)', () => {
    // Expanded: 1 + z/6 + (5/6) z² + z³/6 - z⁴/6.
    const roots = polyroot([1, 1 / 6, 5 / 6, 1 / 6, -1 / 6]);
    const moduli = Array.from(roots.re, (re, i) => Math.hypot(re, roots.im[i]!)).sort((a, b) => a - b);
    const expected = [1, 1, 2, 3];
    for (const [i, m] of moduli.entries()) assert.ok(Math.abs(m - expected[i]!) < 1e-9, `${m}`);
  });
});
