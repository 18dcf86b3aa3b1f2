/**
 * @module models/arima-kalman
 * The state-space machinery behind ARIMA, ported from R's stats/src/arima.c so that estimates match
 * `stats::arima`: parameter transforms (partrans / invpartrans), seasonal expansion, the Gardner et al.
 * (1980) initial state covariance `getQ0`, the exact Gaussian likelihood by Kalman filter
 * (`ARIMA_Like`), the conditional sum of squares (`ARIMA_CSS`) and h-step forecasts with their
 * variances (`KalmanFore`). Matrices are column-major Float64Arrays (index `i + rd * j`), as in R.
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

/**
 * Stationary covariance of the ARMA state vector (Gardner, Harvey & Phillips 1980, AS 154), a port
 * of R's `getQ0`; returns an r×r column-major matrix, r = max(p, q + 1).
 */
export function getQ0(phi: Float64Array, theta: Float64Array, out?: Float64Array): Float64Array {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const np = (r * (r + 1)) / 2;
  const nrbar = (np * (np - 1)) / 2;
  const P = out && out.length >= Math.max(r * r, np) ? out : new Float64Array(Math.max(r * r, np));
  P.fill(0);
  const V = new Float64Array(np);
  let ind = 0;
  for (let j = 0; j < r; j++) {
    const vj = j === 0 ? 1 : j - 1 < q ? theta[j - 1]! : 0;
    for (let i = j; i < r; i++) {
      const vi = i === 0 ? 1 : i - 1 < q ? theta[i - 1]! : 0;
      V[ind++] = vi * vj;
    }
  }
  if (r === 1) {
    P[0] = p === 0 ? 1 : 1 / (1 - phi[0]! * phi[0]!);
    return P;
  }
  if (p > 0) {
    const rbar = new Float64Array(nrbar);
    const thetab = new Float64Array(np);
    const xnext = new Float64Array(np);
    const xrow = new Float64Array(np);
    ind = 0;
    let ind1 = -1;
    const npr = np - r;
    const npr1 = npr + 1;
    let indj = npr;
    let ind2 = npr - 1;
    for (let j = 0; j < r; j++) {
      const phij = j < p ? phi[j]! : 0;
      xnext[indj++] = 0;
      let indi = npr1 + j;
      for (let i = j; i < r; i++) {
        const ynext = V[ind++]!;
        const phii = i < p ? phi[i]! : 0;
        if (j !== r - 1) {
          xnext[indj] = -phii;
          if (i !== r - 1) {
            xnext[indi] = xnext[indi]! - phij;
            xnext[++ind1] = -1;
          }
        }
        xnext[npr] = -phii * phij;
        if (++ind2 >= np) ind2 = 0;
        xnext[ind2] = xnext[ind2]! + 1;
        inclu2(np, xnext, xrow, ynext, P, rbar, thetab);
        xnext[ind2] = 0;
        if (i !== r - 1) {
          xnext[indi++] = 0;
          xnext[ind1] = 0;
        }
      }
    }
    let ithisr = nrbar - 1;
    let im = np - 1;
    for (let i = 0; i < np; i++) {
      let bi = thetab[im]!;
      let jm = np - 1;
      for (let j = 0; j < i; j++) bi -= rbar[ithisr--]! * P[jm--]!;
      P[im--] = bi;
    }
    // Re-order P (the solve used a permuted order with more leading zeros).
    ind = npr;
    for (let i = 0; i < r; i++) xnext[i] = P[ind++]!;
    ind = np - 1;
    ind1 = npr - 1;
    for (let i = 0; i < npr; i++) P[ind--] = P[ind1--]!;
    for (let i = 0; i < r; i++) P[i] = xnext[i]!;
  } else {
    // Pure MA: back-substitution.
    let indn = np;
    ind = np;
    for (let i = 0; i < r; i++)
      for (let j = 0; j <= i; j++) {
        --ind;
        P[ind] = V[ind]!;
        if (j !== 0) P[ind] = P[ind]! + P[--indn]!;
      }
  }
  // Unpack the packed triangle to a full symmetric matrix.
  ind = np;
  for (let i = r - 1; i > 0; i--) for (let j = r - 1; j >= i; j--) P[r * i + j] = P[--ind]!;
  for (let i = 0; i < r - 1; i++) for (let j = i + 1; j < r; j++) P[i + r * j] = P[j + r * i]!;
  return P;
}

