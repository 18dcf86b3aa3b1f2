/**
 * @module models/arima-kalman
 * The state-space machinery behind ARIMA, ported from R's stats/src/arima.c so that estimates match
 * `stats::arima`: parameter transforms (partrans / invpartrans), seasonal expansion, the stationary
 * initial state covariance (`getQ0`, the matrix of Gardner et al. 1980 by a faster exact route), the
 * exact Gaussian likelihood by Kalman filter (`ARIMA_Like`) or Chandrasekhar recursions, the
 * conditional sum of squares (`ARIMA_CSS`) and h-step forecasts with their variances (`KalmanFore`).
 * Matrices are column-major Float64Arrays (index `i + rd * j`), as in R.
 *
 * The two innermost loops (CSS residuals, Chandrasekhar recursions) run once per objective
 * evaluation, tens of thousands of times per automatic fit; they are generated per loop shape with
 * `new Function` from integer sizes only (no data enters the source) and cached for the process.
 */

import { coefficientsFromRoots, minRootModulus, polyroot } from './linalg/polyroot.js';

/** Orders in R's `arma` vector: p, q, P, Q, period, d, D. */
export interface ArmaOrders {
  p: number;
  q: number;
  P: number;
  Q: number;
  period: number;
  d: number;
  D: number;
}

/** Maps unconstrained values to the PACF in (-1, 1) and on to AR coefficients (Jones 1980). */
function partrans(p: number, raw: ArrayLike<number>, offset: number, out: Float64Array): void {
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const v = Math.tanh(raw[offset + j]!);
    work[j] = v;
    out[offset + j] = v;
  }
  for (let j = 1; j < p; j++) {
    const a = out[offset + j]!;
    for (let k = 0; k < j; k++) work[k] = work[k]! - a * out[offset + j - k - 1]!;
    for (let k = 0; k < j; k++) out[offset + k] = work[k]!;
  }
}

function invpartrans(p: number, phi: ArrayLike<number>, offset: number, out: Float64Array): void {
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    work[j] = phi[offset + j]!;
    out[offset + j] = phi[offset + j]!;
  }
  for (let j = p - 1; j > 0; j--) {
    const a = out[offset + j]!;
    for (let k = 0; k < j; k++) work[k] = (out[offset + k]! + a * out[offset + j - k - 1]!) / (1 - a * a);
    for (let k = 0; k < j; k++) out[offset + k] = work[k]!;
  }
  for (let j = 0; j < p; j++) out[offset + j] = Math.atanh(out[offset + j]!);
}

/** R's `ARIMA_undoPars`: transformed → natural AR and seasonal AR coefficients. */
export function undoPars(par: Float64Array, arma: ArmaOrders): Float64Array {
  const res = Float64Array.from(par);
  if (arma.p > 0) partrans(arma.p, par, 0, res);
  if (arma.P > 0) partrans(arma.P, par, arma.p + arma.q, res);
  return res;
}

/** R's `ARIMA_Invtrans`: natural → unconstrained AR and seasonal AR coefficients. */
export function invTrans(par: Float64Array, arma: ArmaOrders): Float64Array {
  const res = Float64Array.from(par);
  if (arma.p > 0) invpartrans(arma.p, par, 0, res);
  if (arma.P > 0) invpartrans(arma.P, par, arma.p + arma.q, res);
  return res;
}

/**
 * R's `ARIMA_transPars`: expands (p, q, P, Q) coefficients into the full phi (length p + m P) and
 * theta (length q + m Q) of the multiplicative model, optionally through the AR transform.
 */
export function transPars(
  par: Float64Array,
  arma: ArmaOrders,
  trans: boolean,
  phi: Float64Array,
  theta: Float64Array,
): void {
  const { p: mp, q: mq, P: msp, Q: msq, period: ns } = arma;
  let params: ArrayLike<number> = par;
  if (trans && (mp > 0 || msp > 0)) {
    const t = Float64Array.from(par);
    if (mp > 0) partrans(mp, par, 0, t);
    if (msp > 0) partrans(msp, par, mp + mq, t);
    params = t;
  }
  phi.fill(0);
  theta.fill(0);
  for (let i = 0; i < mp; i++) phi[i] = params[i]!;
  for (let i = 0; i < mq; i++) theta[i] = params[i + mp]!;
  for (let j = 0; j < msp; j++) {
    const s = params[j + mp + mq]!;
    phi[(j + 1) * ns - 1] = phi[(j + 1) * ns - 1]! + s;
    for (let i = 0; i < mp; i++) phi[(j + 1) * ns + i] = phi[(j + 1) * ns + i]! - params[i]! * s;
  }
  for (let j = 0; j < msq; j++) {
    const s = params[j + mp + mq + msp]!;
    theta[(j + 1) * ns - 1] = theta[(j + 1) * ns - 1]! + s;
    for (let i = 0; i < mq; i++) theta[(j + 1) * ns + i] = theta[(j + 1) * ns + i]! + params[i + mp]! * s;
  }
}

