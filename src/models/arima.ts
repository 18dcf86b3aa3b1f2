/**
 * @module models/arima
 * Seasonal ARIMA(p,d,q)(P,D,Q)m with an optional mean (d + D = 0) or drift, estimated the way R's
 * `stats::arima` does by default (method "CSS-ML"): conditional sum of squares for starting values,
 * then the exact Gaussian likelihood by Kalman filter, both minimised with R's BFGS. Forecasts and
 * their variances come from the state-space form; quantiles assume Gaussian errors. Also exports
 * `arimaModel`, the fixed-order {@link LocalModel}.
 *
 * Demand forecasts are clipped at 0: the clip is applied to the mean and to every quantile after
 * they are computed (so quantiles stay ordered; the clipped mean is no longer the model mean).
 */

import {
  ArimaStateSpace,
  type ArmaOrders,
  arCheck,
  conditionalSumOfSquares,
  cssResiduals,
  differenceSeries,
  invTrans,
  maInvert,
  transPars,
  undoPars,
} from './arima-kalman.js';
import { minimiseBfgs, OptimiserError } from './arima-optim.js';
import {
  type FittedModel,
  type Forecast,
  type ForecastRequest,
  type HyperParameterSpec,
  type Json,
  type LocalFitInput,
  type LocalModel,
  withDefaults,
} from './model.js';
import { normalQuantile } from './optim/gaussian.js';

/** Model orders and deterministic terms. */
export interface ArimaSpec {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** Seasonal period m (ignored when P = D = Q = 0). */
  period: number;
  /** Estimate a mean; only used when d + D = 0 (R's `include.mean`). */
  includeMean: boolean;
  /** Add a linear trend 1..n as a regressor (forecast's `include.drift`). */
  includeDrift: boolean;
}

export type ArimaMethod = 'CSS-ML' | 'ML' | 'CSS';

/** Result of {@link fitArima}: what R's `arima` object holds, minus the call. */
export interface ArimaFit {
  spec: ArimaSpec;
  method: ArimaMethod;
  /** Coefficients: ar1..p, ma1..q, sar1..P, sma1..Q, then intercept and/or drift. */
  coef: Float64Array;
  names: string[];
  /** Innovation variance as R's `arima` reports it (ML: ssq / n.used; CSS: mean squared residual). */
  sigma2: number;
  loglik: number;
  /** AIC (NaN for CSS, as in R). */
  aic: number;
  /** Observations used: non-missing minus the differencing order (R's `nobs`). */
  nUsed: number;
  /** Residuals (ML: one-step prediction errors scaled by their standard deviation, as in R). */
  residuals: Float64Array;
  /** Filtered state at the end of the series, for forecasting. */
  stateSpace: ArimaStateSpace;
  /** Length of the series (drift regressor continues at n + 1). */
  n: number;
  /** BFGS convergence code of the final optimisation (0 = converged). */
  convergence: number;
}

/** Raised when an ARIMA fit is impossible (too little data, non-stationary AR from CSS, ...). */
export class ArimaError extends Error {
  readonly code: 'ARIMA_TOO_SHORT' | 'ARIMA_NON_STATIONARY' | 'ARIMA_BAD_ORDER' | 'ARIMA_BAD_STATE';
  constructor(code: ArimaError['code'], message: string) {
    super(message);
    this.name = 'ArimaError';
    this.code = code;
  }
}

/** Coefficients of the differencing operator (1-B)^d (1-B^m)^D, sign-flipped and without the leading 1. */
export function differencingPolynomial(d: number, D: number, period: number): Float64Array {
  let poly = [1];
  const mul = (b: number[]): void => {
    const out = new Array<number>(poly.length + b.length - 1).fill(0);
    for (let i = 0; i < poly.length; i++) for (let j = 0; j < b.length; j++) out[i + j]! += poly[i]! * b[j]!;
    poly = out;
  };
  for (let i = 0; i < d; i++) mul([1, -1]);
  for (let i = 0; i < D; i++) {
    const s = new Array<number>(period + 1).fill(0);
    s[0] = 1;
    s[period] = -1;
    mul(s);
  }
  return Float64Array.from(poly.slice(1), (v) => 0 - v);
}

