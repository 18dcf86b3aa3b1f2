/**
 * @module models/moving-average
 * Moving-average forecast: the mean of the last `window` observed values, flat over the horizon.
 * Intervals treat the average as simple exponential smoothing with the same mean age of data,
 * α = 2/(window+1) (Brown's equivalence), so the variance grows as σ²(1 + (h−1)α²), σ being the
 * root mean square of the in-sample one-step errors.
 */

import type { FittedModel, Forecast, HyperParameterSpec, LocalFitInput, LocalModel } from './model.js';
import { withDefaults } from './model.js';
import { BaselineError } from './naive.js';
import { checkRequest, gaussianForecast } from './optim/gaussian.js';

const hyperparameters: readonly HyperParameterSpec[] = [
  {
    name: 'window',
    type: 'int',
    min: 1,
    max: 365,
    default: 28,
    help: 'Number of most recent observed values averaged.',
  },
];

/** Mean of the last `window` non-missing values before position `end` (exclusive), or NaN. */
function trailingMean(y: Float64Array, end: number, window: number): number {
  let sum = 0;
  let count = 0;
  for (let t = end - 1; t >= 0 && count < window; t--) {
    const v = y[t]!;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === window ? sum / count : Number.NaN;
}

/**
 * Flat forecast at the trailing mean.
 *
 * @example
 * const fitted = movingAverageModel.fit({ y, seasonLength: 7, freq: 'D', params: { window: 14 } });
 * movingAverageModel.predict(fitted, { horizon: 7, quantiles: [0.1, 0.9] });
 */
export const movingAverageModel: LocalModel = {
  kind: 'local',
  name: 'moving-average',
  description: 'Mean of the last `window` observations, flat over the horizon; SES-equivalent intervals.',
  hyperparameters,
  minLength: (_seasonLength, params) => Number(withDefaults(hyperparameters, params).window) + 1,
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(hyperparameters, input.params);
    const window = Number(params.window);
    if (!Number.isInteger(window) || window < 1) {
      throw new BaselineError('invalid-parameter', `window must be a positive integer, got ${params.window}`);
    }
    const y = input.y;
    const level = trailingMean(y, y.length, window);
    if (Number.isNaN(level)) {
      throw new BaselineError(
        'too-short',
        `need ${window} observed values for window ${window}; lower the window`,
      );
    }
    // One-step in-sample errors: each observation against the mean of the window before it.
    // A running sum over observed values keeps this O(n).
    const observed: number[] = [];
    let sse = 0;
    let count = 0;
    let running = 0;
    for (let t = 0; t < y.length; t++) {
      const v = y[t]!;
      if (Number.isNaN(v)) continue;
      if (observed.length >= window) {
        const e = v - running / window;
        sse += e * e;
        count++;
      }
      observed.push(v);
      running += v;
      if (observed.length > window) running -= observed[observed.length - 1 - window]!;
    }
    const sigma = count > 0 ? Math.sqrt(sse / count) : 0;
    return { model: 'moving-average', params, state: { level, sigma, window } };
  },
  predict(fitted, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    const s = fitted.state;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      throw new BaselineError(
        'invalid-state',
        'stored moving-average state is not an object; refit the model',
      );
    }
    const { level, sigma, window } = s;
    if (typeof level !== 'number' || typeof sigma !== 'number' || typeof window !== 'number') {
      throw new BaselineError(
        'invalid-state',
        'stored state lacks numeric level, sigma and window; refit the model',
      );
    }
    const alpha = 2 / (window + 1);
    const mean = new Float64Array(request.horizon).fill(level);
    const sd = new Float64Array(request.horizon);
    for (let i = 0; i < request.horizon; i++) sd[i] = sigma * Math.sqrt(1 + i * alpha * alpha);
    return gaussianForecast(mean, sd, request.quantiles);
  },
};
