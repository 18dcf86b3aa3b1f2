/**
 * @module models/adida
 * ADIDA, the aggregate–disaggregate intermittent demand approach (Nikolopoulos et al. 2011): demand
 * is summed over non-overlapping buckets of `aggregation` periods (aligned to the end of the series,
 * the oldest incomplete bucket dropped), the bucket totals are forecast by simple exponential
 * smoothing, and the bucket forecast is spread evenly over its periods. The default bucket length is
 * the mean inter-demand interval, rounded. Quantiles: count distribution around the per-period
 * forecast with the variance of the per-period one-step errors (see models/croston).
 */

import {
  demandSeries,
  IntermittentDemandError,
  intermittentForecast,
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

/** Mean interval between demands, counting the first from the start of the series (ADI). */
export function meanInterDemandInterval(y: ArrayLike<number>): number {
  let count = 0;
  let last = 0;
  for (let t = 0; t < y.length; t++)
    if (y[t]! > 0) {
      count++;
      last = t + 1;
    }
  return count === 0 ? Number.POSITIVE_INFINITY : last / count;
}

/** Sums of non-overlapping buckets of length k, aligned to the end (incomplete oldest bucket dropped). */
export function aggregateBuckets(y: Float64Array, k: number): Float64Array {
  const nb = Math.floor(y.length / k);
  const start = y.length - nb * k;
  const out = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += y[start + b * k + i]!;
    out[b] = s;
  }
  return out;
}

/** SES started at the first value; returns the final level and the one-step fitted values (NaN first). */
export function sesRun(x: Float64Array, alpha: number): { level: number; fitted: Float64Array } {
  const fitted = new Float64Array(x.length);
  let level = x[0] ?? 0;
  if (x.length > 0) fitted[0] = Number.NaN;
  for (let t = 1; t < x.length; t++) {
    fitted[t] = level;
    level += alpha * (x[t]! - level);
  }
  return { level, fitted };
}

export interface AdidaState {
  aggregation: number;
  alpha: number;
  /** Forecast of the next bucket total. */
  level: number;
  rate: number;
  variance: number;
}

const ADIDA_PARAMS: HyperParameterSpec[] = [
  {
    name: 'aggregation',
    type: 'int',
    min: 0,
    max: 52,
    default: 0,
    help: 'bucket length in periods; 0 = mean inter-demand interval, rounded',
  },
  { name: 'alpha', type: 'float', min: 0.01, max: 1, default: 0.1, help: 'SES smoothing of bucket totals' },
  {
    name: 'optimise',
    type: 'categorical',
    choices: ['none', 'mse'],
    default: 'none',
    help: 'choose alpha minimising the in-sample MSE of bucket totals',
  },
];

/** ADIDA with SES as a {@link LocalModel}. */
export const adidaModel: LocalModel = {
  kind: 'local',
  name: 'adida',
  description: 'Temporal aggregation (ADIDA) with SES, disaggregated evenly; count-distribution quantiles',
  hyperparameters: ADIDA_PARAMS,
  minLength: () => 2,
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(ADIDA_PARAMS, input.params);
    const y = demandSeries(input.y);
    let k = Number(params.aggregation);
    if (!Number.isInteger(k) || k < 0) {
      throw new IntermittentDemandError(
        'INTERMITTENT_BAD_PARAM',
        'aggregation must be a non-negative integer',
      );
    }
    if (k === 0) {
      const adi = meanInterDemandInterval(y);
      k = Number.isFinite(adi) ? Math.max(1, Math.round(adi)) : 1;
    }
    k = Math.max(1, Math.min(k, Math.floor(y.length / 2) || 1));
    const buckets = aggregateBuckets(y, k);
    let alpha = Number(params.alpha);
    if (params.optimise === 'mse') {
      [alpha] = searchSmoothing((a) => {
        const { fitted } = sesRun(buckets, a);
        let s = 0;
        for (let t = 1; t < buckets.length; t++) s += (buckets[t]! - fitted[t]!) ** 2;
        return s;
      }, false);
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IntermittentDemandError('INTERMITTENT_BAD_PARAM', 'alpha must lie in (0, 1]');
    }
    const { level, fitted } = sesRun(buckets, alpha);
    // Per-period one-step forecasts: each bucket's forecast spread over its periods.
    const perPeriod = new Float64Array(y.length).fill(Number.NaN);
    const start = y.length - buckets.length * k;
    for (let b = 1; b < buckets.length; b++)
      for (let i = 0; i < k; i++) perPeriod[start + b * k + i] = fitted[b]! / k;
    const state: AdidaState = {
      aggregation: k,
      alpha,
      level,
      rate: level / k,
      variance: oneStepErrorVariance(y, perPeriod),
    };
    return { model: 'adida', params, state: { ...state } as Json };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    const s = fitted.state as unknown as AdidaState;
    return intermittentForecast(s.rate, s.variance, request);
  },
};