/** R's `arCheck`: true when all roots of 1 - ar_1 z - ... lie outside the unit circle. */
export function arCheck(ar: ArrayLike<number>): boolean {
  let p = ar.length;
  while (p > 0 && ar[p - 1] === 0) p--;
  if (p === 0) return true;
  const c = new Float64Array(p + 1);
  c[0] = 1;
  for (let i = 0; i < p; i++) c[i + 1] = -ar[i]!;
  return minRootModulus(c) > 1;
}

/** R's `maInvert`: reflects MA roots inside the unit circle to make the MA part invertible. */
export function maInvert(ma: Float64Array): Float64Array {
  const q = ma.length;
  let q0 = q;
  while (q0 > 0 && ma[q0 - 1] === 0) q0--;
  if (q0 === 0) return ma;
  const c = new Float64Array(q0 + 1);
  c[0] = 1;
  for (let i = 0; i < q0; i++) c[i + 1] = ma[i]!;
  const roots = polyroot(c);
  let any = false;
  for (let k = 0; k < q0; k++) if (Math.hypot(roots.re[k]!, roots.im[k]!) < 1) any = true;
  if (!any) return ma;
  const out = new Float64Array(q);
  if (q0 === 1) {
    out[0] = 1 / ma[0]!;
    return out;
  }
  for (let k = 0; k < q0; k++) {
    const r = roots.re[k]!;
    const i = roots.im[k]!;
    const m2 = r * r + i * i;
    if (m2 < 1) {
      roots.re[k] = r / m2;
      roots.im[k] = -i / m2;
    }
  }
  out.set(coefficientsFromRoots(roots));
  return out;
}

let q0Scratch = new Float64Array(0);

/**
 * Stationary covariance of the ARMA state vector, r×r column-major with r = max(p, q + 1): the
 * solution of Q = T Q T′ + v v′ that R's `getQ0` computes by Gardner, Harvey & Phillips (1980).
 * Gardner's method solves the r(r+1)/2 packed equations by Givens rotations, O(r⁶); for seasonal
 * models (r up to 19) that dominated the exact likelihood. Here the same matrix comes from the
 * structure of the state instead, in O(p³ + r²):
 * with a_t[i] = Σ_{j<r-i} (phi_{i+j} y_{t-1-j} + v_{i+j} e_{t-j}), the first column is
 * Q[0][k] = Σ_j (phi_{k+j} γ(j+1) + v_{k+j} ψ_j) from the autocovariances γ and the MA(∞) weights ψ,
 * and the equation itself, Q[i][k] = phi_i phi_k Q00 + phi_i Q[0][k+1] + phi_k Q[i+1][0]
 * + Q[i+1][k+1] + v_i v_k, fills the remaining rows from the bottom up. Both methods solve the
 * same linear equations, so they agree to rounding.
 */
