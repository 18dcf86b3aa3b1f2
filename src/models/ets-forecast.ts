/**
 * @module models/ets-forecast
 * Forecast distributions of a fitted ETS model, as forecast::forecast.ets computes them:
 * analytic variances for class 1 (additive error, additive or no trend/season) and class 2
 * (multiplicative error, additive or no trend/season) models (Hyndman et al. 2008, ch. 6);
 * for the rest (multiplicative season) seeded simulation of future sample paths, whose
 * quantiles use R's type 8 rule like forecast's `pegelsfcast.C`.
 */

import { type EtsFit, etsComponents } from './ets-fit.js';
import { ADD, advanceState, MULT, NONE, pointForecast } from './ets-recursion.js';
import type { Forecast } from './model.js';
import { gaussianForecast, NormalRandom } from './optim/gaussian.js';

export interface EtsForecastOptions {
  /** Sample paths for simulated intervals. */
  npaths: number;
  /** Seed for the simulation, so a stored model always gives the same intervals. */
  seed: number;
}

/** Point forecasts h steps ahead (not clipped). */
export function etsPointForecast(fit: EtsFit, h: number): Float64Array {
  return pointForecast(Float64Array.from(fit.lastState), etsComponents(fit), fit.phi, h);
}

/**
 * Forecast variance of a class-1 model: σ²(1 + Σ_{j<h} c_j²) with c_j = α + βφ_j + γ·[j mod m = 0],
 * φ_j = φ + … + φ^j. Returns the c_j too (class 2 needs them).
 */
function class1(fit: EtsFit, h: number): { variance: Float64Array; c: Float64Array } {
  const { alpha, beta, gamma, phi, sigma2 } = fit;
  const hasTrend = fit.spec.trend !== 'N';
  const hasSeason = fit.spec.season !== 'N';
  const c = new Float64Array(h);
  const variance = new Float64Array(h);
  let phiSum = 0;
  let phiPow = 1;
  let acc = 0;
  for (let j = 1; j <= h; j++) {
    variance[j - 1] = sigma2 * (1 + acc);
    phiPow *= phi;
    phiSum += phiPow;
    const cj = alpha + (hasTrend ? beta * phiSum : 0) + (hasSeason && j % fit.m === 0 ? gamma : 0);
    c[j - 1] = cj;
    acc += cj * cj;
  }
  return { variance, c };
}

/** Class 2 (forecast's `class2`): θ_j = μ_j² + σ² Σ_{k<j} c_k² θ_{j−k}; var = (1+σ²)θ − μ². */
function class2(fit: EtsFit, mu: Float64Array): Float64Array {
  const h = mu.length;
  const { c } = class1(fit, h);
  const s2 = fit.sigma2;
  const theta = new Float64Array(h);
  const variance = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let acc = 0;
    for (let k = 1; k <= j; k++) acc += c[k - 1]! * c[k - 1]! * theta[j - k]!;
    theta[j] = mu[j]! * mu[j]! + s2 * acc;
    variance[j] = (1 + s2) * theta[j]! - mu[j]! * mu[j]!;
  }
  return variance;
}

/** Future sample paths with normal errors of variance σ² (forecast's `simulate.ets`). */
function simulatePaths(fit: EtsFit, h: number, options: EtsForecastOptions): Float64Array {
  const comps = etsComponents(fit);
  const rng = new NormalRandom(options.seed);
  const sd = Math.sqrt(fit.sigma2);
  const paths = new Float64Array(options.npaths * h);
  const state = new Float64Array(fit.lastState.length);
  const so = comps.trend !== NONE ? 2 : 1;
  for (let p = 0; p < options.npaths; p++) {
    state.set(fit.lastState);
    for (let i = 0; i < h; i++) {
      // One-step forecast from the current state, without allocating.
      const l = state[0]!;
      let f = comps.trend !== NONE ? l + fit.phi * state[1]! : l;
      if (comps.season === ADD) f += state[so + comps.m - 1]!;
      else if (comps.season === MULT) f *= state[so + comps.m - 1]!;
      const e = sd * rng.next();
      const yi = comps.error === ADD ? f + e : f * (1 + e);
      paths[p * h + i] = yi;
      advanceState(state, state, comps, fit.alpha, fit.beta, fit.gamma, fit.phi, yi);
    }
  }
  return paths;
}

/** Type 8 sample quantiles (median-unbiased), R's choice in `pegelsfcast.C`. */
function type8Forecast(
  mean: Float64Array,
  paths: Float64Array,
  npaths: number,
  levels: readonly number[],
): Forecast {
  const h = mean.length;
  const column = new Float64Array(npaths);
  const quantiles = new Map<number, Float64Array>();
  for (const level of levels) quantiles.set(level, new Float64Array(h));
  for (let i = 0; i < h; i++) {
    for (let p = 0; p < npaths; p++) column[p] = paths[p * h + i]!;
    column.sort();
    for (const level of levels) {
      const pos = (npaths + 1 / 3) * level + 1 / 3;
      const lo = Math.min(Math.max(Math.floor(pos), 1), npaths);
      const hi = Math.min(lo + 1, npaths);
      const frac = Math.min(Math.max(pos - Math.floor(pos), 0), 1);
      const v =
        pos < 1
          ? column[0]!
          : pos >= npaths
            ? column[npaths - 1]!
            : column[lo - 1]! + frac * (column[hi - 1]! - column[lo - 1]!);
      quantiles.get(level)![i] = Math.max(v, 0);
    }
  }
  const clipped = new Float64Array(h);
  for (let i = 0; i < h; i++) clipped[i] = Math.max(mean[i]!, 0);
  return { mean: clipped, quantiles };
}

/** Which interval method applies: 1 and 2 analytic, 3 simulated. */
export function intervalClass(fit: EtsFit): 1 | 2 | 3 {
  if (fit.spec.season === 'M') return 3;
  return fit.spec.error === 'A' ? 1 : 2;
}

/**
 * Mean and quantiles h steps ahead, clipped at zero.
 *
 * @example
 * etsForecast(fit, 28, [0.1, 0.9], { npaths: 5000, seed: 1 });
 */
export function etsForecast(
  fit: EtsFit,
  h: number,
  levels: readonly number[],
  options: EtsForecastOptions,
): Forecast {
  const mu = etsPointForecast(fit, h);
  if (levels.length === 0) return gaussianForecast(mu, new Float64Array(h), levels);
  const cls = intervalClass(fit);
  if (cls === 3) {
    return type8Forecast(mu, simulatePaths(fit, h, options), options.npaths, levels);
  }
  const variance = cls === 1 ? class1(fit, h).variance : class2(fit, mu);
  const sd = new Float64Array(h);
  for (let i = 0; i < h; i++) sd[i] = Math.sqrt(Math.max(variance[i]!, 0));
  return gaussianForecast(mu, sd, levels);
}
