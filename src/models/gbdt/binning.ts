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
const SAMPLE_ROWS = 100_000;

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
    if (Number.isFinite(v)) sample[m++] = v;
  }
  const sorted = sample.subarray(0, m).sort();
  const distinct: number[] = [];
  for (let i = 0; i < m && distinct.length <= maxBins; i++) {
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
  for (const [f, col] of columns.entries()) {
    if (col.length < nRows) {
      throw new GbdtError('GBDT_BAD_INPUT', `feature column ${f} has ${col.length} rows, expected ${nRows}`);
    }
  }
  const out = new Uint8Array(nRows * nFeatures);
  const guides = cuts.map(buildGuide);
  // Row blocks keep the block of `out` being written in cache while each feature fills its slots.
  const BLOCK = 2048;
  for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
    const r1 = Math.min(nRows, r0 + BLOCK);
    for (let f = 0; f < nFeatures; f++) {
      const col = columns[f]!;
      const c = cuts[f]!;
      const { low, high, scale, table } = guides[f]!;
      const last = c.length - 1;
      for (let r = r0, o = r0 * nFeatures + f; r < r1; r++, o += nFeatures) {
        const v = col[r]!;
        let i: number;
        if (Number.isNaN(v)) {
          out[o] = 0;
          continue;
        }
        if (v <= low) i = 0;
        else if (v > high) i = last;
        else {
          const j = Math.min(GUIDE_CELLS - 1, Math.floor((v - low) * scale));
          let a = table[j]!;
          let b = table[j + 1]!;
          while (a < b) {
            const mid = (a + b) >>> 1;
            if (c[mid]! < v) a = mid + 1;
            else b = mid;
          }
          i = a;
          // The guide cell may be off by one through rounding; these loops make the answer exact.
          while (i > 0 && c[i - 1]! >= v) i--;
          while (c[i]! < v) i++;
        }
        out[o] = 1 + i;
      }
    }
  }
  return out;
}

/** Cells of the guide table: enough that most cells hold zero or one cut. */
const GUIDE_CELLS = 4096;

interface Guide {
  low: number;
  high: number;
  scale: number;
  /** table[j] = index of the first cut >= the start of cell j (j = 0..GUIDE_CELLS). */
  table: Int32Array;
}

/**
 * An evenly spaced index over a feature's finite cuts: the bin of a value is then a table look-up
 * plus a search among the few cuts of one cell, instead of a binary search over all cuts (whose
 * unpredictable branches cost ~8x more).
 */
function buildGuide(c: Float64Array): Guide {
  const low = c[0]!;
  const high = c.length >= 2 ? c[c.length - 2]! : low;
  const scale = high > low ? GUIDE_CELLS / (high - low) : 0;
  const table = new Int32Array(GUIDE_CELLS + 1);
  let i = 0;
  for (let j = 0; j <= GUIDE_CELLS; j++) {
    const start = scale > 0 ? low + j / scale : low;
    while (i < c.length - 1 && c[i]! < start) i++;
    table[j] = i;
  }
  return { low, high, scale, table };
}