/** Givens-rotation update of the triangular system (AS 154 `inclu2`). */
function inclu2(
  np: number,
  xnext: Float64Array,
  xrow: Float64Array,
  ynext: number,
  d: Float64Array,
  rbar: Float64Array,
  thetab: Float64Array,
): void {
  for (let i = 0; i < np; i++) xrow[i] = xnext[i]!;
  let ithisr = 0;
  for (let i = 0; i < np; i++) {
    const xi = xrow[i]!;
    if (xi !== 0) {
      const di = d[i]!;
      const dpi = di + xi * xi;
      d[i] = dpi;
      const cbar = di / dpi;
      const sbar = xi / dpi;
      for (let k = i + 1; k < np; k++) {
        const xk = xrow[k]!;
        const rbthis = rbar[ithisr]!;
        xrow[k] = xk - xi * rbthis;
        rbar[ithisr++] = cbar * rbthis + sbar * xk;
      }
      const xk = ynext;
      ynext = xk - xi * thetab[i]!;
      thetab[i] = cbar * thetab[i]! + sbar * xk;
      if (di === 0) return;
    } else {
      ithisr = ithisr + np - i - 1;
    }
  }
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
    const anew = this.#anew;
    const m = this.#M;
    const W = this.#shifted;
    const x = this.#vv;
    // AR coefficients padded to r so that the transition T·v = shift(v) + phi·v[0] has no branches.
    const ph = this.#phiPad;
    ph.fill(0);
    for (let i = 0; i < p; i++) ph[i] = phi[i]!;
    const Pn = this.Pn;
    const r1 = r - 1;
    let ssq = 0;
    let sumlog = 0;
    let nu = 0;
    // m = P_t Z' (first column of the one-step covariance), F = Z P_t Z'.
    for (let i = 0; i < r; i++) m[i] = Pn[i]!;
    let F = m[0]!;
    // Stationary start: P_2 - P_1 = -(T m)(T m)' / F, so W = T m and the scalar M = -1 / F.
    const m0 = m[0]!;
    for (let i = 0; i < r1; i++) W[i] = m[i + 1]! + ph[i]! * m0;
    W[r1] = ph[r1]! * m0;
    let Mc = -1 / F;
    a.fill(0);
    const n = y.length;
    for (let l = 0; l < n; l++) {
      const a0 = a[0]!;
      for (let i = 0; i < r1; i++) anew[i] = a[i + 1]! + ph[i]! * a0;
      anew[r1] = ph[r1]! * a0;
      const resid0 = y[l]! - anew[0]!;
      if (F < 1e4) {
        nu++;
        ssq += (resid0 * resid0) / F;
        sumlog += Math.log(F);
      }
      const step = resid0 / F;
      for (let i = 0; i < r; i++) a[i] = anew[i]! + m[i]! * step;
      // Rank-one update of m, F, W and M (Herbst 2015, eqs. 9-13, for a scalar observation).
      const w0 = W[0]!;
      const c = Mc * w0;
      const Fold = F;
      F += c * w0;
      Mc += (c * c) / Fold;
      const k = w0 / F;
      for (let i = 0; i < r; i++) {
        const mi = m[i]! + W[i]! * c;
        m[i] = mi;
        x[i] = W[i]! - mi * k;
      }
      const x0 = x[0]!;
      for (let i = 0; i < r1; i++) W[i] = x[i + 1]! + ph[i]! * x0;
      W[r1] = ph[r1]! * x0;
    }
    out[0] = ssq;
    out[1] = sumlog;
    out[2] = nu;
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

let lagBuffer = new Int32Array(64);

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
  const n = y.length;
  const p = phi.length;
  const q = theta.length;
  w.set(y);
  for (let i = 0; i < arma.d; i++) for (let l = n - 1; l > 0; l--) w[l] = w[l]! - w[l - 1]!;
  const ns = arma.period;
  for (let i = 0; i < arma.D; i++) for (let l = n - 1; l >= ns; l--) w[l] = w[l]! - w[l - ns]!;
  let ssq = 0;
  let nu = 0;
  for (let l = 0; l < ncond; l++) resid[l] = 0;
  // Seasonal expansion leaves most lags zero: loop over the non-zero ones only.
  if (lagBuffer.length < p + q) lagBuffer = new Int32Array(2 * (p + q));
  let np = 0;
  for (let j = 0; j < p; j++) if (phi[j] !== 0) lagBuffer[np++] = j;
  let nq = np;
  for (let j = 0; j < q; j++) if (theta[j] !== 0) lagBuffer[nq++] = j;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l]!;
    for (let k = 0; k < np; k++) {
      const j = lagBuffer[k]!;
      tmp -= phi[j]! * w[l - j - 1]!;
    }
    const jm = l - ncond;
    for (let k = np; k < nq; k++) {
      const j = lagBuffer[k]!;
      if (j >= jm) break;
      tmp -= theta[j]! * resid[l - j - 1]!;
    }
    resid[l] = tmp;
    if (!Number.isNaN(tmp)) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  return ssq / nu;
}