export function getQ0(phi: Float64Array, theta: Float64Array, out?: Float64Array): Float64Array {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const P = out && out.length >= r * r ? out : new Float64Array(r * r);
  P.fill(0);
  if (r === 1) {
    P[0] = p === 0 ? 1 : 1 / (1 - phi[0]! * phi[0]!);
    return P;
  }
  const n1 = p + 1;
  const need = 3 * (r + 1) + n1 * n1 + n1;
  if (q0Scratch.length < need) q0Scratch = new Float64Array(2 * need);
  const buf = q0Scratch;
  // v = (1, theta_1, ..., theta_{r-1}), psi_0..r, gamma(0..r), then the (p+1)² system and its rhs.
  const v = buf.subarray(0, r + 1);
  const psi = buf.subarray(r + 1, 2 * (r + 1));
  const gamma = buf.subarray(2 * (r + 1), 3 * (r + 1));
  const A = buf.subarray(3 * (r + 1), 3 * (r + 1) + n1 * n1);
  const b = buf.subarray(3 * (r + 1) + n1 * n1, need);
  v.fill(0);
  v[0] = 1;
  for (let i = 0; i < q; i++) v[i + 1] = theta[i]!;
  for (let j = 0; j <= r; j++) {
    let s = v[j]!;
    for (let k = 1; k <= Math.min(j, p); k++) s += phi[k - 1]! * psi[j - k]!;
    psi[j] = s;
  }
  if (p === 0) {
    // Pure MA: the state is a finite sum of innovations, Q[i][k] = Σ_j v_{i+j} v_{k+j}.
    for (let i = 0; i < r; i++)
      for (let k = i; k < r; k++) {
        let s = 0;
        for (let j = 0; k + j < r; j++) s += v[i + j]! * v[k + j]!;
        P[i + r * k] = s;
        P[k + r * i] = s;
      }
    return P;
  }
  // γ(0..p) from γ(k) - Σ_j phi_j γ(|k-j|) = Σ_{j≥k} v_j ψ_{j-k} (Brockwell & Davis 1991, 3.3.8),
  // by Gaussian elimination with partial pivoting.
  A.fill(0);
  for (let k = 0; k <= p; k++) {
    A[k * n1 + k] = 1;
    for (let j = 1; j <= p; j++) {
      const c = Math.abs(k - j);
      A[k * n1 + c] = A[k * n1 + c]! - phi[j - 1]!;
    }
    let s = 0;
    for (let j = k; j <= q; j++) s += v[j]! * psi[j - k]!;
    b[k] = s;
  }
  for (let c = 0; c < n1; c++) {
    let piv = c;
    for (let i = c + 1; i < n1; i++) if (Math.abs(A[i * n1 + c]!) > Math.abs(A[piv * n1 + c]!)) piv = i;
    if (piv !== c) {
      for (let j = c; j < n1; j++) {
        const t = A[c * n1 + j]!;
        A[c * n1 + j] = A[piv * n1 + j]!;
        A[piv * n1 + j] = t;
      }
      const t = b[c]!;
      b[c] = b[piv]!;
      b[piv] = t;
    }
    const d = A[c * n1 + c]!;
    for (let i = c + 1; i < n1; i++) {
      const f = A[i * n1 + c]! / d;
      if (f === 0) continue;
      for (let j = c + 1; j < n1; j++) A[i * n1 + j] = A[i * n1 + j]! - f * A[c * n1 + j]!;
      b[i] = b[i]! - f * b[c]!;
    }
  }
  for (let c = n1 - 1; c >= 0; c--) {
    let s = b[c]!;
    for (let j = c + 1; j < n1; j++) s -= A[c * n1 + j]! * gamma[j]!;
    gamma[c] = s / A[c * n1 + c]!;
  }
  for (let k = n1; k <= r; k++) {
    let s = 0;
    for (let j = k; j <= q; j++) s += v[j]! * psi[j - k]!;
    for (let j = 1; j <= p; j++) s += phi[j - 1]! * gamma[k - j]!;
    gamma[k] = s;
  }
  // First row (and column).
  for (let k = 0; k < r; k++) {
    let s = 0;
    for (let j = 0; k + j < r; j++) {
      const pk = k + j < p ? phi[k + j]! : 0;
      s += pk * gamma[j + 1]! + v[k + j]! * psi[j]!;
    }
    P[r * k] = s;
    P[k] = s;
  }
  const p00 = P[0]!;
  for (let i = r - 1; i >= 1; i--) {
    const phi_i = i < p ? phi[i]! : 0;
    const below0 = i + 1 < r ? P[i + 1]! : 0;
    for (let k = r - 1; k >= i; k--) {
      const phi_k = k < p ? phi[k]! : 0;
      let s = phi_i * phi_k * p00 + v[i]! * v[k]! + phi_k * below0;
      if (k + 1 < r) s += phi_i * P[r * (k + 1)]! + (i + 1 < r ? P[i + 1 + r * (k + 1)]! : 0);
      P[i + r * k] = s;
      P[k + r * i] = s;
    }
  }
  return P;
}

/**
 * Largest change of any one-step covariance entry, relative to the prediction variance, below which
 * the ARMA filter is treated as steady. The likelihood then differs from the full recursion by far
 * less than the optimiser's relative tolerance (1.5e-8).
 */
const STEADY_TOLERANCE = 1e-13;

/**
 * The state-space form of an ARIMA model (R's `makeARIMA` list) plus preallocated work buffers, so
 * that repeated likelihood evaluations during optimisation allocate nothing.
 */
export class ArimaStateSpace {
  readonly p: number;
  readonly q: number;
  readonly r: number;
  readonly d: number;
  readonly rd: number;
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly delta: Float64Array;
  readonly a: Float64Array;
  readonly P: Float64Array;
  readonly Pn: Float64Array;
  readonly kappa: number;
  readonly #anew: Float64Array;
  readonly #M: Float64Array;
  readonly #mm: Float64Array;
  readonly #Pnew: Float64Array;
  readonly #q0: Float64Array;
  readonly #vv: Float64Array;
  readonly #phiPad: Float64Array;
  readonly #shifted: Float64Array;
  readonly #chandrasekharState = new Float64Array(2);

  constructor(p: number, q: number, delta: Float64Array, kappa = 1e6) {
    this.p = p;
    this.q = q;
    this.r = Math.max(p, q + 1);
    this.d = delta.length;
    this.rd = this.r + this.d;
    this.phi = new Float64Array(p);
    this.theta = new Float64Array(q);
    this.delta = delta;
    this.kappa = kappa;
    const rd = this.rd;
    this.a = new Float64Array(rd);
    this.P = new Float64Array(rd * rd);
    this.Pn = new Float64Array(rd * rd);
    this.#anew = new Float64Array(rd);
    this.#M = new Float64Array(rd);
    this.#mm = new Float64Array(rd * rd);
    this.#Pnew = new Float64Array(rd * rd);
    const r = this.r;
    this.#q0 = new Float64Array(Math.max(r * r, (r * (r + 1)) / 2));
    this.#vv = new Float64Array(r);
    this.#phiPad = new Float64Array(r);
    this.#shifted = new Float64Array(r);
  }

