/**
 * @module models/conformal
 * Split-conformal prediction intervals from backtest residuals: for each horizon step, the quantiles of
 * the absolute out-of-sample errors that step made in past folds give a symmetric interval around the
 * point forecast. Used for models without analytic intervals (and optionally for every model).
 */
import type { Forecast, Json } from './model.js';

/** Absolute residuals per horizon step, sorted ascending; plain data so it can be stored with a model. */
export interface ConformalCalibration {
  /** `absResiduals[h]`: sorted |actual − forecast| seen at step h + 1 over the calibration folds. */
  absResiduals: number[][];
}

/**
 * Builds a calibration from residuals (actual − forecast) grouped by horizon step. NaN residuals
 * (missing actuals) are dropped.
 *
 * @example
 * const cal = conformalCalibration([[1, -2, 0.5], [3, -1, 2]]); // 3 folds, horizon 2
 */
export function conformalCalibration(residualsByStep: readonly ArrayLike<number>[]): ConformalCalibration {
  return {
    absResiduals: residualsByStep.map((step) =>
      Array.from(step)
        .filter((r) => Number.isFinite(r))
        .map((r) => Math.abs(r))
        .sort((a, b) => a - b),
    ),
  };
}

/** Number of residuals behind the thinnest step; intervals from fewer than ~10 are rough. */
export function calibrationSize(calibration: ConformalCalibration): number {
  return calibration.absResiduals.reduce((min, r) => Math.min(min, r.length), Number.POSITIVE_INFINITY);
}

/**
 * Radius of the central interval with coverage `coverage` at step `step` (0-based): the
 * ⌈(n + 1)·coverage⌉-th smallest absolute residual (the split-conformal rule). With too few residuals
 * for that rank the largest one is used, so coverage can fall short of nominal when n is small.
 * Steps beyond the calibrated horizon reuse the last calibrated step. NaN without any residual.
 */
export function conformalRadius(calibration: ConformalCalibration, step: number, coverage: number): number {
  const steps = calibration.absResiduals;
  let residuals = steps[Math.min(step, steps.length - 1)] ?? [];
  // A step with no residual (all actuals missing there) borrows the nearest earlier step that has some.
  for (let s = Math.min(step, steps.length - 1); residuals.length === 0 && s >= 0; s--)
    residuals = steps[s] ?? [];
  const n = residuals.length;
  if (n === 0) return Number.NaN;
  if (coverage <= 0) return 0;
  const rank = Math.min(n, Math.ceil((n + 1) * coverage));
  return residuals[rank - 1] as number;
}

export interface ConformalOptions {
  /** Clamp quantiles at 0 (demand cannot be negative). */
  nonNegative?: boolean;
  /** Replace quantiles the model did give too (default: only fill missing levels). */
  replaceAll?: boolean;
}

/**
 * Adds conformal quantiles to a forecast: level q gets mean − r for q < 0.5 and mean + r for q > 0.5,
 * where r is the radius of the central interval with coverage |2q − 1|; 0.5 is the mean itself.
 * The result's quantiles never cross (see `orderQuantiles`).
 *
 * @example
 * const fc = withConformalIntervals(model.predict(fitted, { horizon: 4, quantiles: [] }), cal, [0.1, 0.9]);
 */
export function withConformalIntervals(
  forecast: Forecast,
  calibration: ConformalCalibration,
  levels: readonly number[],
  options: ConformalOptions = {},
): Forecast {
  const quantiles = new Map(forecast.quantiles);
  for (const level of levels) {
    if (!options.replaceAll && quantiles.has(level)) continue;
    const coverage = Math.abs(2 * level - 1);
    const sign = level < 0.5 ? -1 : 1;
    const values = new Float64Array(forecast.mean.length);
    for (let h = 0; h < values.length; h++) {
      let v = (forecast.mean[h] as number) + sign * conformalRadius(calibration, h, coverage);
      if (options.nonNegative && v < 0) v = 0;
      values[h] = v;
    }
    quantiles.set(level, values);
  }
  return orderQuantiles({ mean: forecast.mean, quantiles });
}

/**
 * Sorts the quantile values at each step so a higher level is never below a lower one (monotone
 * rearrangement, Chernozhukov et al. 2010), which can only lower the pinball loss.
 */
export function orderQuantiles(forecast: Forecast): Forecast {
  const levels = [...forecast.quantiles.keys()].sort((a, b) => a - b);
  const arrays = levels.map((l) => Float64Array.from(forecast.quantiles.get(l) as Float64Array));
  const horizon = forecast.mean.length;
  const column: number[] = new Array(levels.length);
  for (let h = 0; h < horizon; h++) {
    for (let i = 0; i < arrays.length; i++) column[i] = (arrays[i] as Float64Array)[h] as number;
    column.sort((a, b) => a - b);
    for (let i = 0; i < arrays.length; i++) (arrays[i] as Float64Array)[h] = column[i] as number;
  }
  return { mean: forecast.mean, quantiles: new Map(levels.map((l, i) => [l, arrays[i] as Float64Array])) };
}

/** The calibration as JSON, for storing beside a fitted model. */
export function calibrationToJson(calibration: ConformalCalibration): Json {
  return { absResiduals: calibration.absResiduals };
}
