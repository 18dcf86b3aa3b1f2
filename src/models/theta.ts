/**
 * @module models/theta
 * The standard Theta method as R's forecast::thetaf: a 90 % autocorrelation test for
 * seasonality, multiplicative classical decomposition when it passes, simple exponential
 * smoothing (fitted by in-sample MSE) with a drift of half the regression slope, and SES
 * prediction intervals. Also owns the seasonal adjustment the optimised Theta reuses.
 */

import { EtsError, fitEtsSpec } from './ets-fit.js';
import { etsPointForecast } from './ets-forecast.js';
import type { FittedModel, Forecast, HyperParameterSpec, LocalFitInput, LocalModel } from './model.js';
import { classicalDecomposition, linearTrend } from './optim/classical-decomposition.js';
import { checkRequest, gaussianForecast, normalQuantile } from './optim/gaussian.js';

/** Theta could not be fitted or a stored state is unusable; `code` is stable. */
export class ThetaError extends Error {
  override readonly name = 'ThetaError';
  constructor(
    readonly code: 'too-short' | 'invalid-state',
    message: string,
  ) {
    super(message);
  }
}

/**
 * thetaf's seasonality test: the lag-m autocorrelation against its standard error under
 * Bartlett's formula, sqrt((1 + 2 Σ_{k<m} r_k²)/n), one-sided at 90 %. Pairs with a missing
 * value are skipped (R's acf would stop on NA).
 *
 * @example
 * isSeasonal(y, 12); // true for AirPassengers
 */
export function isSeasonal(y: Float64Array, m: number): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  let mean = 0;
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of y)
    if (!Number.isNaN(v)) {
      mean += v;
      count++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (count === 0 || min === max) return false;
  mean /= count;
  let c0 = 0;
  for (const v of y) if (!Number.isNaN(v)) c0 += (v - mean) ** 2;
  let sumSq = 0;
  let rm = 0;
  for (let k = 1; k <= m; k++) {
    let ck = 0;
    for (let t = 0; t + k < n; t++) {
      const a = y[t]!;
      const b = y[t + k]!;
      if (!Number.isNaN(a) && !Number.isNaN(b)) ck += (a - mean) * (b - mean);
    }
    const r = ck / c0;
    if (k < m) sumSq += r * r;
    else rm = r;
  }
  const stat = Math.sqrt((1 + 2 * sumSq) / n);
  return Math.abs(rm) / stat > normalQuantile(0.95);
}

/** Seasonally adjusted series plus the m indices that continue the cycle after its end. */
export interface SeasonalAdjustment {
  adjusted: Float64Array;
  /** Seasonal factors for the steps after the data: factors[i % m] multiplies step i + 1. */
  factors: number[] | null;
}

/** thetaf's adjustment: multiplicative decomposition when the test says seasonal. */
export function seasonallyAdjust(y: Float64Array, m: number): SeasonalAdjustment {
  if (!isSeasonal(y, m)) return { adjusted: y, factors: null };
  const d = classicalDecomposition(y, m, 'multiplicative');
  // forecast falls back to the non-seasonal method when an index is near zero.
  if (d.figure.some((v) => Math.abs(v) < 1e-4) || d.figure.some((v) => !Number.isFinite(v))) {
    return { adjusted: y, factors: null };
  }
  const n = y.length;
  const adjusted = new Float64Array(n);
  for (let t = 0; t < n; t++) adjusted[t] = y[t]! / d.seasonal[t]!;
  const factors: number[] = [];
  for (let k = 0; k < m; k++) factors.push(d.seasonal[n - m + k]!);
  return { adjusted, factors };
}

/** Plain-number state shared by both Theta variants. */
export interface ThetaState {
  /** Mean path on the seasonally adjusted scale, before re-seasonalising, per step from 1. */
  level: number;
  alpha: number;
  /** Added per step ahead (drift) and once (offset) on the adjusted scale. */
  drift: number;
  offset: number;
  sigma2: number;
  factors: number[] | null;
}

