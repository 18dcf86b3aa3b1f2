/**
 * @module evaluation/scaled-metrics
 * Errors scaled by the in-sample error of the seasonal naive forecast, so they compare across series
 * of any size: MASE (Hyndman & Koehler 2006, as in M4) and RMSSE (as in M5). A value below 1 means
 * the forecast beat what the in-sample seasonal naive achieved one season ahead.
 */
import { mae, mse, type Values } from './point-metrics.js';

export interface ScaleOptions {
  /** Start the scale at the first non-zero observation (M5 does so: a product is not on sale before). */
  fromFirstNonZero?: boolean;
}

/**
 * In-sample mean of |y[t] − y[t − lag]|^power over pairs where both are present. NaN when no pair exists.
 *
 * @example
 * inSampleScale([1, 2, 4], 1, 1); // (1 + 2) / 2 = 1.5
 */
export function inSampleScale(
  insample: Values,
  lag: number,
  power: 1 | 2,
  options: ScaleOptions = {},
): number {
  const m = Math.max(1, Math.floor(lag));
  let start = 0;
  if (options.fromFirstNonZero) {
    while (
      start < insample.length &&
      !((insample[start] as number) !== 0 && Number.isFinite(insample[start]))
    )
      start++;
  }
  let sum = 0;
  let n = 0;
  for (let t = start + m; t < insample.length; t++) {
    const a = insample[t] as number;
    const b = insample[t - m] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const d = Math.abs(a - b);
      sum += power === 1 ? d : d * d;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * Mean absolute scaled error: MAE / in-sample MAE of the seasonal naive with lag `seasonLength`.
 * NaN when the scale is 0 or undefined (a constant or too short history); aggregations skip it.
 *
 * @example
 * mase([5, 5], [6, 4], [1, 2, 3, 4]); // MAE 1 / scale 1 = 1
 */
export function mase(
  actual: Values,
  forecast: Values,
  insample: Values,
  seasonLength = 1,
  options: ScaleOptions = {},
): number {
  const scale = inSampleScale(insample, seasonLength, 1, options);
  return scale > 0 ? mae(actual, forecast) / scale : Number.NaN;
}

/**
 * Root mean squared scaled error: sqrt(MSE / in-sample mean squared seasonal-naive difference).
 *
 * @example
 * rmsse([5, 5], [7, 3], [1, 3, 5]); // sqrt(4 / 4) = 1
 */
export function rmsse(
  actual: Values,
  forecast: Values,
  insample: Values,
  seasonLength = 1,
  options: ScaleOptions = {},
): number {
  const scale = inSampleScale(insample, seasonLength, 2, options);
  return scale > 0 ? Math.sqrt(mse(actual, forecast) / scale) : Number.NaN;
}
