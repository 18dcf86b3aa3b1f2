/**
 * @module models/croston
 * Croston's method for intermittent demand (Croston 1972), as forecast::croston computes it: simple
 * exponential smoothing of the non-zero demand sizes and of the intervals between them, each started
 * from its first value, forecast = size / interval. Also owns what the Croston family (SBA, TSB,
 * ADIDA) shares: the in-sample cost functions of tsintermittent (MSE, MAE, MAR, MSR), the smoothing
 * parameter search, and the interval method.
 *
 * Intervals: these methods have no analytic forecast distribution. Quantiles are those of a count
 * distribution with the forecast as its mean and the variance of the in-sample one-step errors
 * (y_t - f_t, over the periods after the first demand) as its variance: negative binomial when that
 * variance exceeds the mean, Poisson otherwise. The variance is the same at every horizon (the point
 * forecast is flat). Integer quantiles suit replenishment; calibrated intervals come from backtests.
 */

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
import { normalQuantile } from './optim/gaussian.js';

/** In-sample cost minimised by the `optimise` option (tsintermittent's `cost`). */
export type IntermittentCost = 'mse' | 'mae' | 'mar' | 'msr';

/** Raised when an intermittent-demand model gets data it cannot use. */
export class IntermittentDemandError extends Error {
  readonly code: 'INTERMITTENT_NEGATIVE' | 'INTERMITTENT_BAD_PARAM';
  constructor(code: IntermittentDemandError['code'], message: string) {
    super(message);
    this.name = 'IntermittentDemandError';
    this.code = code;
  }
}

/** Missing values count as no demand; negative values are rejected (returns/corrections belong upstream). */
export function demandSeries(y: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v < 0) {
      throw new IntermittentDemandError(
        'INTERMITTENT_NEGATIVE',
        `demand at index ${i} is negative (${v}); net out returns before fitting an intermittent-demand model`,
      );
    }
    out[i] = Number.isNaN(v) ? 0 : v;
  }
  return out;
}

/** Result of the Croston recursion. */
export interface CrostonRun {
  /** Smoothed non-zero demand size at the end (NaN without demand). */
  size: number;
  /** Smoothed inter-demand interval at the end. */
  interval: number;
  /** One-step in-sample forecasts (NaN at t = 0), before any bias correction. */
  fitted: Float64Array;
}

/**
 * Croston's recursion with forecast::croston's initialisation: both smoothers start at their first
 * value, the fitted value before any demand is 0, and after exactly one demand it is size / interval.
 *
 * @example
 * crostonRun(Float64Array.of(0, 3, 0, 0, 2), 0.1, 0.1); // size 2.9, interval 2.1
 */
export function crostonRun(y: Float64Array, alphaSize: number, alphaInterval: number): CrostonRun {
  const n = y.length;
  const fitted = new Float64Array(n);
  fitted[0] = Number.NaN;
  let size = Number.NaN;
  let interval = Number.NaN;
  let sinceLast = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    sinceLast++;
    const v = y[t]!;
    if (v > 0) {
      count++;
      if (count === 1) {
        size = v;
        interval = sinceLast;
      } else {
        size += alphaSize * (v - size);
        interval += alphaInterval * (sinceLast - interval);
      }
      sinceLast = 0;
    }
    if (t + 1 < n) fitted[t + 1] = count === 0 ? 0 : size / interval;
  }
  return { size, interval, fitted };
}

/**
 * In-sample cost of one-step forecasts (tsintermittent's definitions): MSE / MAE of the errors, or
 * MAR / MSR against the cumulative mean demand rate, whose first 30 % is held at its value there.
 */
