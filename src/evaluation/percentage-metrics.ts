/**
 * @module evaluation/percentage-metrics
 * Scale-free errors relative to the actuals: sMAPE (as in the M4 competition), WAPE and relative bias.
 * Missing values (NaN) are skipped as in `point-metrics`.
 */
import { forEachPair, type Values } from './point-metrics.js';

/**
 * Symmetric mean absolute percentage error in percent, the M4 definition:
 * 200/h · Σ |a − f| / (|a| + |f|). A step where actual and forecast are both 0 is a perfect
 * forecast and contributes 0 (the formula is 0/0 there).
 *
 * @example
 * smape([100, 100], [110, 100]); // 100 · (10/210 + 0) ≈ 4.762
 */
export function smape(actual: Values, forecast: Values): number {
  let sum = 0;
  const n = forEachPair(actual, forecast, (a, f) => {
    const denominator = Math.abs(a) + Math.abs(f);
    if (denominator > 0) sum += Math.abs(a - f) / denominator;
  });
  return n === 0 ? Number.NaN : (200 * sum) / n;
}

/**
 * Weighted absolute percentage error as a fraction: Σ |a − f| / Σ |a|. NaN when all actuals are 0.
 *
 * @example
 * wape([10, 0, 30], [12, 1, 27]); // (2 + 1 + 3) / 40 = 0.15
 */
export function wape(actual: Values, forecast: Values): number {
  const { absError, absActual } = wapeParts(actual, forecast);
  return absActual > 0 ? absError / absActual : Number.NaN;
}

/**
 * Relative bias as a fraction: Σ (f − a) / Σ |a|. Positive = over-forecast.
 *
 * @example
 * relativeBias([10, 30], [12, 32]); // 4 / 40 = 0.1
 */
export function relativeBias(actual: Values, forecast: Values): number {
  const { error, absActual } = wapeParts(actual, forecast);
  return absActual > 0 ? error / absActual : Number.NaN;
}

/** The sums behind WAPE and relative bias, so they can be pooled across folds or series. */
export function wapeParts(
  actual: Values,
  forecast: Values,
): { absError: number; error: number; absActual: number } {
  let absError = 0;
  let error = 0;
  let absActual = 0;
  forEachPair(actual, forecast, (a, f) => {
    absError += Math.abs(a - f);
    error += f - a;
    absActual += Math.abs(a);
  });
  return { absError, error, absActual };
}