  /** R's `upARIMA` (and the initial part of `makeARIMA`): new coefficients, reset a, P and Pn. */
  update(phi: Float64Array, theta: Float64Array): void {
    this.phi.set(phi);
    this.theta.set(theta);
    const { r, rd } = this;
    this.a.fill(0);
    this.P.fill(0);
    this.Pn.fill(0);
    if (r > 1) {
      const q0 = getQ0(this.phi, this.theta, this.#q0);
      for (let j = 0; j < r; j++) for (let i = 0; i < r; i++) this.Pn[i + rd * j] = q0[i + r * j]!;
    } else {
      this.Pn[0] = this.p > 0 ? 1 / (1 - this.phi[0]! * this.phi[0]!) : 1;
    }
    for (let i = 0; i < this.d; i++) this.Pn[r + i + rd * (r + i)] = this.kappa;
  }

  /**
   * R's `ARIMA_Like`: runs the Kalman filter over `y` (NaN = missing), leaving the filtered state in
   * `a`/`P`. Returns [ssq, sum of log gains, number of terms]; standardised residuals go to `resid`.
   */
  likelihood(y: Float64Array, useUp: number, resid: Float64Array | null, out: Float64Array): Float64Array {
    const { p, q, r, d, rd, phi, theta, delta, a, P } = this;
    const anew = this.#anew;
    const M = this.#M;
    const mm = this.#mm;
    const Pnew = this.#Pnew;
    const n = y.length;
    let ssq = 0;
    let sumlog = 0;
    let nu = 0;
    let steady = false;
    const vv = this.#vv;
    const phiPad = this.#phiPad;
    const shifted = this.#shifted;
    if (d === 0) {
      vv.fill(0);
      phiPad.fill(0);
      vv[0] = 1;
      for (let i = 0; i < q && i + 1 < r; i++) vv[i + 1] = theta[i]!;
      for (let i = 0; i < p; i++) phiPad[i] = phi[i]!;
    }
    Pnew.set(this.Pn);
    for (let l = 0; l < n; l++) {
      const a0 = a[0]!;
      for (let i = 0; i < r; i++) {
        let tmp = i < r - 1 ? a[i + 1]! : 0;
        if (i < p) tmp += phi[i]! * a0;
        anew[i] = tmp;
      }
      if (d > 0) {
        for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1]!;
        let tmp = a0;
        for (let i = 0; i < d; i++) tmp += delta[i]! * a[r + i]!;
        anew[r] = tmp;
      }
      if (l > useUp) {
        if (d === 0) {
          if (!steady) {
            // Symmetric update, upper triangle then mirrored: Pnew = T P T' + R R' (R's formula, half the work).
            const p00 = P[0]!;
            for (let i = 0; i < r; i++) {
              shifted[i] = i < r - 1 ? P[i + 1]! : 0;
            }
            let change = 0;
            for (let j = 0; j < r; j++) {
              const vj = vv[j]!;
              const phj = phiPad[j]!;
              const sj = shifted[j]!;
              for (let i = 0; i <= j; i++) {
                const phi_i = phiPad[i]!;
                let tmp = vv[i]! * vj + phi_i * phj * p00 + phi_i * sj + phj * shifted[i]!;
                if (j < r - 1) tmp += P[i + 1 + r * (j + 1)]!;
                const old = Pnew[i + r * j]!;
                const dlt = tmp - old;
                if (dlt > change) change = dlt;
                else if (-dlt > change) change = -dlt;
                Pnew[i + r * j] = tmp;
                Pnew[j + r * i] = tmp;
              }
            }
            // Once the Riccati recursion has converged the covariances stop changing: skip them from now on.
            if (l > 1 && change <= STEADY_TOLERANCE * Pnew[0]!) steady = true;
          }
        } else {
          // mm = T P
          for (let j = 0; j < rd; j++) {
            const pj = P[rd * j]!;
            for (let i = 0; i < r; i++) {
              let tmp = 0;
              if (i < p) tmp += phi[i]! * pj;
              if (i < r - 1) tmp += P[i + 1 + rd * j]!;
              mm[i + rd * j] = tmp;
            }
            let tmp = pj;
            for (let k = 0; k < d; k++) tmp += delta[k]! * P[r + k + rd * j]!;
            mm[r + rd * j] = tmp;
            for (let i = 1; i < d; i++) mm[r + i + rd * j] = P[r + i - 1 + rd * j]!;
          }
          // Pnew = mm T'
          for (let i = 0; i < r; i++) {
            for (let j = 0; j < rd; j++) {
              let tmp = 0;
              if (i < p) tmp += phi[i]! * mm[j]!;
              if (i < r - 1) tmp += mm[rd * (i + 1) + j]!;
              Pnew[j + rd * i] = tmp;
            }
          }
          for (let j = 0; j < rd; j++) {
            let tmp = mm[j]!;
            for (let k = 0; k < d; k++) tmp += delta[k]! * mm[rd * (r + k) + j]!;
            Pnew[j + rd * r] = tmp;
          }
          for (let i = 1; i < d; i++)
            for (let j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = mm[rd * (r + i - 1) + j]!;
          for (let i = 0; i <= q; i++) {
            const vi = i === 0 ? 1 : theta[i - 1]!;
            for (let j = 0; j <= q; j++)
              Pnew[i + rd * j] = Pnew[i + rd * j]! + vi * (j === 0 ? 1 : theta[j - 1]!);
          }
        }
      }
      const yl = y[l]!;
      if (!Number.isNaN(yl)) {
        let resid0 = yl - anew[0]!;
        for (let i = 0; i < d; i++) resid0 -= delta[i]! * anew[r + i]!;
        // M = Pnew Z, gain = Z' Pnew Z with Z = (1, 0, ..., 0, delta).
        for (let i = 0; i < rd; i++) {
          let tmp = Pnew[i]!;
          for (let k = 0; k < d; k++) tmp += Pnew[i + rd * (r + k)]! * delta[k]!;
          M[i] = tmp;
        }
        let gain = M[0]!;
        for (let i = 0; i < d; i++) gain += delta[i]! * M[r + i]!;
        if (gain < 1e4) {
          nu++;
          ssq += (resid0 * resid0) / gain;
          sumlog += Math.log(gain);
        }
        if (resid) resid[l] = resid0 / Math.sqrt(gain);
        for (let i = 0; i < rd; i++) a[i] = anew[i]! + (M[i]! * resid0) / gain;
        if (steady) continue;
        for (let j = 0; j < rd; j++) {
          const mj = M[j]! / gain;
          for (let i = 0; i < rd; i++) P[i + rd * j] = Pnew[i + rd * j]! - M[i]! * mj;
        }
      } else {
        a.set(anew);
        P.set(Pnew);
        steady = false;
        if (resid) resid[l] = Number.NaN;
      }
    }
    out[0] = ssq;
    out[1] = sumlog;
    out[2] = nu;
    return out;
  }

  /**
   * Same likelihood as {@link likelihood} for a stationary ARMA model (no differencing, no missing
   * values, useUp = 0), by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974): with the
   * stationary start the one-step covariance changes by a rank-one term per step, so the filter
   * costs O(r) per observation instead of O(r²). Leaves `a` filtered; `P` is not maintained.
   */
  likelihoodArma(y: Float64Array, out: Float64Array): Float64Array {
    const { p, r, phi, a } = this;
    const m = this.#M;
    const W = this.#shifted;
    // AR coefficients padded to r so that the transition T·v = shift(v) + phi·v[0] has no branches.
    const ph = this.#phiPad;
    ph.fill(0);
    for (let i = 0; i < p; i++) ph[i] = phi[i]!;
    const Pn = this.Pn;
    const r1 = r - 1;
    // m = P_t Z' (first column of the one-step covariance), F = Z P_t Z'.
    for (let i = 0; i < r; i++) m[i] = Pn[i]!;
    const F = m[0]!;
    // Stationary start: P_2 - P_1 = -(T m)(T m)' / F, so W = T m and the scalar M = -1 / F.
    const m0 = m[0]!;
    for (let i = 0; i < r1; i++) W[i] = m[i + 1]! + ph[i]! * m0;
    W[r1] = ph[r1]! * m0;
    const Mc = -1 / F;
    a.fill(0);
    const st = this.#chandrasekharState;
    st[0] = F;
    st[1] = Mc;
    const kernel = r <= MAX_KERNEL_STATE ? chandrasekharKernel(r, ph) : null;
    if (kernel !== null) kernel(y, ph, m, W, a, st, out);
    else chandrasekharLoop(r, y, ph, m, W, a, st, out);
    return out;
  }

  /**
   * R's `KalmanForecast` from the current filtered state: means and variances (in units of
   * sigma²) of the next `h` observations. Does not change the stored state.
   */
  forecast(h: number): { mean: Float64Array; variance: Float64Array } {
    const { rd } = this;
    const T = this.transition();
    const Z = new Float64Array(rd);
    Z[0] = 1;
    for (let i = 0; i < this.d; i++) Z[this.r + i] = this.delta[i]!;
    const R = new Float64Array(rd);
    R[0] = 1;
    for (let i = 0; i < this.q; i++) R[i + 1] = this.theta[i]!;
    const a = Float64Array.from(this.a);
    const P = Float64Array.from(this.P);
    const anew = new Float64Array(rd);
    const mm = new Float64Array(rd * rd);
    const mean = new Float64Array(h);
    const variance = new Float64Array(h);
    for (let l = 0; l < h; l++) {
      let fc = 0;
      for (let i = 0; i < rd; i++) {
        let tmp = 0;
        for (let k = 0; k < rd; k++) tmp += T[i + rd * k]! * a[k]!;
        anew[i] = tmp;
        fc += tmp * Z[i]!;
      }
      a.set(anew);
      mean[l] = fc;
      for (let i = 0; i < rd; i++)
        for (let j = 0; j < rd; j++) {
          let tmp = 0;
          for (let k = 0; k < rd; k++) tmp += T[i + rd * k]! * P[k + rd * j]!;
          mm[i + rd * j] = tmp;
        }
      let v = 0;
      for (let i = 0; i < rd; i++)
        for (let j = 0; j < rd; j++) {
          let tmp = R[i]! * R[j]!;
          for (let k = 0; k < rd; k++) tmp += mm[i + rd * k]! * T[j + rd * k]!;
          P[i + rd * j] = tmp;
        }
      for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) v += Z[i]! * Z[j]! * P[i + rd * j]!;
      variance[l] = v;
    }
    return { mean, variance };
  }