function ordersOf(spec: ArimaSpec): ArmaOrders {
  const seasonal = spec.P + spec.D + spec.Q > 0;
  return {
    p: spec.p,
    q: spec.q,
    P: spec.P,
    Q: spec.Q,
    period: seasonal ? spec.period : 1,
    d: spec.d,
    D: seasonal ? spec.D : 0,
  };
}

/** Columns of the regression part (intercept, drift) for a series of length n. */
function regressors(spec: ArimaSpec, n: number): { names: string[]; columns: Float64Array[] } {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  if (spec.includeMean && spec.d + spec.D === 0) {
    names.push('intercept');
    columns.push(new Float64Array(n).fill(1));
  }
  if (spec.includeDrift) {
    names.push('drift');
    columns.push(Float64Array.from({ length: n }, (_, i) => i + 1));
  }
  return { names, columns };
}

function difference(x: Float64Array, lag: number, times: number): Float64Array {
  let out = x;
  for (let t = 0; t < times; t++) {
    const next = new Float64Array(Math.max(0, out.length - lag));
    for (let i = 0; i < next.length; i++) next[i] = out[i + lag]! - out[i]!;
    out = next;
  }
  return out;
}

/**
 * Fits a seasonal ARIMA model by CSS-ML (default), ML or CSS, following R's `stats::arima`.
 *
 * @example
 * const fit = fitArima(y, { p: 1, d: 1, q: 1, P: 0, D: 1, Q: 1, period: 7, includeMean: false, includeDrift: false });
 * const fc = forecastArima(fit, 28);
 *
 * `options.filterState = false` skips the final Kalman pass of a CSS fit (its state is then unusable
 * for forecasting); the automatic order search uses it for candidates it only scores.
 * `options.cssStart` is a method-"CSS" fit of the same series and spec: a "CSS-ML" fit then starts
 * from its coefficients instead of repeating the identical CSS optimisation.
 */
