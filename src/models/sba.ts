/**
 * @module models/sba
 * Syntetos–Boylan approximation (Syntetos & Boylan 2005): Croston's estimate multiplied by
 * (1 - alpha_interval / 2), which removes most of Croston's positive bias. Same smoothing, options and
 * count-distribution quantiles as {@link crostonModel} (see models/croston).
 */

import { CROSTON_PARAMS, type CrostonState, fitCrostonFamily, intermittentForecast } from './croston.js';
import type { FittedModel, Forecast, ForecastRequest, Json, LocalFitInput, LocalModel } from './model.js';
import { withDefaults } from './model.js';

/**
 * SBA as a {@link LocalModel}.
 *
 * @example
 * const fitted = sbaModel.fit({ y, seasonLength: 1, freq: 'M', params: { optimise: 'mar' } });
 * const fc = sbaModel.predict(fitted, { horizon: 12, quantiles: [0.5, 0.9] });
 */
export const sbaModel: LocalModel = {
  kind: 'local',
  name: 'sba',
  description: 'Syntetos–Boylan approximation (bias-corrected Croston), count-distribution quantiles',
  hyperparameters: CROSTON_PARAMS,
  minLength: () => 2,
  fit(input: LocalFitInput): FittedModel {
    const state = fitCrostonFamily(input, CROSTON_PARAMS, 'sba');
    return { model: 'sba', params: withDefaults(CROSTON_PARAMS, input.params), state: { ...state } as Json };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    const s = fitted.state as unknown as CrostonState;
    return intermittentForecast(s.rate, s.variance, request);
  },
};