  /** Transition matrix T of `makeARIMA`. */
  transition(): Float64Array {
    const { p, r, d, rd } = this;
    const T = new Float64Array(rd * rd);
    for (let i = 0; i < p; i++) T[i] = this.phi[i]!;
    for (let i = 1; i < r; i++) T[i - 1 + rd * i] = 1;
    if (d > 0) {
      T[r] = 1;
      for (let k = 0; k < d; k++) T[r + rd * (r + k)] = this.delta[k]!;
      for (let i = 1; i < d; i++) T[r + i + rd * (r + i - 1)] = 1;
    }
    return T;
  }
}

let codeGeneration = true;

/**
 * Compiles a generated loop, or returns null when the runtime forbids code generation from strings
 * (node --disallow-code-generation-from-strings); callers then use their loop forms.
 */
function compile(params: string[], lines: string[]): ((...args: never[]) => void) | null {
  if (!codeGeneration) return null;
  try {
    return new Function(...params, lines.join('\n')) as (...args: never[]) => void;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    codeGeneration = false;
    return null;
  }
}

/** Largest state dimension given generated straight-line code (long seasons use the loop form). */
const MAX_KERNEL_STATE = 40;

/** The loop form of {@link chandrasekharKernel}, for large state dimensions. */
function chandrasekharLoop(
  r: number,
  y: Float64Array,
  ph: Float64Array,
  m: Float64Array,
  W: Float64Array,
  a: Float64Array,
  start: Float64Array,
  out: Float64Array,
): void {
  const r1 = r - 1;
  let F = start[0]!;
  let Mc = start[1]!;
  let ssq = 0;
  let sumlog = 0;
  let nu = 0;
  // Fused and in place: each loop reads index i + 1 before it is overwritten.
  for (let l = 0; l < y.length; l++) {
    const a0 = a[0]!;
    const resid0 = y[l]! - (r1 > 0 ? a[1]! + ph[0]! * a0 : ph[0]! * a0);
    if (F < 1e4) {
      nu++;
      ssq += (resid0 * resid0) / F;
      sumlog += Math.log(F);
    }
    const step = resid0 / F;
    for (let i = 0; i < r1; i++) a[i] = a[i + 1]! + ph[i]! * a0 + m[i]! * step;
    a[r1] = ph[r1]! * a0 + m[r1]! * step;
    const w0 = W[0]!;
    const c = Mc * w0;
    const Fold = F;
    F += c * w0;
    Mc += (c * c) / Fold;
    const k = w0 / F;
    const mFirst = m[0]! + w0 * c;
    m[0] = mFirst;
    const x0 = w0 - mFirst * k;
    for (let i = 0; i < r1; i++) {
      const wi = W[i + 1]!;
      const mi = m[i + 1]! + wi * c;
      m[i + 1] = mi;
      W[i] = wi - mi * k + ph[i]! * x0;
    }
    W[r1] = ph[r1]! * x0;
  }
  out[0] = ssq;
  out[1] = sumlog;
  out[2] = nu;
}

