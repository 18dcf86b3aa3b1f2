/**
 * @module models/stl
 * Seasonal-trend decomposition by Loess: a port of the Cleveland et al. (1990) Fortran behind R's
 * `stats::stl` without robustness iterations (robust = FALSE, two inner passes), with R's default
 * trend, low-pass and jump windows. Shared by the ARIMA seasonal-strength test and MSTL.
 */

/** Seasonal and trend components of an STL decomposition; the remainder is y - seasonal - trend. */
export interface StlComponents {
  seasonal: Float64Array;
  trend: Float64Array;
}

/**
 * STL decomposition with R's defaults (`stl(ts(y, frequency = period), s.window = sWindow)`). `period`
 * may be fractional (365.25): like R, the cycle length used is its integer part, while the trend
 * window is derived from the exact value. Needs no missing values and more than two full periods.
 *
 * @example
 * const { seasonal, trend } = stl(y, 7); // s.window = 11, as forecast::mstl uses for one period
 */
export function stl(y: Float64Array, period: number, sWindow = 11): StlComponents {
  const n = y.length;
  const nextOdd = (x: number): number => {
    const r = Math.round(x);
    return r % 2 === 0 ? r + 1 : r;
  };
  let ns = Math.max(3, sWindow);
  // R: t.window from frequency(x), l.window = nextodd(frequency), period passed as.integer.
  let nt = Math.max(3, nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow))));
  let nl = Math.max(3, nextOdd(period));
  const np = Math.max(2, Math.trunc(period));
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
      // Integer powers as products, as gfortran compiles the Fortran's **3 (Math.pow is ~10x slower here).
      if (r <= h1) wj = 1;
      else {
        const q = r / h;
        const u = 1 - q * q * q;
        wj = u * u * u;
      }
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
    for (let j = nleft; j <= nright; j++) c += w[j - 1]! * (j - c1) * (j - c1);
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
