/**
 * @module models/theta-optimised
 * The optimised Theta method (OTM) of Fiorucci, Pellegrini, Louzada, Petropoulos and Koehler
 * (2016, IJF 32(4)): the theta line's coefficient θ ≥ 1 is estimated with the smoothing
 * parameter and the initial level by minimising the in-sample one-step MSE, with the same
 * seasonal adjustment as the standard method. θ = 2 gives back (almost exactly) standard Theta.
 */

import type { FittedModel, Forecast, HyperParameterSpec, LocalFitInput, LocalModel } from './model.js';
import { linearTrend } from './optim/classical-decomposition.js';
import { checkRequest } from './optim/gaussian.js';
import { nelderMead } from './optim/nelder-mead.js';
import {
  seasonallyAdjust,
  ThetaError,
  type ThetaState,
  thetaForecast,
  thetaStateFrom,
  thetaStateToJson,
} from './theta.js';

/**
 * One-step forecasts of the OTM (Fiorucci et al. 2016, eq. for the static model):
 * Ŷ_{t+1|t} = ℓ_t + (1 − 1/θ)·[(1−α)^t·A + (1 − (1−α)^{t+1})/α · B], ℓ_t = αY_t + (1−α)ℓ_{t−1},
 * with A, B the least-squares intercept and slope of Y on 1..n. Returns the MSE, and the last
 * level through `out` when given.
 */
function otmMse(
  y: Float64Array,
  A: number,
  B: number,
  l0: number,
  alpha: number,
  theta: number,
  out?: { level: number; sse: number; count: number },
): number {
  const n = y.length;
  const w = 1 - 1 / theta;
  let level = l0;
  let decay = 1;
  let sse = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    const f = level + w * (decay * A + ((1 - decay * (1 - alpha)) / alpha) * B);
    const v = y[t]!;
    if (Number.isNaN(v)) {
      // A gap keeps the level: the SES update with y replaced by its own level.
    } else {
      const e = v - f;
      sse += e * e;
      count++;
      level = alpha * v + (1 - alpha) * level;
    }
    decay *= 1 - alpha;
  }
  if (out) {
    out.level = level;
    out.sse = sse;
    out.count = count;
  }
  return sse / count;
}

/** Fits the OTM and returns a state in the same form as the standard Theta. */
export function fitOptimisedTheta(y: Float64Array, m: number): ThetaState & { theta: number } {
  const n = y.length;
  const { adjusted, factors } = seasonallyAdjust(y, m);
  const { intercept: A, slope: B } = linearTrend(adjusted, 1);
  let first = Number.NaN;
  for (const v of adjusted)
    if (!Number.isNaN(v)) {
      first = v;
      break;
    }
  if (Number.isNaN(first) || Number.isNaN(B))
    throw new ThetaError('too-short', 'optimised Theta needs observed values');
  const objective = (p: Float64Array): number => {
    const alpha = p[1]!;
    const theta = p[2]!;
    if (!(alpha >= 0.01 && alpha <= 0.99) || !(theta >= 1 && theta <= 50)) return Number.POSITIVE_INFINITY;
    return otmMse(adjusted, A, B, p[0]!, alpha, theta);
  };
  const res = nelderMead(objective, [first, 0.3, 2], { maxit: 1000 });
  const [l0, alpha, theta] = res.x as unknown as [number, number, number];
  const out = { level: 0, sse: 0, count: 0 };
  otmMse(adjusted, A, B, l0, alpha, theta, out);
  const w = 1 - 1 / theta;
  const decayN = (1 - alpha) ** n;
  return {
    // Forecast h: ℓ_n + w·[(1−α)^n·A + ((1 − (1−α)^{n+1})/α + h − 1)·B].
    level: out.level,
    alpha,
    drift: w * B,
    offset: w * (decayN * A + ((1 - decayN * (1 - alpha)) / alpha) * B),
    sigma2: out.sse / Math.max(1, out.count - 3),
    factors,
    theta,
  };
}

const hyperparameters: readonly HyperParameterSpec[] = [];

/**
 * Optimised Theta (OTM): θ, α and the initial level by in-sample MSE.
 *
 * @example
 * const fitted = optimisedThetaModel.fit({ y, seasonLength: 7, freq: 'D', params: {} });
 * optimisedThetaModel.predict(fitted, { horizon: 28, quantiles: [0.5] });
 */
export const optimisedThetaModel: LocalModel = {
  kind: 'local',
  name: 'optimised-theta',
  description:
    'Optimised Theta method (Fiorucci et al. 2016): theta coefficient, smoothing and initial level chosen by in-sample MSE; seasonal adjustment as standard Theta.',
  hyperparameters,
  minLength: () => 7,
  fit(input: LocalFitInput): FittedModel {
    const { theta, ...state } = fitOptimisedTheta(input.y, Math.max(1, Math.round(input.seasonLength)));
    const json = thetaStateToJson(state) as Record<string, FittedModel['state']>;
    return { model: 'optimised-theta', params: {}, state: { ...json, theta } };
  },
  predict(fitted, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    return thetaForecast(thetaStateFrom(fitted.state), request.horizon, request.quantiles);
  },
};