/** One pass of the Chandrasekhar recursions over `y`; see {@link ArimaStateSpace.likelihoodArma}. */
type ChandrasekharKernel = (
  y: Float64Array,
  ph: Float64Array,
  m: Float64Array,
  W: Float64Array,
  a: Float64Array,
  start: Float64Array,
  out: Float64Array,
) => void;

const chandrasekharKernels = new Map<string, ChandrasekharKernel>();

/**
 * The recursions for state dimension r and the non-zero pattern of the padded AR coefficients,
 * generated as straight-line code: state, gain and W live in locals and the structural zeros of
 * seasonal AR polynomials are dropped. Per observation, with ph the AR coefficients padded to r:
 *   e = y - (a₁ + ph₀ a₀);  a_i ← a_{i+1} + ph_i a₀ + m_i e / F            (state update)
 *   c = M w₀;  F ← F + c w₀;  M ← M + c² / F_old;  k = w₀ / F              (Herbst 2015, 9-13)
 *   m_i ← m_i + W_i c;  x_i = W_i - m_i k;  W_i ← x_{i+1} + ph_i x₀
 * evaluated in this order, so the values are those of the loop form (a dropped term ph_i·v = ±0
 * leaves any non-zero sum unchanged).
 */
function chandrasekharKernel(r: number, ph: Float64Array): ChandrasekharKernel | null {
  let key = `${r}:`;
  for (let i = 0; i < r; i++) key += ph[i] === 0 ? '0' : '1';
  const cached = chandrasekharKernels.get(key);
  if (cached !== undefined) return cached;
  const r1 = r - 1;
  const nz = (i: number): boolean => ph[i] !== 0;
  const plusPh = (i: number, v: string): string => (nz(i) ? ` + ph${i} * ${v}` : '');
  const lines: string[] = [];
  for (let i = 0; i < r; i++) if (nz(i)) lines.push(`const ph${i} = ph[${i}];`);
  for (let i = 0; i < r; i++) lines.push(`let s${i} = 0;`, `let m${i} = m[${i}];`, `let W${i} = W[${i}];`);
  lines.push('let F = start[0];', 'let Mc = start[1];', 'let ssq = 0;', 'let sumlog = 0;', 'let nu = 0;');
  lines.push('const n = y.length;', 'for (let l = 0; l < n; l++) {', 'const a0 = s0;');
  const pred0 = r1 > 0 ? `s1${plusPh(0, 'a0')}` : nz(0) ? 'ph0 * a0' : '0';
  lines.push(`const resid0 = y[l] - (${pred0});`);
  lines.push('if (F < 1e4) {', 'nu++;', 'ssq += (resid0 * resid0) / F;', 'sumlog += Math.log(F);', '}');
  lines.push('const step = resid0 / F;');
  for (let i = 0; i < r1; i++) lines.push(`s${i} = s${i + 1}${plusPh(i, 'a0')} + m${i} * step;`);
  lines.push(`s${r1} = ${nz(r1) ? `ph${r1} * a0 + ` : ''}m${r1} * step;`);
  lines.push('const w0 = W0;', 'const c = Mc * w0;', 'const Fold = F;', 'F += c * w0;');
  lines.push('Mc += (c * c) / Fold;', 'const k = w0 / F;', 'm0 = m0 + w0 * c;', 'const x0 = w0 - m0 * k;');
  for (let i = 0; i < r1; i++) {
    lines.push(`m${i + 1} = m${i + 1} + W${i + 1} * c;`);
    lines.push(`W${i} = W${i + 1} - m${i + 1} * k${plusPh(i, 'x0')};`);
  }
  lines.push(`W${r1} = ${nz(r1) ? `ph${r1} * x0` : '0'};`, '}');
  for (let i = 0; i < r; i++) lines.push(`a[${i}] = s${i};`);
  lines.push('out[0] = ssq;', 'out[1] = sumlog;', 'out[2] = nu;');
  const kernel = compile(['y', 'ph', 'm', 'W', 'a', 'start', 'out'], lines) as ChandrasekharKernel | null;
  if (kernel === null) return null;
  if (chandrasekharKernels.size > 512) chandrasekharKernels.clear();
  chandrasekharKernels.set(key, kernel);
  return kernel;
}