export function thetaForecast(state: ThetaState, horizon: number, quantiles: readonly number[]): Forecast {
  const mean = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  const sigma = Math.sqrt(state.sigma2);
  for (let i = 0; i < horizon; i++) {
    let mu = state.level + state.offset + state.drift * i;
    if (state.factors) mu *= state.factors[i % state.factors.length]!;
    mean[i] = mu;
    // As thetaf: SES variance growth on the adjusted scale, not re-seasonalised.
    sd[i] = sigma * Math.sqrt(i * state.alpha * state.alpha + 1);
  }
  return gaussianForecast(mean, sd, quantiles);
}

export function thetaStateFrom(state: FittedModel['state']): ThetaState {
  if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
    const { level, alpha, drift, offset, sigma2, factors } = state;
    const okFactors =
      factors === null || (Array.isArray(factors) && factors.every((v) => typeof v === 'number'));
    if (
      typeof level === 'number' &&
      typeof alpha === 'number' &&
      typeof drift === 'number' &&
      typeof offset === 'number' &&
      typeof sigma2 === 'number' &&
      okFactors
    ) {
      return { level, alpha, drift, offset, sigma2, factors: factors as number[] | null };
    }
  }
  throw new ThetaError(
    'invalid-state',
    'stored Theta state lacks level, alpha, drift, offset or sigma2; refit',
  );
}

export function thetaStateToJson(s: ThetaState): FittedModel['state'] {
  return {
    level: s.level,
    alpha: s.alpha,
    drift: s.drift,
    offset: s.offset,
    sigma2: s.sigma2,
    factors: s.factors,
  };
}

/** Fits thetaf: returns the plain state. */
export function fitStandardTheta(y: Float64Array, m: number): ThetaState {
  const n = y.length;
  const { adjusted, factors } = seasonallyAdjust(y, m);
  let fit: ReturnType<typeof fitEtsSpec>;
  try {
    fit = fitEtsSpec(adjusted, { error: 'A', trend: 'N', damped: false, season: 'N' }, 1, {
      criterion: 'mse',
    });
  } catch (err) {
    if (err instanceof EtsError) throw new ThetaError('too-short', `${err.message}`);
    throw err;
  }
  if (!fit) throw new ThetaError('too-short', `Theta needs at least 4 observed values, got ${n}`);
  const alpha = Math.max(1e-10, fit.alpha);
  // thetaf regresses on 0..n−1; the slope is what matters and is the same on 1..n.
  const drift = linearTrend(adjusted, 0).slope / 2;
  const level = etsPointForecast(fit, 1)[0]!;
  return {
    level,
    alpha,
    drift,
    offset: drift * ((1 - (1 - alpha) ** n) / alpha),
    sigma2: fit.sigma2,
    factors,
  };
}

const hyperparameters: readonly HyperParameterSpec[] = [];

/**
 * Standard Theta (θ = 2), the M3 competition winner, as forecast::thetaf.
 *
 * @example
 * const fitted = thetaModel.fit({ y, seasonLength: 12, freq: 'M', params: {} });
 * thetaModel.predict(fitted, { horizon: 18, quantiles: [0.1, 0.9] });
 */
export const thetaModel: LocalModel = {
  kind: 'local',
  name: 'theta',
  description:
    'Standard Theta method (R forecast::thetaf): SES with half the trend slope as drift, multiplicative seasonal adjustment when a 90 % test finds seasonality.',
  hyperparameters,
  minLength: () => 7,
  fit(input: LocalFitInput): FittedModel {
    const state = fitStandardTheta(input.y, Math.max(1, Math.round(input.seasonLength)));
    return { model: 'theta', params: {}, state: thetaStateToJson(state) };
  },
  predict(fitted, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    return thetaForecast(thetaStateFrom(fitted.state), request.horizon, request.quantiles);
  },
};