export function fitArima(
  y: Float64Array,
  spec: ArimaSpec,
  method: ArimaMethod = 'CSS-ML',
  options: { filterState?: boolean; cssStart?: ArimaFit } = {},
): ArimaFit {
  for (const k of ['p', 'd', 'q', 'P', 'D', 'Q'] as const) {
    if (!Number.isInteger(spec[k]) || spec[k] < 0) {
      throw new ArimaError('ARIMA_BAD_ORDER', `order ${k} must be a non-negative integer, got ${spec[k]}`);
    }
  }
  const arma = ordersOf(spec);
  const n = y.length;
  const narma = arma.p + arma.q + arma.P + arma.Q;
  const Delta = differencingPolynomial(arma.d, arma.D, arma.period);
  const { names: xnames, columns: xreg } = regressors(spec, n);
  const ncxreg = xreg.length;
  let nonMissing = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(y[i]!)) nonMissing++;
  let nUsed = nonMissing - Delta.length;
  const npar = narma + ncxreg;
  if (nUsed <= npar) {
    throw new ArimaError(
      'ARIMA_TOO_SHORT',
      `ARIMA(${spec.p},${spec.d},${spec.q})(${spec.P},${spec.D},${spec.Q})[${arma.period}] needs more than ${npar + Delta.length} observations, got ${nonMissing}; use a lower order or a simpler model`,
    );
  }

  const init0 = new Float64Array(npar);
  const parscale = new Float64Array(npar).fill(1);
  if (ncxreg > 0) {
    // Starting values and scales of the regression part: least squares on the differenced data.
    let dx = y;
    let dxreg = xreg;
    if (arma.d > 0) {
      dx = difference(dx, 1, arma.d);
      dxreg = dxreg.map((c) => difference(c, 1, arma.d));
    }
    if (arma.period > 1 && arma.D > 0) {
      dx = difference(dx, arma.period, arma.D);
      dxreg = dxreg.map((c) => difference(c, arma.period, arma.D));
    }
    let ls = leastSquares(dx, dxreg);
    if (dx.length <= ncxreg || ls === null) ls = leastSquares(y, xreg);
    if (ls === null)
      throw new ArimaError('ARIMA_TOO_SHORT', 'regression part is degenerate; drop the drift or mean');
    for (let k = 0; k < ncxreg; k++) {
      init0[narma + k] = ls.coef[k]!;
      parscale[narma + k] = 10 * ls.se[k]!;
    }
    nUsed = nonMissing - Delta.length;
  }

  const phi = new Float64Array(arma.p + arma.period * arma.P);
  const theta = new Float64Array(arma.q + arma.period * arma.Q);
  const xAdj = new Float64Array(n);
  const w = new Float64Array(n);
  const cssResid = new Float64Array(n);
  const likOut = new Float64Array(3);
  const ss = new ArimaStateSpace(phi.length, theta.length, Delta);
  const work = new Float64Array(npar);

  const adjust = (par: Float64Array): void => {
    if (ncxreg === 0) {
      xAdj.set(y);
      return;
    }
    for (let i = 0; i < n; i++) {
      let v = y[i]!;
      for (let k = 0; k < ncxreg; k++) v -= xreg[k]![i]! * par[narma + k]!;
      xAdj[i] = v;
    }
  };
  let ncond = 0;
  if (method !== 'ML') ncond = arma.d + arma.D * arma.period + arma.p + arma.period * arma.P;
  // The differenced series depends on the regression coefficients only; the gradient varies one
  // coefficient at a time, so most evaluations reuse it.
  const wRegression = new Float64Array(ncxreg);
  let wValid = false;
  const armaCSS = (par: Float64Array): number => {
    transPars(par, arma, false, phi, theta);
    let reuse = wValid;
    for (let k = 0; k < ncxreg && reuse; k++) if (par[narma + k] !== wRegression[k]) reuse = false;
    if (!reuse) {
      adjust(par);
      differenceSeries(xAdj, arma, w);
      for (let k = 0; k < ncxreg; k++) wRegression[k] = par[narma + k]!;
      wValid = true;
    }
    return 0.5 * Math.log(cssResiduals(w, phi, theta, ncond, cssResid));
  };
  // Without missing values, the diffuse-prior ARIMA likelihood equals the ARMA likelihood of the
  // differenced series up to O(1/kappa) (Harvey 1989, sec. 3.4), and the ARMA likelihood can be
  // computed in O(r) per observation by the Chandrasekhar recursions instead of the O((r + d)²)
  // Kalman filter. The final state and residuals are still computed with the full model, as R does.
  const fastPath = nonMissing === n;
  const dl = Delta.length;
  const ssArma = fastPath && dl > 0 ? new ArimaStateSpace(phi.length, theta.length, new Float64Array(0)) : ss;
  const wd = fastPath ? new Float64Array(n - dl) : xAdj;
  // As for CSS, the differenced series depends on the regression coefficients only; evaluations
  // that vary ARMA coefficients reuse it.
  const wdRegression = new Float64Array(ncxreg);
  let wdValid = false;
  const armafn =
    (trans: boolean) =>
    (par: Float64Array): number => {
      transPars(par, arma, trans, phi, theta);
      ssArma.update(phi, theta);
      if (fastPath) {
        let reuse = wdValid;
        for (let k = 0; k < ncxreg && reuse; k++) if (par[narma + k] !== wdRegression[k]) reuse = false;
        if (!reuse) {
          adjust(par);
          // Δ is mostly zeros for seasonal differencing: skip them (exact: the terms are ±0).
          for (let t = dl; t < n; t++) {
            let v = xAdj[t]!;
            for (let k = 0; k < dl; k++) {
              const c = Delta[k]!;
              if (c !== 0) v -= c * xAdj[t - k - 1]!;
            }
            wd[t - dl] = v;
          }
          for (let k = 0; k < ncxreg; k++) wdRegression[k] = par[narma + k]!;
          wdValid = true;
        }
        ssArma.likelihoodArma(wd, likOut);
      } else {
        adjust(par);
        ss.likelihood(xAdj, 0, null, likOut);
      }
      const s2 = likOut[0]! / likOut[2]!;
      const v = 0.5 * (Math.log(s2) + likOut[1]! / likOut[2]!);
      return Number.isFinite(v) ? v : Number.MAX_VALUE;
    };

  let init: Float64Array = Float64Array.from(init0);
  const safeBfgs = (f: (p: Float64Array) => number, start: Float64Array) => {
    try {
      return minimiseBfgs(f, start, { parscale });
    } catch (e) {
      if (e instanceof OptimiserError) {
        throw new ArimaError('ARIMA_NON_STATIONARY', `optimisation failed: ${e.message}`);
      }
      throw e;
    }
  };

  if (method === 'CSS') {
    const res = npar > 0 ? safeBfgs(armaCSS, init) : { par: init, value: armaCSS(init), convergence: 0 };
    const coef = Float64Array.from(res.par);
    transPars(coef, arma, false, phi, theta);
    adjust(coef);
    wValid = false;
    const sigma2 = conditionalSumOfSquares(xAdj, arma, phi, theta, ncond, w, cssResid);
    // Filter with the CSS coefficients so the fit carries a state to forecast from (skipped when
    // the caller only needs the criterion, as the order search does).
    if (options.filterState !== false) {
      ss.update(phi, theta);
      ss.likelihood(xAdj, 0, null, likOut);
    }
    const value = 2 * nUsed * res.value + nUsed + nUsed * Math.log(2 * Math.PI);
    return {
      spec,
      method,
      coef,
      names: coefNames(arma, xnames),
      sigma2,
      loglik: -0.5 * value,
      aic: Number.NaN,
      nUsed,
      residuals: Float64Array.from(cssResid),
      stateSpace: ss,
      n,
      convergence: res.convergence,
    };
  }

  if (method === 'CSS-ML' && npar > 0) {
    const start = options.cssStart;
    const res =
      start !== undefined && start.method === 'CSS' && start.coef.length === npar
        ? { par: start.coef, convergence: start.convergence }
        : safeBfgs(armaCSS, init);
    if (res.convergence === 0) init = Float64Array.from(res.par);
    if (arma.p > 0 && !arCheck(init.subarray(0, arma.p))) {
      throw new ArimaError('ARIMA_NON_STATIONARY', 'non-stationary AR part from CSS; try a different order');
    }
    if (arma.P > 0 && !arCheck(init.subarray(arma.p + arma.q, arma.p + arma.q + arma.P))) {
      throw new ArimaError(
        'ARIMA_NON_STATIONARY',
        'non-stationary seasonal AR part from CSS; try a different order',
      );
    }
  } else if (method === 'ML') {
    if (arma.p > 0 && !arCheck(init.subarray(0, arma.p))) {
      throw new ArimaError('ARIMA_NON_STATIONARY', 'non-stationary AR part; try a different order');
    }
  }
  ncond = 0;
  init = invTrans(init, arma);
  if (arma.q > 0) init.set(maInvert(init.slice(arma.p, arma.p + arma.q)), arma.p);
  if (arma.Q > 0) {
    const o = arma.p + arma.q + arma.P;
    init.set(maInvert(init.slice(o, o + arma.Q)), o);
  }
  const f = armafn(true);
  const res = npar > 0 ? safeBfgs(f, init) : { par: init, value: f(init), convergence: 0 };
  let coef: Float64Array = Float64Array.from(res.par);
  let value = res.value;
  if (arma.q > 0 || arma.Q > 0) {
    const before = Float64Array.from(coef);
    if (arma.q > 0) coef.set(maInvert(coef.slice(arma.p, arma.p + arma.q)), arma.p);
    if (arma.Q > 0) {
      const o = arma.p + arma.q + arma.P;
      coef.set(maInvert(coef.slice(o, o + arma.Q)), o);
    }
    let changed = false;
    for (let i = 0; i < npar; i++) if (coef[i] !== before[i]) changed = true;
    if (changed) value = f(coef);
  }
  coef = undoPars(coef, arma);
  work.set(coef);
  transPars(work, arma, false, phi, theta);
  ss.update(phi, theta);
  adjust(coef);
  const residuals = new Float64Array(n);
  ss.likelihood(xAdj, 0, residuals, likOut);
  const sigma2 = likOut[0]! / nUsed;
  // The objective at the optimum, from the full (r + d)-state filter as R reports it.
  value = 0.5 * (Math.log(likOut[0]! / likOut[2]!) + likOut[1]! / likOut[2]!);
  const twoNegLogLik = 2 * nUsed * value + nUsed + nUsed * Math.log(2 * Math.PI);
  return {
    spec,
    method,
    coef,
    names: coefNames(arma, xnames),
    sigma2,
    loglik: -0.5 * twoNegLogLik,
    aic: twoNegLogLik + 2 * npar + 2,
    nUsed,
    residuals,
    stateSpace: ss,
    n,
    convergence: res.convergence,
  };
}