/**
 * R's `ARIMA_CSS`: differences `y`, then returns the mean of squared one-step residuals from
 * index `ncond` on (residuals written to `resid`, which must have length n; `w` is a work buffer).
 */
export function conditionalSumOfSquares(
  y: Float64Array,
  arma: ArmaOrders,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  w: Float64Array,
  resid: Float64Array,
): number {
  differenceSeries(y, arma, w);
  return cssResiduals(w, phi, theta, ncond, resid);
}

/** The differencing step of {@link conditionalSumOfSquares}: w = (1-B)^d (1-B^m)^D y, unshortened. */
export function differenceSeries(y: Float64Array, arma: ArmaOrders, w: Float64Array): void {
  const n = y.length;
  w.set(y);
  for (let i = 0; i < arma.d; i++) for (let l = n - 1; l > 0; l--) w[l] = w[l]! - w[l - 1]!;
  const ns = arma.period;
  for (let i = 0; i < arma.D; i++) for (let l = n - 1; l >= ns; l--) w[l] = w[l]! - w[l - ns]!;
}

let cssLags = new Int32Array(64);
let cssCoefs = new Float64Array(64);
const cssAcc = new Float64Array(2);

/** Residual loop over [lo, hi) for one lag pattern; accumulates [ssq, count] in `acc`. */
type CssKernel = (
  w: Float64Array,
  resid: Float64Array,
  coefs: Float64Array,
  lags: Int32Array,
  lo: number,
  hi: number,
  acc: Float64Array,
) => void;

