/**
 * @module models/gbdt/objectives
 * Loss functions the booster can minimise: their gradients and hessians in the raw (link) space,
 * the starting score, the inverse link and the validation metric used for early stopping.
 */

import { GbdtError } from './gbdt-error.js';

export type ObjectiveName = 'squared' | 'poisson' | 'tweedie' | 'quantile';

export interface ObjectiveOptions {
  /** Tweedie variance power p in (1, 2): 1 is Poisson-like, 2 Gamma-like. */
  tweedieVariancePower: number;
  /** Quantile level for the pinball loss, in (0, 1). */
  quantileAlpha: number;
}

/** One loss, defined on the raw score f (prediction = inverse link of f). */
export interface Objective {
  readonly name: ObjectiveName;
  /** Raw score every row starts from. */
  baseScore(y: ArrayLike<number>): number;
  /** Writes the first and second derivative of the loss for each row into grad and hess. */
  gradients(y: ArrayLike<number>, raw: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** Inverse link: raw score → prediction on the scale of y. */
  transform(raw: number): number;
  /** Mean loss on a validation set, lower is better. */
  metric(y: ArrayLike<number>, raw: Float64Array): number;
  /**
   * When set, leaf values are not Newton steps but the `alpha`-quantile of the residuals in the
   * leaf (LightGBM's leaf renewal for the quantile loss): the pinball loss has a zero hessian, so
   * Newton steps with a unit hessian only creep towards the quantile.
   */
  readonly renewLeavesAtQuantile?: number;
}

/** XGBoost's default for Poisson: inflating the hessian by e^0.7 damps steps where mu is tiny. */
const POISSON_MAX_DELTA_STEP = 0.7;

function mean(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length === 0 ? 0 : s / y.length;
}

function checkNonNegative(y: ArrayLike<number>, name: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!(y[i]! >= 0)) {
      throw new GbdtError('GBDT_BAD_INPUT', `the ${name} objective needs y >= 0, row ${i} has ${y[i]}`);
    }
  }
}

/** Empirical quantile (type 7, as R's default) of the values; sorts a copy. */
export function quantileOf(values: ArrayLike<number>, alpha: number): number {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  if (s.length === 0) return 0;
  const pos = alpha * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/**
 * Builds the objective by name.
 *
 * @example
 * const obj = createObjective('tweedie', { tweedieVariancePower: 1.5, quantileAlpha: 0.5 });
 */
export function createObjective(name: ObjectiveName, options: ObjectiveOptions): Objective {
  switch (name) {
    case 'squared':
      return {
        name,
        baseScore: mean,
        gradients(y, raw, grad, hess) {
          for (let i = 0; i < raw.length; i++) {
            grad[i] = raw[i]! - y[i]!;
            hess[i] = 1;
          }
        },
        transform: (f) => f,
        metric(y, raw) {
          let s = 0;
          for (let i = 0; i < raw.length; i++) s += (raw[i]! - y[i]!) ** 2;
          return Math.sqrt(s / Math.max(1, raw.length));
        },
      };
    case 'poisson':
      return {
        name,
        baseScore(y) {
          checkNonNegative(y, 'poisson');
          return Math.log(Math.max(mean(y), 1e-9));
        },
        gradients(y, raw, grad, hess) {
          for (let i = 0; i < raw.length; i++) {
            const mu = Math.exp(raw[i]!);
            grad[i] = mu - y[i]!;
            hess[i] = mu * Math.exp(POISSON_MAX_DELTA_STEP);
          }
        },
        transform: Math.exp,
        // Negative log-likelihood without the log(y!) constant.
        metric(y, raw) {
          let s = 0;
          for (let i = 0; i < raw.length; i++) s += Math.exp(raw[i]!) - y[i]! * raw[i]!;
          return s / Math.max(1, raw.length);
        },
      };
    case 'tweedie': {
      const p = options.tweedieVariancePower;
      if (!(p > 1 && p < 2)) {
        throw new GbdtError('GBDT_BAD_PARAM', `tweedieVariancePower must be in (1, 2), got ${p}`);
      }
      return {
        name,
        baseScore(y) {
          checkNonNegative(y, 'tweedie');
          return Math.log(Math.max(mean(y), 1e-9));
        },
        // d/df of -y e^{(1-p)f}/(1-p) + e^{(2-p)f}/(2-p), the Tweedie negative log-likelihood (log link).
        gradients(y, raw, grad, hess) {
          for (let i = 0; i < raw.length; i++) {
            const f = raw[i]!;
            const a = Math.exp((1 - p) * f);
            const b = Math.exp((2 - p) * f);
            grad[i] = -y[i]! * a + b;
            hess[i] = -y[i]! * (1 - p) * a + (2 - p) * b;
          }
        },
        transform: Math.exp,
        metric(y, raw) {
          let s = 0;
          for (let i = 0; i < raw.length; i++) {
            const f = raw[i]!;
            s += (-y[i]! * Math.exp((1 - p) * f)) / (1 - p) + Math.exp((2 - p) * f) / (2 - p);
          }
          return s / Math.max(1, raw.length);
        },
      };
    }
    case 'quantile': {
      const a = options.quantileAlpha;
      if (!(a > 0 && a < 1))
        throw new GbdtError('GBDT_BAD_PARAM', `quantileAlpha must be in (0, 1), got ${a}`);
      return {
        name,
        renewLeavesAtQuantile: a,
        baseScore: (y) => quantileOf(y, a),
        gradients(y, raw, grad, hess) {
          for (let i = 0; i < raw.length; i++) {
            grad[i] = y[i]! > raw[i]! ? -a : 1 - a;
            hess[i] = 1;
          }
        },
        transform: (f) => f,
        metric(y, raw) {
          let s = 0;
          for (let i = 0; i < raw.length; i++) {
            const d = y[i]! - raw[i]!;
            s += d >= 0 ? a * d : (a - 1) * d;
          }
          return s / Math.max(1, raw.length);
        },
      };
    }
    default:
      throw new GbdtError(
        'GBDT_BAD_PARAM',
        `unknown objective '${name as string}'; use squared, poisson, tweedie or quantile`,
      );
  }
}
