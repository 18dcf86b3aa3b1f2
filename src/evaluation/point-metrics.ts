/**
 * @module evaluation/point-metrics
 * Absolute point-forecast errors in the series' own units: MAE, RMSE and bias.
 * Every metric compares `actual[i]` with `forecast[i]` and skips steps where either is missing (NaN),
 * so a gap in the actuals never counts as an error. A metric over no usable step is NaN.
 */

/** Numeric arrays accepted by the metrics. */
export type Values = ArrayLike<number>;

/**
 * Mean absolute error.
 *
 * @example
 * mae([1, 2, 3], [2, 2, 5]); // (1 + 0 + 2) / 3 = 1
 */
export function mae(actual: Values, forecast: Values): number {
  let sum = 0;
  let n = 0;
  forEachPair(actual, forecast, (a, f) => {
    sum += Math.abs(a - f);
    n++;
  });
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * Root mean squared error.
 *
 * @example
 * rmse([0, 0], [3, 4]); // sqrt((9 + 16) / 2) ≈ 3.536
 */
export function rmse(actual: Values, forecast: Values): number {
  return Math.sqrt(mse(actual, forecast));
}

/** Mean squared error. */
export function mse(actual: Values, forecast: Values): number {
  let sum = 0;
  let n = 0;
  forEachPair(actual, forecast, (a, f) => {
    sum += (a - f) ** 2;
    n++;
  });
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * Mean error, forecast minus actual: positive means the forecast was too high (over-stock),
 * negative too low (lost sales).
 *
 * @example
 * bias([10, 10], [12, 9]); // ((12 - 10) + (9 - 10)) / 2 = 0.5
 */
export function bias(actual: Values, forecast: Values): number {
  let sum = 0;
  let n = 0;
  forEachPair(actual, forecast, (a, f) => {
    sum += f - a;
    n++;
  });
  return n === 0 ? Number.NaN : sum / n;
}

/** Calls `fn` for each index where both values are finite; returns how many pairs it saw. */
export function forEachPair(
  actual: Values,
  forecast: Values,
  fn: (a: number, f: number, index: number) => void,
): number {
  if (actual.length !== forecast.length) {
    throw new RangeError(
      `actual has ${actual.length} values but forecast has ${forecast.length}; pass arrays of one horizon`,
    );
  }
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const f = forecast[i] as number;
    if (Number.isFinite(a) && Number.isFinite(f)) {
      fn(a, f, i);
      n++;
    }
  }
  return n;
}

/** Mean of the finite values; NaN when there is none. Aggregations use it so one undefined metric does not poison the rest. */
export function nanMean(values: Values): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}