let cssKernelShapes = new Array<CssKernel | undefined>(0);

/** Largest number of AR (or MA) terms given a generated loop; wider models use the generic loop. */
const MAX_KERNEL_LAGS = 48;

/**
 * The CSS recursion is a chain of dependent subtractions per observation, so a generic loop over
 * lags costs mostly loop overhead. Each shape (numbers of AR and MA terms) therefore gets a
 * straight-line loop body with coefficients and lags in locals, generated from integers only and
 * compiled once per process. Terms are subtracted in the generic loop's order, so results are
 * bit-identical.
 */
function cssKernel(np: number, nq: number): CssKernel | null {
  const index = np * 64 + (nq - np);
  if (cssKernelShapes.length <= index) cssKernelShapes = cssKernelShapes.concat(new Array(index + 1));
  const cached = cssKernelShapes[index];
  if (cached !== undefined) return cached;
  const lines: string[] = [];
  for (let k = 0; k < nq; k++) lines.push(`const c${k} = coefs[${k}];`, `const L${k} = lags[${k}];`);
  lines.push('let ssq = acc[0];', 'let nu = acc[1];', 'for (let l = lo; l < hi; l++) {', 'let tmp = w[l];');
  for (let k = 0; k < nq; k++) lines.push(`tmp -= c${k} * ${k < np ? 'w' : 'resid'}[l - L${k}];`);
  lines.push('resid[l] = tmp;', 'if (tmp === tmp) {', 'nu++;', 'ssq += tmp * tmp;', '}', '}');
  lines.push('acc[0] = ssq;', 'acc[1] = nu;');
  const kernel = compile(['w', 'resid', 'coefs', 'lags', 'lo', 'hi', 'acc'], lines) as CssKernel | null;
  if (kernel === null) return null;
  cssKernelShapes[index] = kernel;
  return kernel;
}

/**
 * The residual step of {@link conditionalSumOfSquares} on an already differenced series `w`:
 * e_l = w_l - Σ phi_j w_{l-j} - Σ theta_j e_{l-j} for l ≥ ncond (earlier residuals are 0).
 */
export function cssResiduals(
  w: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  resid: Float64Array,
): number {
  const n = w.length;
  const p = phi.length;
  const q = theta.length;
  // Seasonal expansion leaves most lags zero: loop over the non-zero ones only, with the
  // coefficients and lags packed contiguously. Terms are summed in R's order (AR then MA, by lag).
  if (cssLags.length < p + q) {
    cssLags = new Int32Array(2 * (p + q));
    cssCoefs = new Float64Array(2 * (p + q));
  }
  const lags = cssLags;
  const coefs = cssCoefs;
  let np = 0;
  for (let j = 0; j < p; j++) {
    if (phi[j] !== 0) {
      lags[np] = j + 1;
      coefs[np++] = phi[j]!;
    }
  }
  let nq = np;
  let maxMaLag = 0;
  for (let j = 0; j < q; j++) {
    if (theta[j] !== 0) {
      lags[nq] = j + 1;
      coefs[nq++] = theta[j]!;
      maxMaLag = j + 1;
    }
  }
  let ssq = 0;
  let nu = 0;
  for (let l = 0; l < ncond; l++) resid[l] = 0;
  // Until l - ncond reaches the largest MA lag some MA terms fall before the start and are skipped.
  // Past MAX_KERNEL_LAGS terms of either kind the generic loop below does all rows.
  const kernel = np < MAX_KERNEL_LAGS && nq - np < MAX_KERNEL_LAGS ? cssKernel(np, nq) : null;
  const generated = kernel !== null;
  const warm = generated ? Math.min(n, ncond + maxMaLag) : n;
  for (let l = ncond; l < warm; l++) {
    let tmp = w[l]!;
    for (let k = 0; k < np; k++) tmp -= coefs[k]! * w[l - lags[k]!]!;
    const jm = l - ncond;
    for (let k = np; k < nq; k++) {
      const lag = lags[k]!;
      if (lag > jm) break;
      tmp -= coefs[k]! * resid[l - lag]!;
    }
    resid[l] = tmp;
    if (!Number.isNaN(tmp)) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  if (generated) {
    cssAcc[0] = ssq;
    cssAcc[1] = nu;
    kernel(w, resid, coefs, lags, warm, n, cssAcc);
    ssq = cssAcc[0]!;
    nu = cssAcc[1]!;
  }
  return ssq / nu;
}