function coefNames(arma: ArmaOrders, xnames: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i <= arma.p; i++) out.push(`ar${i}`);
  for (let i = 1; i <= arma.q; i++) out.push(`ma${i}`);
  for (let i = 1; i <= arma.P; i++) out.push(`sar${i}`);
  for (let i = 1; i <= arma.Q; i++) out.push(`sma${i}`);
  return out.concat(xnames);
}

/** Least squares without intercept; null when the design is rank-deficient. */
function leastSquares(
  y: Float64Array,
  cols: Float64Array[],
): { coef: Float64Array; se: Float64Array } | null {
  const k = cols.length;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i]!)) continue;
    rows.push(i);
  }
  if (rows.length <= k) return null;
  const XtX = new Float64Array(k * k);
  const Xty = new Float64Array(k);
  for (const i of rows) {
    for (let a = 0; a < k; a++) {
      Xty[a] = Xty[a]! + cols[a]![i]! * y[i]!;
      for (let b = 0; b < k; b++) XtX[a * k + b] = XtX[a * k + b]! + cols[a]![i]! * cols[b]![i]!;
    }
  }
  const inv = invertSymmetric(XtX, k);
  if (inv === null) return null;
  const coef = new Float64Array(k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) coef[a] = coef[a]! + inv[a * k + b]! * Xty[b]!;
  let rss = 0;
  for (const i of rows) {
    let fit = 0;
    for (let a = 0; a < k; a++) fit += cols[a]![i]! * coef[a]!;
    rss += (y[i]! - fit) ** 2;
  }
  const s2 = rss / (rows.length - k);
  const se = new Float64Array(k);
  for (let a = 0; a < k; a++) se[a] = Math.sqrt(s2 * inv[a * k + a]!);
  return { coef, se };
}

