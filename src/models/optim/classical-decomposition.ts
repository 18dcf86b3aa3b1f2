/**
 * @module models/optim/classical-decomposition
 * Classical seasonal decomposition (R's `stats::decompose`): a centred moving average as trend,
 * seasonal figure = per-phase mean of the detrended series, normalised to sum 0 (additive) or
 * average 1 (multiplicative). Used for ETS initial states and Theta's seasonal adjustment.
 * Missing values (NaN) are skipped in the phase means, as `decompose` does with `na.rm`.
 */

export interface Decomposition {
  /** Seasonal component for every position of the input. */
  seasonal: Float64Array;
  /** The m seasonal indices; figure[k] belongs to positions k, k+m, k+2m, … */
  figure: Float64Array;
  /** Centred moving-average trend (NaN for the first and last ⌊m/2⌋ positions). */
  trend: Float64Array;
}

/**
 * Decomposes `y` with season length `m` (needs at least two full seasons, as R does).
 *
 * @example
 * const d = classicalDecomposition(y, 12, 'multiplicative');
 * // d.figure averages to 1
 */
export function classicalDecomposition(
  y: Float64Array,
  m: number,
  type: 'additive' | 'multiplicative',
): Decomposition {
  const n = y.length;
  if (m < 2 || n < 2 * m) {
    throw new RangeError(`classical decomposition needs at least 2 full seasons (${2 * m} values), got ${n}`);
  }
  const trend = new Float64Array(n).fill(Number.NaN);
  // R's filter: weights 1/m (odd m) or (½, 1, …, 1, ½)/m (even m), centred.
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  for (let t = half; t < n - half; t++) {
    let s = 0;
    for (let k = -half; k <= half; k++) {
      const w = even && (k === -half || k === half) ? 0.5 : 1;
      s += w * y[t + k]!;
    }
    trend[t] = s / m;
  }
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    const v = type === 'additive' ? y[t]! - trend[t]! : y[t]! / trend[t]!;
    if (Number.isFinite(v)) {
      sums[t % m]! += v;
      counts[t % m]! += 1;
    }
  }
  const figure = new Float64Array(m);
  let mean = 0;
  for (let k = 0; k < m; k++) {
    figure[k] = counts[k]! > 0 ? sums[k]! / counts[k]! : type === 'additive' ? 0 : 1;
    mean += figure[k]!;
  }
  mean /= m;
  for (let k = 0; k < m; k++) figure[k] = type === 'additive' ? figure[k]! - mean : figure[k]! / mean;
  const seasonal = new Float64Array(n);
  for (let t = 0; t < n; t++) seasonal[t] = figure[t % m]!;
  return { seasonal, figure, trend };
}

/**
 * Ordinary least squares of y on the columns of X (row-major, n × p), skipping rows where y
 * is NaN; returns the p coefficients. Small p only (normal equations, Gaussian elimination).
 *
 * @example
 * leastSquares(Float64Array.of(1, 1, 1, 2, 1, 3), 2, Float64Array.of(2, 4, 6)); // [0, 2]
 */
export function leastSquares(X: Float64Array, p: number, y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const A = new Float64Array(p * (p + 1));
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    if (Number.isNaN(yt)) continue;
    for (let i = 0; i < p; i++) {
      const xi = X[t * p + i]!;
      for (let j = 0; j < p; j++) A[i * (p + 1) + j]! += xi * X[t * p + j]!;
      A[i * (p + 1) + p]! += xi * yt;
    }
  }
  // Gaussian elimination with partial pivoting on the augmented matrix.
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++)
      if (Math.abs(A[r * (p + 1) + c]!) > Math.abs(A[piv * (p + 1) + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k <= p; k++) {
        const tmp = A[c * (p + 1) + k]!;
        A[c * (p + 1) + k] = A[piv * (p + 1) + k]!;
        A[piv * (p + 1) + k] = tmp;
      }
    }
    const d = A[c * (p + 1) + c]!;
    if (d === 0) continue;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r * (p + 1) + c]! / d;
      if (f === 0) continue;
      for (let k = c; k <= p; k++) A[r * (p + 1) + k]! -= f * A[c * (p + 1) + k]!;
    }
  }
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const d = A[i * (p + 1) + i]!;
    beta[i] = d === 0 ? 0 : A[i * (p + 1) + p]! / d;
  }
  return beta;
}

/**
 * Intercept and slope of y on 1..n (R's `lsfit(1:n, y)`), skipping NaN.
 *
 * @example
 * linearTrend(Float64Array.of(3, 5, 7)); // { intercept: 1, slope: 2 }
 */
export function linearTrend(y: ArrayLike<number>, firstTime = 1): { intercept: number; slope: number } {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let k = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (Number.isNaN(v)) continue;
    const x = t + firstTime;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
    k++;
  }
  if (k === 0) return { intercept: Number.NaN, slope: Number.NaN };
  const den = k * sxx - sx * sx;
  const slope = den === 0 ? 0 : (k * sxy - sx * sy) / den;
  return { intercept: (sy - slope * sx) / k, slope };
}
