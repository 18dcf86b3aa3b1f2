/**
 * @module models/arima-differencing
 * Choice of the differencing orders for automatic ARIMA, as forecast::auto.arima makes it:
 * `ndiffs` with the KPSS level-stationarity test (urca::ur.kpss, 5 % level) for d, and `nsdiffs` with
 * the seasonal-strength heuristic (STL decomposition, strength > 0.64) for D. The STL here is a port
 * of the Cleveland et al. (1990) Fortran behind R's `stl` with the settings `mstl` uses for one
 * seasonal period (s.window = 11, robust = FALSE).
 */

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

/** STL decomposition with R's defaults as called by forecast::mstl for a single period. */
export function stl(
  y: Float64Array,
  period: number,
  sWindow = 11,
): { seasonal: Float64Array; trend: Float64Array } {
  const n = y.length;
  const nextOdd = (x: number): number => {
    const r = Math.round(x);
    return r % 2 === 0 ? r + 1 : r;
  };
  let ns = Math.max(3, sWindow);
  let nt = Math.max(3, nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow))));
  let nl = Math.max(3, nextOdd(period));
  const np = Math.max(2, period);
  if (ns % 2 === 0) ns++;
  if (nt % 2 === 0) nt++;
  if (nl % 2 === 0) nl++;
  const sJump = Math.ceil(ns / 10);
  const tJump = Math.ceil(nt / 10);
  const lJump = Math.ceil(nl / 10);
  const trend = new Float64Array(n);
  const season = new Float64Array(n);
  const m = n + 2 * np;
  const w1 = new Float64Array(m);
  const w2 = new Float64Array(m);
  const w3 = new Float64Array(m);
  const w4 = new Float64Array(m);
  const w5 = new Float64Array(m);
  // Two inner iterations, no robustness iterations (robust = FALSE).
  for (let it = 0; it < 2; it++) {
    for (let i = 0; i < n; i++) w1[i] = y[i]! - trend[i]!;
    stlss(w1, n, np, ns, 0, sJump, w2, w3, w4, w5);
    stlfts(w2, m, np, w3, w1);
    stless(w3, 0, n, nl, 1, lJump, w4, 0, w1);
    for (let i = 0; i < n; i++) season[i] = w2[np + i]! - w4[i]!;
    for (let i = 0; i < n; i++) w1[i] = y[i]! - season[i]!;
    stless(w1, 0, n, nt, 1, tJump, trend, 0, w3);
  }
  return { seasonal: season, trend };
}

/** Local (degree 0 or 1) tricube-weighted fit at `xs` (1-based abscissa) over y[nleft..nright]. */
function stlest(
  y: Float64Array,
  yo: number,
  n: number,
  len: number,
  ideg: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
): number | null {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    let wj = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      wj = r <= h1 ? 1 : (1 - (r / h) ** 3) ** 3;
      a += wj;
    }
    w[j - 1] = wj;
  }
  if (a <= 0) return null;
  for (let j = nleft; j <= nright; j++) w[j - 1] = w[j - 1]! / a;
  if (h > 0 && ideg > 0) {
    let c1 = 0;
    for (let j = nleft; j <= nright; j++) c1 += w[j - 1]! * j;
    let b = xs - c1;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j - 1]! * (j - c1) ** 2;
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j - 1] = w[j - 1]! * (b * (j - c1) + 1);
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j - 1]! * y[yo + j - 1]!;
  return ys;
}

/** Loess smoothing of y[yo..yo+n) into ys[so..so+n), evaluated every `njump` points and interpolated. */
function stless(
  y: Float64Array,
  yo: number,
  n: number,
  len: number,
  ideg: number,
  njump: number,
  ys: Float64Array,
  so: number,
  res: Float64Array,
): void {
  if (n < 2) {
    ys[so] = y[yo]!;
    return;
  }
  const newnj = Math.min(njump, n - 1);
  let nleft = 1;
  let nright = n;
  const fit = (i: number): void => {
    const v = stlest(y, yo, n, len, ideg, i, nleft, nright, res);
    ys[so + i - 1] = v ?? y[yo + i - 1]!;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) fit(i);
  } else if (newnj === 1) {
    const nsh = Math.trunc((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      fit(i);
    }
  } else {
    const nsh = Math.trunc((len + 1) / 2);
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fit(i);
    }
  }
  if (newnj !== 1) {
    for (let i = 1; i <= n - newnj; i += newnj) {
      const delta = (ys[so + i + newnj - 1]! - ys[so + i - 1]!) / newnj;
      for (let j = i + 1; j <= i + newnj - 1; j++) ys[so + j - 1] = ys[so + i - 1]! + delta * (j - i);
    }
    const k = Math.trunc((n - 1) / newnj) * newnj + 1;
    if (k !== n) {
      fit(n);
      if (k !== n - 1) {
        const delta = (ys[so + n - 1]! - ys[so + k - 1]!) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) ys[so + j - 1] = ys[so + k - 1]! + delta * (j - k);
      }
    }
  }
}

/** Smooths each cycle-subseries and extends it one period at both ends (STL step 2). */
function stlss(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  isdeg: number,
  nsjump: number,
  season: Float64Array,
  work1: Float64Array,
  work2: Float64Array,
  work4: Float64Array,
): void {
  for (let j = 1; j <= np; j++) {
    const k = Math.trunc((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) work1[i - 1] = y[(i - 1) * np + j - 1]!;
    stless(work1, 0, k, ns, isdeg, nsjump, work2, 1, work4);
    const nright = Math.min(ns, k);
    const first = stlest(work1, 0, k, ns, isdeg, 0, 1, nright, work4);
    work2[0] = first ?? work2[1]!;
    const nleft = Math.max(1, k - ns + 1);
    const last = stlest(work1, 0, k, ns, isdeg, k + 1, nleft, k, work4);
    work2[k + 1] = last ?? work2[k]!;
    for (let m = 1; m <= k + 2; m++) season[(m - 1) * np + j - 1] = work2[m - 1]!;
  }
}

/** Three moving averages (np, np, 3): STL's low-pass filter of the cycle-subseries. */
function stlfts(x: Float64Array, n: number, np: number, trend: Float64Array, work: Float64Array): void {
  stlma(x, n, np, trend);
  stlma(trend, n - np + 1, np, work);
  stlma(work, n - 2 * np + 2, 3, trend);
}

function stlma(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  const newn = n - len + 1;
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i]!;
  ave[0] = v / len;
  for (let j = 1, k = len, m = 0; j < newn; j++, k++, m++) {
    v = v - x[m]! + x[k]!;
    ave[j] = v / len;
  }
}