/** Gauss–Jordan inverse of a small symmetric positive-definite matrix; null if singular. */
function invertSymmetric(A: Float64Array, k: number): Float64Array | null {
  const m = Float64Array.from(A);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > Math.abs(m[piv * k + c]!)) piv = r;
    const pv = m[piv * k + c]!;
    if (Math.abs(pv) < 1e-12) return null;
    if (piv !== c) {
      for (let j = 0; j < k; j++) {
        [m[c * k + j], m[piv * k + j]] = [m[piv * k + j]!, m[c * k + j]!];
        [inv[c * k + j], inv[piv * k + j]] = [inv[piv * k + j]!, inv[c * k + j]!];
      }
    }
    for (let j = 0; j < k; j++) {
      m[c * k + j] = m[c * k + j]! / pv;
      inv[c * k + j] = inv[c * k + j]! / pv;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const fct = m[r * k + c]!;
      if (fct === 0) continue;
      for (let j = 0; j < k; j++) {
        m[r * k + j] = m[r * k + j]! - fct * m[c * k + j]!;
        inv[r * k + j] = inv[r * k + j]! - fct * inv[c * k + j]!;
      }
    }
  }
  return inv;
}

/** Plain-data form of a fitted ARIMA: enough to forecast without the training series. */
export interface ArimaState {
  spec: ArimaSpec;
  coef: number[];
  names: string[];
  /** Innovation variance used for intervals. */
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  nUsed: number;
  n: number;
  /** Filtered state mean and covariance (column-major) at the end of the series. */
  a: number[];
  P: number[];
}

