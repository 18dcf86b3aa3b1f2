import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArimaStateSpace,
  conditionalSumOfSquares,
  getQ0,
  invTrans,
  maInvert,
  transPars,
  undoPars,
} from './arima-kalman.js';
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
  // State dimension 53 (a 52-week seasonal MA): beyond the generated code, the loop form.
  [[0.5], Array.from({ length: 52 }, (_, i) => (i === 0 ? 0.3 : i === 51 ? -0.6 : 0))],
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

  it('getQ0 stays exact for seasonal AR polynomials close to a unit root', () => {
    // Two seasonal AR terms with partial autocorrelations near ±1: Gardner's Givens solve loses
    // several digits here; the covariance must still satisfy the Lyapunov equation to rounding.
    const arma = { p: 1, q: 0, P: 2, Q: 2, period: 7, d: 0, D: 0 };
    const phi = new Float64Array(1 + 14);
    const theta = new Float64Array(14);
    transPars(Float64Array.of(0.66, 1.7, -1.9, 0.4, -0.3), arma, true, phi, theta);
    const r = Math.max(phi.length, theta.length + 1);
    const Q = getQ0(phi, theta);
    const v = (i: number): number => (i === 0 ? 1 : i - 1 < theta.length ? theta[i - 1]! : 0);
    const ph = (i: number): number => (i < phi.length ? phi[i]! : 0);
    const q = (i: number, j: number): number => (i < r && j < r ? Q[i + r * j]! : 0);
    let scale = 0;
    for (let i = 0; i < r * r; i++) scale = Math.max(scale, Math.abs(Q[i]!));
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        const tqt =
          ph(i) * ph(j) * q(0, 0) + ph(i) * q(0, j + 1) + ph(j) * q(i + 1, 0) + q(i + 1, j + 1) + v(i) * v(j);
        assert.ok(Math.abs(tqt - q(i, j)) < 1e-12 * scale, `(${i},${j}) ${tqt} vs ${q(i, j)}`);
      }
  });

  it('the CSS residuals equal the textbook recursion for every lag pattern', () => {
    const y = series(300);
    const arma = { p: 2, q: 2, P: 1, Q: 1, period: 7, d: 1, D: 1 };
    const ncond = arma.d + arma.D * arma.period + arma.p + arma.period * arma.P;
    // Zero coefficients change which lags the loop visits.
    for (const par of [
      [0.3, -0.2, 0.4, 0.1, -0.5, -0.6],
      [0, -0.2, 0, 0.1, 0, -0.6],
      [0, 0, 0, 0, 0, 0],
      [0.3, 0, 0.4, 0, 0.5, 0],
    ]) {
      const phi = new Float64Array(2 + 7);
      const theta = new Float64Array(2 + 7);
      transPars(Float64Array.from(par), arma, false, phi, theta);
      const w = new Float64Array(y.length);
      const resid = new Float64Array(y.length);
      const got = conditionalSumOfSquares(y, arma, phi, theta, ncond, w, resid);
      // (1 - B)(1 - B⁷) y, then e_t = w_t - Σ phi_j w_{t-j} - Σ_{j < t - ncond} theta_j e_{t-j}.
      const dy = Array.from(y, (v, t) => (t >= 8 ? v - y[t - 1]! - y[t - 7]! + y[t - 8]! : 0));
      const e = new Array<number>(y.length).fill(0);
      let ssq = 0;
      for (let t = ncond; t < y.length; t++) {
        let v = dy[t]!;
        for (let j = 0; j < phi.length; j++) v -= phi[j]! * dy[t - j - 1]!;
        for (let j = 0; j < theta.length && j < t - ncond; j++) v -= theta[j]! * e[t - j - 1]!;
        e[t] = v;
        ssq += v * v;
      }
      const expected = ssq / (y.length - ncond);
      assert.ok(Math.abs(got - expected) < 1e-12 * expected, `${par}: ${got} vs ${expected}`);
      for (let t = 0; t < y.length; t++) assert.ok(Math.abs(resid[t]! - e[t]!) < 1e-9, `e[${t}]`);
    }
  });

  it('the CSS residuals of a model with more lags than the generated loops take', () => {
    const y = series(300);
    const p = 60;
    const arma = { p, q: 1, P: 0, Q: 0, period: 1, d: 0, D: 0 };
    const phi = Float64Array.from({ length: p }, (_, j) => 0.3 / (j + 1) ** 2);
    const theta = Float64Array.of(0.4);
    const w = new Float64Array(y.length);
    const resid = new Float64Array(y.length);
    const got = conditionalSumOfSquares(y, arma, phi, theta, p, w, resid);
    let ssq = 0;
    const e = new Array<number>(y.length).fill(0);
    for (let t = p; t < y.length; t++) {
      let v = y[t]!;
      for (let j = 0; j < p; j++) v -= phi[j]! * y[t - j - 1]!;
      if (t - p > 0) v -= theta[0]! * e[t - 1]!;
      e[t] = v;
      ssq += v * v;
    }
    const expected = ssq / (y.length - p);
    assert.ok(Math.abs(got - expected) < 1e-12 * expected, `${got} vs ${expected}`);
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
