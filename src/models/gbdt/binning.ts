/**
 * @module models/gbdt/binning
 * Quantile binning of feature columns into one byte per value, as histogram GBDTs do (LightGBM, XGBoost
 * `hist`). Bin 0 holds missing values (NaN) so every split can learn where missing values go; bins
 * 1..k hold finite values, bin b covering (cuts[b-2], cuts[b-1]].
 */

import { GbdtError } from './gbdt-error.js';

/** Most value bins a feature can have; with the missing bin that fills one byte. */
export const MAX_VALUE_BINS = 255;

/** Rows looked at per feature to place the cuts; more rows change the cuts very little. */
const SAMPLE_ROWS = 200_000;

/**
 * Upper bounds (inclusive) of each feature's value bins; the last bound of every feature is
 * `Number.MAX_VALUE`, so any finite value has a bin and `value <= cut` decides a split the same
 * way on binned training rows and on raw serving rows.
 */
export type BinCuts = Float64Array[];

/**
 * Places up to `maxBins` quantile cuts per column (column-major input, NaN = missing).
 *
 * @example
 * const cuts = computeBinCuts([Float32Array.from([1, 2, 3, NaN])], 255);
 * // cuts[0] = [1, 2, Number.MAX_VALUE]: each distinct value its own bin
 */
export function computeBinCuts(columns: readonly Float32Array[], maxBins: number = MAX_VALUE_BINS): BinCuts {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_VALUE_BINS) {
    throw new GbdtError(
      'GBDT_BAD_PARAM',
      `maxBins must be an integer in [2, ${MAX_VALUE_BINS}], got ${maxBins}`,
    );
  }
  return columns.map((col) => cutsForColumn(col, maxBins));
}

function cutsForColumn(col: Float32Array, maxBins: number): Float64Array {
  const n = col.length;
  // A fixed stride (not a random draw) keeps the cuts a pure function of the data.
  const stride = Math.max(1, Math.floor(n / SAMPLE_ROWS));
  const sample = new Float32Array(Math.ceil(n / stride));
  let m = 0;
  for (let i = 0; i < n; i += stride) {
    const v = col[i]!;
    if (v === v && Number.isFinite(v)) sample[m++] = v;
  }
  const sorted = sample.subarray(0, m).sort();
  const distinct: number[] = [];
  for (let i = 0; i < m; i++) {
    const v = sorted[i]!;
    if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  }
  let cuts: number[];
  if (distinct.length <= maxBins) {
    // Each distinct value its own bin; the top bin is made open-ended below.
    cuts = distinct;
    if (cuts.length === 0) cuts.push(Number.MAX_VALUE);
    else cuts[cuts.length - 1] = Number.MAX_VALUE;
  } else {
    cuts = [];
    for (let i = 1; i < maxBins; i++) {
      const v = sorted[Math.min(m - 1, Math.floor((i * m) / maxBins))]!;
      if (cuts.length === 0 || cuts[cuts.length - 1]! < v) cuts.push(v);
    }
    cuts.push(Number.MAX_VALUE);
  }
  // The top bin is open-ended so unseen larger values fall into it, in training and in serving.
  return Float64Array.from(cuts);
}

/** Index of the first cut >= v (binary search); values above every cut go to the last bin. */
function lowerBound(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins column-major features into a row-major byte matrix (row r, feature f at `r * F + f`): a
 * histogram pass then reads each row's bins from one cache line.
 *
 * @example
 * const bins = binRowMajor(columns, cuts, columns[0].length);
 */
export function binRowMajor(columns: readonly Float32Array[], cuts: BinCuts, nRows: number): Uint8Array {
  const nFeatures = columns.length;
  if (cuts.length !== nFeatures) {
    throw new GbdtError('GBDT_BAD_INPUT', `expected ${cuts.length} feature columns, got ${nFeatures}`);
  }
  const out = new Uint8Array(nRows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const col = columns[f]!;
    const c = cuts[f]!;
    if (col.length < nRows) {
      throw new GbdtError('GBDT_BAD_INPUT', `feature column ${f} has ${col.length} rows, expected ${nRows}`);
    }
    for (let r = 0, o = f; r < nRows; r++, o += nFeatures) {
      const v = col[r]!;
      out[o] = v === v ? 1 + lowerBound(c, v) : 0;
    }
  }
  return out;
}