/** Information criteria as forecast::auto.arima computes them (npar counts sigma²). */
export function informationCriteria(fit: ArimaFit): { aic: number; aicc: number; bic: number } {
  const npar = fit.coef.length + 1;
  const nstar = fit.nUsed;
  const aic = fit.aic;
  return {
    aic,
    aicc: aic + (2 * npar * (npar + 1)) / (nstar - npar - 1),
    bic: aic + npar * (Math.log(nstar) - 2),
  };
}

/**
 * Residual variance with forecast's degrees-of-freedom correction, sum(e²) / (n* - k + 1) with
 * n* = observations after differencing and k = coefficients + 1: the sigma² that forecast::Arima
 * and auto.arima report and use for prediction intervals.
 */
export function adjustedSigma2(fit: ArimaFit): number {
  let ss = 0;
  for (const r of fit.residuals) if (!Number.isNaN(r)) ss += r * r;
  return ss / (fit.nUsed - (fit.coef.length + 1) + 1);
}

/** Converts a fit to its serialisable state; `sigma2` overrides the variance used for intervals. */
export function arimaToState(fit: ArimaFit, sigma2 = fit.sigma2): ArimaState {
  const ic = informationCriteria(fit);
  return {
    spec: fit.spec,
    coef: Array.from(fit.coef),
    names: fit.names,
    sigma2,
    loglik: fit.loglik,
    aic: ic.aic,
    aicc: ic.aicc,
    bic: ic.bic,
    nUsed: fit.nUsed,
    n: fit.n,
    a: Array.from(fit.stateSpace.a),
    P: Array.from(fit.stateSpace.P),
  };
}

/** Mean and standard error of the next `h` values (R's `predict.Arima`), unclipped. */
export function forecastArimaState(state: ArimaState, h: number): { mean: Float64Array; se: Float64Array } {
  const arma = ordersOf(state.spec);
  const Delta = differencingPolynomial(arma.d, arma.D, arma.period);
  const phi = new Float64Array(arma.p + arma.period * arma.P);
  const theta = new Float64Array(arma.q + arma.period * arma.Q);
  const coef = Float64Array.from(state.coef);
  transPars(coef, arma, false, phi, theta);
  const ss = new ArimaStateSpace(phi.length, theta.length, Delta);
  ss.update(phi, theta);
  if (state.a.length !== ss.rd || state.P.length !== ss.rd * ss.rd) {
    throw new ArimaError('ARIMA_BAD_STATE', 'stored ARIMA state does not match its orders; refit the model');
  }
  ss.a.set(state.a);
  ss.P.set(state.P);
  const { mean, variance } = ss.forecast(h);
  const narma = arma.p + arma.q + arma.P + arma.Q;
  for (let k = narma; k < state.names.length; k++) {
    const b = state.coef[k]!;
    const drift = state.names[k] === 'drift';
    for (let i = 0; i < h; i++) mean[i] = mean[i]! + (drift ? b * (state.n + i + 1) : b);
  }
  const se = new Float64Array(h);
  for (let i = 0; i < h; i++) se[i] = Math.sqrt(variance[i]! * state.sigma2);
  return { mean, se };
}

