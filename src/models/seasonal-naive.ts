/**
 * @module models/seasonal-naive
 * Seasonal naive forecast, as R's forecast::snaive: each future value repeats the last observed
 * value of the same phase of the cycle; the standard deviation grows with the square root of the
 * number of whole cycles ahead.
 */

import type { FittedModel, Forecast, HyperParameterSpec, LocalFitInput, LocalModel } from './model.js';
import { lagWalk, lagWalkForecast, lagWalkState } from './naive.js';
import { checkRequest } from './optim/gaussian.js';

const hyperparameters: readonly HyperParameterSpec[] = [];

/**
 * Same phase of the last cycle; with seasonLength 1 it is the naive forecast.
 *
 * @example
 * const fitted = seasonalNaiveModel.fit({ y, seasonLength: 7, freq: 'D', params: {} });
 * seasonalNaiveModel.predict(fitted, { horizon: 28, quantiles: [0.5] });
 */
export const seasonalNaiveModel: LocalModel = {
  kind: 'local',
  name: 'seasonal-naive',
  description:
    'Seasonal naive forecast: the value one season ago, intervals widening with whole seasons ahead (R forecast::snaive).',
  hyperparameters,
  minLength: (seasonLength) => Math.max(1, Math.round(seasonLength)) + 1,
  fit(input: LocalFitInput): FittedModel {
    const lag = Math.max(1, Math.round(input.seasonLength));
    const { future, sigma } = lagWalk(input.y, lag);
    return { model: 'seasonal-naive', params: {}, state: { future, sigma } };
  },
  predict(fitted, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    const { future, sigma } = lagWalkState(fitted.state);
    return lagWalkForecast(future, sigma, request.horizon, request.quantiles);
  },
};
