/**
 * @module models/arima-differencing
 * Choice of the differencing orders for automatic ARIMA, as forecast::auto.arima makes it:
 * `ndiffs` with the KPSS level-stationarity test (urca::ur.kpss, 5 % level) for d, and `nsdiffs` with
 * the seasonal-strength heuristic (STL decomposition, strength > 0.64) for D. The STL here is a port
 * of the Cleveland et al. (1990) Fortran behind R's `stl` with the settings `mstl` uses for one
 * seasonal period (s.window = 11, robust = FALSE).
 */

import { stl } from './stl.js';

export { stl };

/** KPSS level-stationarity statistic with `lags` Bartlett-weighted autocovariances (urca's ur.kpss, type "mu"). */
export function kpssStatistic(y: ArrayLike<number>, lags: number): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = y[i]! - mean;
  let s = 0;
  let num = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += e[i]!;
    num += s * s;
    s2 += e[i]! * e[i]!;
  }
  num /= n * n;
  let den = s2 / n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += e[t]! * e[t - l]!;
    den += (2 / n) * (1 - l / (lags + 1)) * c;
  }
  return num / den;
}

// urca's critical values for type "mu" at 10, 5, 2.5 and 1 %.
const KPSS_CRITICAL = [0.347, 0.463, 0.574, 0.739];
const KPSS_LEVELS = [0.1, 0.05, 0.025, 0.01];

/** p-value of a KPSS statistic by linear interpolation in urca's table, clamped to [0.01, 0.1]. */
export function kpssPValue(stat: number): number {
  if (stat <= KPSS_CRITICAL[0]!) return KPSS_LEVELS[0]!;
  for (let i = 1; i < KPSS_CRITICAL.length; i++) {
    const hi = KPSS_CRITICAL[i]!;
    if (stat <= hi) {
      const lo = KPSS_CRITICAL[i - 1]!;
      const w = (stat - lo) / (hi - lo);
      return KPSS_LEVELS[i - 1]! + w * (KPSS_LEVELS[i]! - KPSS_LEVELS[i - 1]!);
    }
  }
  return KPSS_LEVELS[KPSS_LEVELS.length - 1]!;
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

function diff(x: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(Math.max(0, x.length - lag));
  for (let i = 0; i < out.length; i++) out[i] = x[i + lag]! - x[i]!;
  return out;
}

function withoutMissing(y: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) out.push(y[i]!);
  return Float64Array.from(out);
}

/**
 * Number of first differences that make `y` level-stationary by repeated KPSS tests at `alpha`
 * (forecast::ndiffs with test = "kpss").
 *
 * @example
 * ndiffsKpss(Float64Array.from({ length: 200 }, (_, i) => i + Math.sin(i))); // 1
 */
export function ndiffsKpss(y: ArrayLike<number>, alpha = 0.05, maxD = 2): number {
  let x = withoutMissing(y);
  let d = 0;
  if (isConstant(x)) return d;
  const rejects = (v: Float64Array): boolean =>
    v.length > 1 && kpssPValue(kpssStatistic(v, Math.trunc((3 * Math.sqrt(v.length)) / 13))) < alpha;
  let dodiff = rejects(x);
  while (dodiff && d < maxD) {
    d++;
    x = diff(x, 1);
    if (isConstant(x)) return d;
    dodiff = rejects(x);
  }
  return d;
}

/**
 * Seasonal strength max(0, 1 - Var(R) / Var(S + R)) from an STL decomposition (forecast's
 * `seas.heuristic`); NaN values are not allowed.
 */
export function seasonalStrength(y: Float64Array, period: number): number {
  const { seasonal, trend } = stl(y, period);
  const n = y.length;
  const rem = new Float64Array(n);
  const sr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rem[i] = y[i]! - seasonal[i]! - trend[i]!;
    sr[i] = rem[i]! + seasonal[i]!;
  }
  return Math.max(0, Math.min(1, 1 - variance(rem) / variance(sr)));
}

function variance(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / (x.length - 1);
}

/**
 * Number of seasonal differences (0 or 1) by the seasonal-strength heuristic (forecast::nsdiffs,
 * test = "seas"): difference when the strength exceeds 0.64.
 */
export function nsdiffsStrength(y: ArrayLike<number>, period: number): number {
  const x = withoutMissing(y);
  if (period <= 1 || isConstant(x) || period >= x.length || x.length <= 2 * period) return 0;
  return seasonalStrength(x, period) > 0.64 ? 1 : 0;
}