export function intermittentCost(y: Float64Array, fitted: Float64Array, cost: IntermittentCost): number {
  const n = y.length;
  let total = 0;
  let count = 0;
  if (cost === 'mse' || cost === 'mae') {
    for (let t = 0; t < n; t++) {
      const f = fitted[t]!;
      if (Number.isNaN(f)) continue;
      const e = y[t]! - f;
      total += cost === 'mse' ? e * e : Math.abs(e);
      count++;
    }
    return total / count;
  }
  const rate = new Float64Array(n);
  let cum = 0;
  for (let t = 0; t < n; t++) {
    cum += y[t]!;
    rate[t] = cum / (t + 1);
  }
  const hold = Math.ceil(0.3 * n);
  const held = rate[hold - 1]!;
  for (let t = 0; t < hold; t++) rate[t] = held;
  for (let t = 0; t < n; t++) {
    const f = fitted[t]!;
    if (Number.isNaN(f)) continue;
    const e = f - rate[t]!;
    total += cost === 'mar' ? Math.abs(e) : e * e;
    count++;
  }
  return total / count;
}

/**
 * Minimises `objective(a, b)` over [lo, hi]² (or [lo, hi] when `twoParameters` is false, b = a): a
 * grid of step 0.05 and then a grid of step 0.005 around the best point. Deterministic, and robust
 * to the flat, stepwise costs intermittent series produce (where derivative-based search stalls).
 */
export function searchSmoothing(
  objective: (a: number, b: number) => number,
  twoParameters: boolean,
  lo = 0.01,
  hi = 1,
): [number, number] {
  let best: [number, number] = [lo, lo];
  let bestValue = Number.POSITIVE_INFINITY;
  // Grid points as multiples of the step (no accumulated rounding), clamped to [lo, hi].
  const grid = (from: number, to: number, step: number): number[] => {
    const out: number[] = [];
    for (let i = 0; from + i * step <= to + 1e-9; i++)
      out.push(Math.min(hi, Math.max(lo, Math.round((from + i * step) * 1e9) / 1e9)));
    return out;
  };
  const scan = (aFrom: number, aTo: number, bFrom: number, bTo: number, step: number): void => {
    for (const a of grid(aFrom, aTo, step)) {
      for (const b of twoParameters ? grid(bFrom, bTo, step) : [a]) {
        const v = objective(a, b);
        if (v < bestValue) {
          bestValue = v;
          best = [a, b];
        }
      }
    }
  };
  scan(lo, hi, lo, hi, 0.05);
  const [a0, b0] = best;
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  scan(clamp(a0 - 0.05), clamp(a0 + 0.05), clamp(b0 - 0.05), clamp(b0 + 0.05), 0.005);
  return best;
}

/** Variance of the one-step in-sample errors over the periods where a forecast exists. */
export function oneStepErrorVariance(y: Float64Array, fitted: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < y.length; t++) {
    const f = fitted[t]!;
    if (Number.isNaN(f)) continue;
    s += (y[t]! - f) ** 2;
    n++;
  }
  return n > 0 ? s / n : 0;
}

/**
 * Quantile of a count distribution with the given mean and variance: negative binomial when
 * variance > mean, otherwise Poisson; normal approximation above a mean of 1e4.
 *
 * @example
 * countQuantile(0.5, 1.2, 0.9); // 2
 */
export function countQuantile(mean: number, variance: number, level: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 1e4) {
    const sd = Math.sqrt(Math.max(variance, mean));
    return Math.max(0, Math.round(mean + normalQuantile(level) * sd));
  }
  let logPmf: number;
  let ratio: (k: number) => number;
  if (variance > mean * (1 + 1e-9)) {
    const size = (mean * mean) / (variance - mean);
    const p = size / (size + mean);
    logPmf = size * Math.log(p);
    ratio = (k) => ((k + size) / (k + 1)) * (1 - p);
  } else {
    logPmf = -mean;
    ratio = (k) => mean / (k + 1);
  }
  // Sum the pmf (recurrence from P(0)) until the cumulative probability reaches the level.
  let pmf = Math.exp(logPmf);
  let cdf = pmf;
  let k = 0;
  const limit = 100 * (mean + Math.sqrt(variance)) + 1000;
  while (cdf < level && k < limit) {
    pmf *= ratio(k);
    k++;
    cdf += pmf;
  }
  return k;
}

