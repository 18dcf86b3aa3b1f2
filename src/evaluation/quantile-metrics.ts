/**
 * @module evaluation/quantile-metrics
 * Accuracy of probabilistic forecasts: pinball (quantile) loss and empirical interval coverage.
 */
import { forEachPair, type Values } from './point-metrics.js';

/**
 * Mean pinball loss of the quantile forecast `q` at level `level`:
 * mean of max(level·(a − q), (level − 1)·(a − q)). Under-forecasting a high quantile costs more.
 *
 * @example
 * pinballLoss([10], [8], 0.9); // 0.9 · 2 = 1.8
 * pinballLoss([10], [12], 0.9); // 0.1 · 2 = 0.2
 */
export function pinballLoss(actual: Values, quantile: Values, level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`quantile level ${level} is outside (0, 1)`);
  let sum = 0;
  const n = forEachPair(actual, quantile, (a, q) => {
    const d = a - q;
    sum += d >= 0 ? level * d : (level - 1) * d;
  });
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * Mean pinball loss over several quantile levels (each level weighs the same).
 *
 * @example
 * meanPinballLoss([10], new Map([[0.1, [8]], [0.9, [8]]])); // (0.2 + 1.8) / 2 = 1
 */
export function meanPinballLoss(actual: Values, quantiles: ReadonlyMap<number, Values>): number {
  let sum = 0;
  let n = 0;
  for (const [level, values] of quantiles) {
    const loss = pinballLoss(actual, values, level);
    if (Number.isFinite(loss)) {
      sum += loss;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * Share of actuals inside [lower, upper] (bounds included). For the 0.1 and 0.9 quantiles the
 * nominal coverage is 0.8; a well-calibrated forecast comes close to it.
 *
 * @example
 * intervalCoverage([1, 5, 9], [0, 0, 0], [4, 6, 8]); // 2 / 3
 */
export function intervalCoverage(actual: Values, lower: Values, upper: Values): number {
  let inside = 0;
  let n = 0;
  forEachPair(actual, lower, (a, lo, i) => {
    const hi = upper[i] as number;
    if (!Number.isFinite(hi)) return;
    n++;
    if (a >= lo && a <= hi) inside++;
  });
  return n === 0 ? Number.NaN : inside / n;
}
