/**
 * @module models/naive
 * Naive (random-walk) forecast, as R's forecast::naive: every future value is the last observed
 * one, and the forecast standard deviation grows with √h from the in-sample one-step errors.
 */

import type { FittedModel, Forecast, HyperParameterSpec, LocalFitInput, LocalModel } from './model.js';
import { checkRequest, gaussianForecast } from './optim/gaussian.js';

/** A baseline could not be fitted or a stored state is unusable; `code` is stable. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
  constructor(
    readonly code: 'too-short' | 'invalid-state' | 'invalid-parameter',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Lag walk as forecast's `lagwalk`: carries the last observed value of each phase forward over
 * gaps, then returns the next `lag` values (one per phase) and the residual scale
 * sqrt(mean(e²)) of the one-step fits y_t − y_{t−lag}.
 */
export function lagWalk(y: Float64Array, lag: number): { future: number[]; sigma: number } {
  const n = y.length;
  const carried = Float64Array.from(y);
  for (let t = lag; t < n; t++) if (Number.isNaN(carried[t])) carried[t] = carried[t - lag]!;
  let sse = 0;
  let count = 0;
  for (let t = lag; t < n; t++) {
    const e = y[t]! - carried[t - lag]!;
    if (!Number.isNaN(e)) {
      sse += e * e;
      count++;
    }
  }
  const future: number[] = [];
  for (let k = 0; k < lag; k++) {
    const idx = n - lag + k;
    future.push(idx >= 0 ? carried[idx]! : Number.NaN);
  }
  if (future.some((v) => Number.isNaN(v)) || count === 0) {
    throw new BaselineError(
      'too-short',
      `need at least one observed value in each of the last ${lag} phases and one lagged pair; use a longer history`,
    );
  }
  return { future, sigma: Math.sqrt(sse / count) };
}

/** Reads `{ future: number[], sigma: number }` back from stored state. */
export function lagWalkState(state: FittedModel['state']): { future: number[]; sigma: number } {
  if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
    const { future, sigma } = state;
    if (Array.isArray(future) && future.every((v) => typeof v === 'number') && typeof sigma === 'number') {
      return { future: future as number[], sigma };
    }
  }
  throw new BaselineError(
    'invalid-state',
    'stored state has no numeric "future" and "sigma"; refit the model',
  );
}

/**
 * Forecast of a lag walk: value of the matching phase, sd = σ·√k with k the number of whole
 * cycles ahead (k = h for lag 1), as forecast.lagwalk.
 */
export function lagWalkForecast(
  future: readonly number[],
  sigma: number,
  horizon: number,
  quantiles: readonly number[],
): Forecast {
  const lag = future.length;
  const mean = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  for (let i = 0; i < horizon; i++) {
    mean[i] = future[i % lag]!;
    sd[i] = sigma * Math.sqrt(Math.floor(i / lag) + 1);
  }
  return gaussianForecast(mean, sd, quantiles);
}

const hyperparameters: readonly HyperParameterSpec[] = [];

/**
 * Last value carried forward.
 *
 * @example
 * const fitted = naiveModel.fit({ y, seasonLength: 7, freq: 'D', params: {} });
 * naiveModel.predict(fitted, { horizon: 14, quantiles: [0.1, 0.9] });
 */
export const naiveModel: LocalModel = {
  kind: 'local',
  name: 'naive',
  description: 'Naive forecast: the last observed value, with intervals widening as √h (R forecast::naive).',
  hyperparameters,
  minLength: () => 2,
  fit(input: LocalFitInput): FittedModel {
    const { future, sigma } = lagWalk(input.y, 1);
    return { model: 'naive', params: {}, state: { future, sigma } };
  },
  predict(fitted, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    const { future, sigma } = lagWalkState(fitted.state);
    return lagWalkForecast(future, sigma, request.horizon, request.quantiles);
  },
};