/** Flat forecast with count-distribution quantiles (see the module header). */
export function intermittentForecast(rate: number, variance: number, request: ForecastRequest): Forecast {
  const h = request.horizon;
  const mean = new Float64Array(h).fill(Math.max(0, Number.isFinite(rate) ? rate : 0));
  const quantiles = new Map<number, Float64Array>();
  for (const level of request.quantiles) {
    quantiles.set(level, new Float64Array(h).fill(countQuantile(mean[0]!, variance, level)));
  }
  return { mean, quantiles };
}

/** Serialisable state shared by Croston and SBA. */
export interface CrostonState {
  /** Smoothed demand size and interval; null before the first demand. */
  size: number | null;
  interval: number | null;
  alphaSize: number;
  alphaInterval: number;
  /** Forecast demand per period (bias factor applied for SBA). */
  rate: number;
  /** Variance of one-step in-sample errors, for the quantiles. */
  variance: number;
}

export const OPTIMISE_SPEC: HyperParameterSpec = {
  name: 'optimise',
  type: 'categorical',
  choices: ['none', 'mse', 'mae', 'mar', 'msr'],
  default: 'none',
  help: 'pick the smoothing parameters minimising this in-sample cost (tsintermittent); none = use the given values',
};

/** Fits Croston or SBA (`debias` = 1 - alphaInterval / 2 for SBA, 1 for Croston). */
export function fitCrostonFamily(
  input: LocalFitInput,
  specs: readonly HyperParameterSpec[],
  variant: 'croston' | 'sba',
): CrostonState {
  const params = withDefaults(specs, input.params);
  const y = demandSeries(input.y);
  let alphaSize = Number(params.alpha_size);
  let alphaInterval = Number(params.alpha_interval);
  const factor = (ai: number): number => (variant === 'sba' ? 1 - ai / 2 : 1);
  const optimise = String(params.optimise);
  if (optimise !== 'none') {
    const cost = optimise as IntermittentCost;
    [alphaSize, alphaInterval] = searchSmoothing((a, b) => {
      const run = crostonRun(y, a, b);
      const f = factor(b);
      return intermittentCost(y, f === 1 ? run.fitted : run.fitted.map((v) => v * f), cost);
    }, true);
  }
  if (!(alphaSize > 0 && alphaSize <= 1 && alphaInterval > 0 && alphaInterval <= 1)) {
    throw new IntermittentDemandError('INTERMITTENT_BAD_PARAM', 'smoothing parameters must lie in (0, 1]');
  }
  const run = crostonRun(y, alphaSize, alphaInterval);
  const f = factor(alphaInterval);
  const fitted = run.fitted.map((v) => v * f);
  const rate = Number.isNaN(run.size) ? 0 : (f * run.size) / run.interval;
  return {
    size: Number.isNaN(run.size) ? null : run.size,
    interval: Number.isNaN(run.interval) ? null : run.interval,
    alphaSize,
    alphaInterval,
    rate,
    variance: oneStepErrorVariance(y, fitted),
  };
}

export const CROSTON_PARAMS: HyperParameterSpec[] = [
  {
    name: 'alpha_size',
    type: 'float',
    min: 0.01,
    max: 1,
    default: 0.1,
    help: 'smoothing of non-zero demand sizes',
  },
  {
    name: 'alpha_interval',
    type: 'float',
    min: 0.01,
    max: 1,
    default: 0.1,
    help: 'smoothing of inter-demand intervals',
  },
  OPTIMISE_SPEC,
];

/** Classic Croston as a {@link LocalModel}; with the defaults it reproduces forecast::croston. */
export const crostonModel: LocalModel = {
  kind: 'local',
  name: 'croston',
  description: "Croston's method for intermittent demand (forecast::croston), count-distribution quantiles",
  hyperparameters: CROSTON_PARAMS,
  minLength: () => 2,
  fit(input: LocalFitInput): FittedModel {
    const state = fitCrostonFamily(input, CROSTON_PARAMS, 'croston');
    return {
      model: 'croston',
      params: withDefaults(CROSTON_PARAMS, input.params),
      state: { ...state } as Json,
    };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    const s = fitted.state as unknown as CrostonState;
    return intermittentForecast(s.rate, s.variance, request);
  },
};
