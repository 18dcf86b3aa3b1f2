/**
 * @module models/tsb
 * Teunter–Syntetos–Babai method (Teunter, Syntetos & Babai 2011): the probability of a demand is
 * smoothed every period (so obsolescence shows up as a falling forecast), the demand size only when a
 * demand occurs; forecast = probability × size. Initialised as tsintermittent's `tsb` with
 * init = "mean": size = mean non-zero demand, probability = 1 / mean inter-demand interval.
 * Quantiles: count distribution around the forecast (see models/croston).
 */

import {
  demandSeries,
  type IntermittentCost,
  IntermittentDemandError,
  intermittentCost,
  intermittentForecast,
  OPTIMISE_SPEC,
  oneStepErrorVariance,
  searchSmoothing,
} from './croston.js';
import {
  type FittedModel,
  type Forecast,
  type ForecastRequest,
  type HyperParameterSpec,
  type Json,
  type LocalFitInput,
  type LocalModel,
  withDefaults,
} from './model.js';

export interface TsbRun {
  probability: number;
  size: number;
  /** One-step in-sample forecasts (fitted[0] is the initial forecast). */
  fitted: Float64Array;
}

/**
 * The TSB recursion.
 *
 * @example
 * tsbRun(Float64Array.of(0, 2, 0, 0, 4, 0), 0.1, 0.1).probability; // demand probability at the end
 */
export function tsbRun(y: Float64Array, alphaSize: number, alphaProbability: number): TsbRun {
  const n = y.length;
  let demands = 0;
  let total = 0;
  let last = 0;
  let intervalSum = 0;
  for (let t = 0; t < n; t++) {
    if (y[t]! > 0) {
      demands++;
      total += y[t]!;
      intervalSum += t + 1 - last;
      last = t + 1;
    }
  }
  const fitted = new Float64Array(n);
  if (demands === 0) return { probability: 0, size: 0, fitted };
  let size = total / demands;
  let probability = 1 / (intervalSum / demands);
  for (let t = 0; t < n; t++) {
    fitted[t] = probability * size;
    const v = y[t]!;
    if (v > 0) {
      probability += alphaProbability * (1 - probability);
      size += alphaSize * (v - size);
    } else probability -= alphaProbability * probability;
  }
  return { probability, size, fitted };
}

export interface TsbState {
  probability: number;
  size: number;
  alphaSize: number;
  alphaProbability: number;
  rate: number;
  variance: number;
}

const TSB_PARAMS: HyperParameterSpec[] = [
  {
    name: 'alpha_size',
    type: 'float',
    min: 0.01,
    max: 1,
    default: 0.1,
    help: 'smoothing of non-zero demand sizes',
  },
  {
    name: 'alpha_probability',
    type: 'float',
    min: 0.01,
    max: 1,
    default: 0.1,
    help: 'smoothing of the demand probability (updated every period)',
  },
  OPTIMISE_SPEC,
];

/** TSB as a {@link LocalModel}. */
export const tsbModel: LocalModel = {
  kind: 'local',
  name: 'tsb',
  description:
    'Teunter–Syntetos–Babai intermittent demand (handles obsolescence), count-distribution quantiles',
  hyperparameters: TSB_PARAMS,
  minLength: () => 2,
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(TSB_PARAMS, input.params);
    const y = demandSeries(input.y);
    let alphaSize = Number(params.alpha_size);
    let alphaProbability = Number(params.alpha_probability);
    if (params.optimise !== 'none') {
      const cost = params.optimise as IntermittentCost;
      [alphaSize, alphaProbability] = searchSmoothing(
        (a, b) => intermittentCost(y, tsbRun(y, a, b).fitted, cost),
        true,
      );
    }
    if (!(alphaSize > 0 && alphaSize <= 1 && alphaProbability > 0 && alphaProbability <= 1)) {
      throw new IntermittentDemandError('INTERMITTENT_BAD_PARAM', 'smoothing parameters must lie in (0, 1]');
    }
    const run = tsbRun(y, alphaSize, alphaProbability);
    const state: TsbState = {
      probability: run.probability,
      size: run.size,
      alphaSize,
      alphaProbability,
      rate: run.probability * run.size,
      variance: oneStepErrorVariance(y, run.fitted),
    };
    return { model: 'tsb', params, state: { ...state } as Json };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    const s = fitted.state as unknown as TsbState;
    return intermittentForecast(s.rate, s.variance, request);
  },
};