/** Forecast from an ARIMA state with Gaussian quantiles; mean and quantiles clipped at 0. */
export function arimaForecast(state: ArimaState, request: ForecastRequest): Forecast {
  const { mean, se } = forecastArimaState(state, request.horizon);
  const quantiles = new Map<number, Float64Array>();
  for (const level of request.quantiles) {
    const z = normalQuantile(level);
    quantiles.set(
      level,
      Float64Array.from(mean, (m, i) => Math.max(0, m + z * se[i]!)),
    );
  }
  for (let i = 0; i < mean.length; i++) mean[i] = Math.max(0, mean[i]!);
  return { mean, quantiles };
}

/** Mean and standard error of the next `h` values straight from a fit (unclipped). */
export function forecastArima(fit: ArimaFit, h: number): { mean: Float64Array; se: Float64Array } {
  return forecastArimaState(arimaToState(fit), h);
}

const ORDER_HELP = 'fixed order; use auto_arima to select it';

/** Fixed-order seasonal ARIMA as a {@link LocalModel}. */
export const arimaModel: LocalModel = {
  kind: 'local',
  name: 'arima',
  description: 'Seasonal ARIMA(p,d,q)(P,D,Q)m of a fixed order, estimated by CSS-ML as forecast::Arima',
  hyperparameters: [
    { name: 'p', type: 'int', min: 0, max: 5, default: 1, help: `AR order; ${ORDER_HELP}` },
    { name: 'd', type: 'int', min: 0, max: 2, default: 1, help: `differencing order; ${ORDER_HELP}` },
    { name: 'q', type: 'int', min: 0, max: 5, default: 1, help: `MA order; ${ORDER_HELP}` },
    { name: 'P', type: 'int', min: 0, max: 2, default: 0, help: `seasonal AR order; ${ORDER_HELP}` },
    { name: 'D', type: 'int', min: 0, max: 1, default: 1, help: `seasonal differencing; ${ORDER_HELP}` },
    { name: 'Q', type: 'int', min: 0, max: 2, default: 1, help: `seasonal MA order; ${ORDER_HELP}` },
    {
      name: 'constant',
      type: 'categorical',
      choices: [true, false],
      default: true,
      help: 'mean when d + D = 0, drift when d + D = 1, ignored otherwise (as forecast::Arima)',
    },
  ] satisfies HyperParameterSpec[],
  minLength(seasonLength, params) {
    const p = withDefaults(this.hyperparameters, params);
    const m = Math.max(seasonLength, 1);
    const nd = Number(p.d) + Number(p.D) * m;
    return nd + Number(p.p) + Number(p.q) + m * (Number(p.P) + Number(p.Q)) + 3;
  },
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(this.hyperparameters, input.params);
    const m = Math.max(input.seasonLength, 1);
    const seasonal = m > 1;
    const d = Number(params.d);
    const D = seasonal ? Number(params.D) : 0;
    const constant = params.constant === true;
    const spec: ArimaSpec = {
      p: Number(params.p),
      d,
      q: Number(params.q),
      P: seasonal ? Number(params.P) : 0,
      D,
      Q: seasonal ? Number(params.Q) : 0,
      period: m,
      includeMean: constant && d + D === 0,
      includeDrift: constant && d + D === 1,
    };
    const fit = fitArima(input.y, spec);
    return { model: 'arima', params, state: arimaToState(fit, adjustedSigma2(fit)) as unknown as Json };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    return arimaForecast(fitted.state as unknown as ArimaState, request);
  },
};
