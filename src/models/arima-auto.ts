/**
 * @module models/arima-auto
 * Automatic ARIMA order selection after Hyndman & Khandakar (2008), following forecast::auto.arima
 * (forecast 8.20) step by step: D from the seasonal-strength heuristic, d from repeated KPSS tests,
 * then the stepwise search over (p, q, P, Q, constant) by AICc with the same starting models, moves,
 * limits (max.p = max.q = 5, max.P = max.Q = 2, max.order = 5 for the exhaustive search) and, for long
 * or high-frequency series, the same CSS approximation followed by an exact-likelihood refit of the
 * best candidates. Exports `autoArimaModel`.
 */

import {
  ArimaError,
  type ArimaFit,
  type ArimaSpec,
  type ArimaState,
  adjustedSigma2,
  arimaForecast,
  arimaToState,
  fitArima,
} from './arima.js';
import { ndiffsKpss, nsdiffsStrength } from './arima-differencing.js';
import type { ArmaOrders } from './arima-kalman.js';
import { minRootModulus } from './linalg/polyroot.js';
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

export type InformationCriterion = 'aicc' | 'aic' | 'bic';

/** Options of {@link autoArima}; defaults are forecast::auto.arima's. */
export interface AutoArimaOptions {
  maxP?: number;
  maxQ?: number;
  maxSeasonalP?: number;
  maxSeasonalQ?: number;
  /** Upper bound of p + q + P + Q, used by the exhaustive search only (as in R). */
  maxOrder?: number;
  maxD?: number;
  /** Fix d instead of testing for it. */
  d?: number;
  /** Fix D instead of testing for it. */
  seasonalD?: number;
  stepwise?: boolean;
  /** CSS during the search, then exact ML refit; default: n > 150 or m > 12. */
  approximation?: boolean;
  ic?: InformationCriterion;
  allowDrift?: boolean;
  allowMean?: boolean;
  /** Stepwise model budget (R's nmodels). */
  maxModels?: number;
}

/** One visited candidate of the search. */
export interface ArimaCandidate {
  p: number;
  q: number;
  P: number;
  Q: number;
  constant: boolean;
  ic: number;
}

export interface AutoArimaResult {
  /** Selected fit; absent for a constant series (see `state`). */
  fit: ArimaFit | null;
  state: ArimaState;
  d: number;
  D: number;
  /** Candidates in the order visited, with their (possibly approximate) criterion. */
  visited: ArimaCandidate[];
}

/** Raised when no candidate model could be fitted. */
export class AutoArimaError extends Error {
  readonly code = 'AUTO_ARIMA_NO_MODEL';
  constructor(message: string) {
    super(`${message}; fall back to a simpler model (ETS, seasonal naive) for this series`);
    this.name = 'AutoArimaError';
  }
}

interface Scored {
  fit: ArimaFit | null;
  /** The CSS fit of an approximate score, kept to start the exact refit from; null if it failed. */
  cssFit?: ArimaFit | null;
  ic: number;
  aicc: number;
  /** Residual variance with forecast's degrees-of-freedom adjustment. */
  sigma2: number;
}

function countInterior(x: Float64Array): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return 0;
  let n = 0;
  for (let i = first; i <= last; i++) if (!Number.isNaN(x[i]!)) n++;
  return n;
}

/** Smallest root modulus of the AR (sign = -1) or MA (sign = +1) polynomial of a multiplicative model. */
function minRoot(coef: Float64Array, arma: ArmaOrders, sign: -1 | 1): number {
  const [o1, n1, o2, n2] =
    sign === -1 ? [0, arma.p, arma.p + arma.q, arma.P] : [arma.p, arma.q, arma.p + arma.q + arma.P, arma.Q];
  let m = Number.POSITIVE_INFINITY;
  const factor = (offset: number, k: number): number => {
    if (k === 0) return Number.POSITIVE_INFINITY;
    const c = new Float64Array(k + 1);
    c[0] = 1;
    for (let i = 0; i < k; i++) c[i + 1] = sign * coef[offset + i]!;
    return minRootModulus(c);
  };
  m = Math.min(m, factor(o1, n1));
  // Roots of Phi(B^m) are m-th roots of the roots of Phi(z).
  const s = factor(o2, n2);
  if (Number.isFinite(s)) m = Math.min(m, s ** (1 / arma.period));
  return m;
}

/** forecast's `myarima`: fit one candidate and score it (Infinity when it fails or is near non-stationary). */
function scoreCandidate(
  x: Float64Array,
  c: Omit<ArimaCandidate, 'ic'>,
  d: number,
  D: number,
  m: number,
  ic: InformationCriterion,
  approximation: boolean,
  offset: number,
  cssStart?: ArimaFit | null,
): Scored {
  const failed: Scored = {
    fit: null,
    ic: Number.POSITIVE_INFINITY,
    aicc: Number.POSITIVE_INFINITY,
    sigma2: Number.NaN,
  };
  const useSeason = c.P + D + c.Q > 0 && m > 1;
  const diffs = d + D;
  const spec: ArimaSpec = {
    p: c.p,
    d,
    q: c.q,
    P: useSeason ? c.P : 0,
    D: useSeason ? D : 0,
    Q: useSeason ? c.Q : 0,
    period: useSeason ? m : 1,
    includeMean: c.constant && diffs === 0,
    includeDrift: c.constant && diffs === 1,
  };
  // A failed CSS fit fails the same way as the first stage of the exact refit.
  if (cssStart === null) return failed;
  let fit: ArimaFit;
  try {
    fit = fitArima(
      x,
      spec,
      approximation ? 'CSS' : 'CSS-ML',
      cssStart === undefined ? { filterState: !approximation } : { cssStart },
    );
  } catch (e) {
    if (e instanceof ArimaError) return approximation ? { ...failed, cssFit: null } : failed;
    throw e;
  }
  const nstar = countInterior(x) - d - D * m;
  const npar = fit.coef.length + 1;
  let aic = fit.aic;
  if (approximation) aic = offset + nstar * Math.log(fit.sigma2) + 2 * npar;
  if (Number.isNaN(aic)) return approximation ? { ...failed, cssFit: fit } : failed;
  const bic = aic + npar * (Math.log(nstar) - 2);
  const aicc = aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
  let score = ic === 'aic' ? aic : ic === 'bic' ? bic : aicc;
  const sigma2 = adjustedSigma2(fit);
  const arma: ArmaOrders = { p: spec.p, q: spec.q, P: spec.P, Q: spec.Q, period: spec.period, d, D: spec.D };
  let minroot = 2;
  if (spec.p + spec.P > 0) minroot = Math.min(minroot, minRoot(fit.coef, arma, -1));
  if (spec.q + spec.Q > 0 && score < Number.POSITIVE_INFINITY)
    minroot = Math.min(minroot, minRoot(fit.coef, arma, 1));
  if (minroot < 1 + 1e-2 || !Number.isFinite(score)) score = Number.POSITIVE_INFINITY;
  return approximation ? { fit, cssFit: fit, ic: score, aicc, sigma2 } : { fit, ic: score, aicc, sigma2 };
}

function constantState(value: number, n: number): ArimaState {
  return {
    spec: { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, period: 1, includeMean: true, includeDrift: false },
    coef: [value],
    names: ['intercept'],
    sigma2: 0,
    loglik: Number.POSITIVE_INFINITY,
    aic: Number.NEGATIVE_INFINITY,
    aicc: Number.NEGATIVE_INFINITY,
    bic: Number.NEGATIVE_INFINITY,
    nUsed: n,
    n,
    a: [0],
    P: [0],
  };
}

/**
 * Selects and fits a seasonal ARIMA model like forecast::auto.arima.
 *
 * @example
 * const { state } = autoArima(y, 7);
 * const fc = arimaForecast(state, { horizon: 28, quantiles: [0.1, 0.9] });
 */
export function autoArima(y: Float64Array, period: number, options: AutoArimaOptions = {}): AutoArimaResult {
  const x = y;
  const nonMissing = x.filter((v) => !Number.isNaN(v));
  const serieslength = nonMissing.length;
  if (serieslength === 0) throw new AutoArimaError('series has no observations');
  if (nonMissing.every((v) => v === nonMissing[0])) {
    return { fit: null, state: constantState(nonMissing[0]!, x.length), d: 0, D: 0, visited: [] };
  }
  let ic: InformationCriterion = options.ic ?? 'aicc';
  const m = period > 1 ? Math.round(period) : 1;
  let maxp = Math.min(options.maxP ?? 5, Math.floor(serieslength / 3));
  let maxq = Math.min(options.maxQ ?? 5, Math.floor(serieslength / 3));
  let maxP = Math.min(options.maxSeasonalP ?? 2, Math.floor(serieslength / 3 / m));
  let maxQ = Math.min(options.maxSeasonalQ ?? 2, Math.floor(serieslength / 3 / m));
  const maxOrder = options.maxOrder ?? 5;
  if (serieslength <= 3) ic = 'aic';

  let D: number;
  if (m === 1) {
    D = 0;
    maxP = 0;
    maxQ = 0;
  } else if (options.seasonalD !== undefined) D = options.seasonalD;
  else if (x.length <= 2 * m) D = 0;
  else D = nsdiffsStrength(x, m);
  let dx = nonMissing;
  for (let k = 0; k < D; k++) dx = dx.subarray(m).map((v, i) => v - dx[i]!);
  const d = options.d ?? ndiffsKpss(dx, 0.05, options.maxD ?? 2);
  for (let k = 0; k < d; k++) dx = dx.subarray(1).map((v, i) => v - dx[i]!);
  if (dx.length === 0) throw new AutoArimaError('not enough data after differencing');
  if (m > 1) {
    if (maxP > 0) maxp = Math.min(maxp, m - 1);
    if (maxQ > 0) maxq = Math.min(maxq, m - 1);
  }
  const approximation = options.approximation ?? (x.length > 150 || m > 12);
  let offset = 0;
  if (approximation) {
    try {
      const f = fitArima(x, {
        p: 0,
        d,
        q: 0,
        P: 0,
        D,
        Q: 0,
        period: D > 0 ? m : 1,
        includeMean: d + D === 0,
        includeDrift: false,
      });
      offset = -2 * f.loglik - serieslength * Math.log(f.sigma2);
    } catch (e) {
      if (!(e instanceof ArimaError)) throw e;
    }
    if (!Number.isFinite(offset)) offset = 0;
  }
  const allowDrift = (options.allowDrift ?? true) && d + D === 1;
  const allowMean = (options.allowMean ?? true) && d + D === 0;
  let constant = allowDrift || allowMean;

  const visited: ArimaCandidate[] = [];
  const fits = new Map<string, Scored>();
  const key = (c: Omit<ArimaCandidate, 'ic'>): string => `${c.p},${c.q},${c.P},${c.Q},${c.constant ? 1 : 0}`;
  const evaluate = (c: Omit<ArimaCandidate, 'ic'>): Scored => {
    const s = scoreCandidate(x, c, d, D, m, ic, approximation, offset);
    visited.push({ ...c, ic: s.ic });
    fits.set(key(c), s);
    return s;
  };
  const isNew = (c: Omit<ArimaCandidate, 'ic'>): boolean => !fits.has(key(c));
  const nmodels = options.maxModels ?? 94;
  let best: Scored;

  if (options.stepwise === false) {
    best = { fit: null, ic: Number.POSITIVE_INFINITY, aicc: Number.POSITIVE_INFINITY, sigma2: Number.NaN };
    for (let i = 0; i <= maxp; i++)
      for (let j = 0; j <= maxq; j++)
        for (let I = 0; I <= maxP; I++)
          for (let J = 0; J <= maxQ; J++) {
            if (i + j + I + J > maxOrder) continue;
            for (const k of constant ? [true, false] : [false]) {
              const s = evaluate({ p: i, q: j, P: I, Q: J, constant: k });
              if (s.ic < best.ic) best = s;
            }
          }
  } else {
    const short = x.length < 10;
    let p = Math.min(short ? 1 : 2, maxp);
    let q = Math.min(short ? 1 : 2, maxq);
    let P = Math.min(short ? 0 : 1, maxP);
    let Q = Math.min(short ? 0 : 1, maxQ);
    best = evaluate({ p, q, P, Q, constant });
    let s = evaluate({ p: 0, q: 0, P: 0, Q: 0, constant });
    if (s.ic < best.ic) {
      best = s;
      p = q = P = Q = 0;
    }
    if (maxp > 0 || maxP > 0) {
      const c = { p: maxp > 0 ? 1 : 0, q: 0, P: m > 1 && maxP > 0 ? 1 : 0, Q: 0, constant };
      s = evaluate(c);
      if (s.ic < best.ic) {
        best = s;
        ({ p, P } = c);
        q = Q = 0;
      }
    }
    if (maxq > 0 || maxQ > 0) {
      const c = { p: 0, q: maxq > 0 ? 1 : 0, P: 0, Q: m > 1 && maxQ > 0 ? 1 : 0, constant };
      s = evaluate(c);
      if (s.ic < best.ic) {
        best = s;
        ({ q, Q } = c);
        p = P = 0;
      }
    }
    if (constant) {
      s = evaluate({ p: 0, q: 0, P: 0, Q: 0, constant: false });
      if (s.ic < best.ic) {
        best = s;
        p = q = P = Q = 0;
        constant = false;
      }
    }
    // The neighbourhood moves in R's order; the first improvement restarts the scan.
    const moves: [
      number,
      number,
      number,
      number,
      (c: { p: number; q: number; P: number; Q: number }) => boolean,
    ][] = [
      [0, 0, -1, 0, (c) => c.P > 0],
      [0, 0, 0, -1, (c) => c.Q > 0],
      [0, 0, 1, 0, (c) => c.P < maxP],
      [0, 0, 0, 1, (c) => c.Q < maxQ],
      [0, 0, -1, -1, (c) => c.Q > 0 && c.P > 0],
      [0, 0, -1, 1, (c) => c.Q < maxQ && c.P > 0],
      [0, 0, 1, -1, (c) => c.Q > 0 && c.P < maxP],
      [0, 0, 1, 1, (c) => c.Q < maxQ && c.P < maxP],
      [-1, 0, 0, 0, (c) => c.p > 0],
      [0, -1, 0, 0, (c) => c.q > 0],
      [1, 0, 0, 0, (c) => c.p < maxp],
      [0, 1, 0, 0, (c) => c.q < maxq],
      [-1, -1, 0, 0, (c) => c.q > 0 && c.p > 0],
      [-1, 1, 0, 0, (c) => c.q < maxq && c.p > 0],
      [1, -1, 0, 0, (c) => c.q > 0 && c.p < maxp],
      [1, 1, 0, 0, (c) => c.q < maxq && c.p < maxp],
    ];
    let k = visited.length;
    let startk = 0;
    while (startk < k && k < nmodels) {
      startk = k;
      let improved = false;
      for (const [dp, dq, dP, dQ, ok] of moves) {
        const cur = { p, q, P, Q };
        const c = { p: p + dp, q: q + dq, P: P + dP, Q: Q + dQ, constant };
        if (!ok(cur) || !isNew(c)) continue;
        k++;
        if (k > nmodels) break;
        s = evaluate(c);
        if (s.ic < best.ic) {
          best = s;
          ({ p, q, P, Q } = c);
          improved = true;
          break;
        }
      }
      if (improved || k > nmodels) continue;
      if (allowDrift || allowMean) {
        const c = { p, q, P, Q, constant: !constant };
        if (isNew(c)) {
          k++;
          if (k > nmodels) continue;
          s = evaluate(c);
          if (s.ic < best.ic) {
            best = s;
            constant = !constant;
          }
        }
      }
    }
  }

  if (approximation) {
    // Refit the candidates by exact likelihood, best approximate criterion first.
    const order = visited
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !Number.isNaN(c.ic))
      .sort((a, b) => a.c.ic - b.c.ic || a.i - b.i);
    best = { fit: null, ic: Number.POSITIVE_INFINITY, aicc: Number.POSITIVE_INFINITY, sigma2: Number.NaN };
    for (const { c } of order) {
      const s = scoreCandidate(x, c, d, D, m, ic, false, 0, fits.get(key(c))?.cssFit);
      if (s.ic < Number.POSITIVE_INFINITY) {
        best = s;
        break;
      }
    }
  }
  if (best.fit === null || best.ic === Number.POSITIVE_INFINITY) {
    throw new AutoArimaError(`no suitable ARIMA model found among ${visited.length} candidates`);
  }
  return { fit: best.fit, state: arimaToState(best.fit, best.sigma2), d, D, visited };
}

const AUTO_PARAMS: HyperParameterSpec[] = [
  { name: 'max_p', type: 'int', min: 0, max: 5, default: 5, help: 'largest non-seasonal AR order searched' },
  { name: 'max_q', type: 'int', min: 0, max: 5, default: 5, help: 'largest non-seasonal MA order searched' },
  { name: 'max_P', type: 'int', min: 0, max: 2, default: 2, help: 'largest seasonal AR order searched' },
  { name: 'max_Q', type: 'int', min: 0, max: 2, default: 2, help: 'largest seasonal MA order searched' },
  {
    name: 'max_order',
    type: 'int',
    min: 1,
    max: 10,
    default: 5,
    help: 'largest p + q + P + Q (exhaustive search only, as in R)',
  },
  {
    name: 'stepwise',
    type: 'categorical',
    choices: [true, false],
    default: true,
    help: 'Hyndman–Khandakar stepwise search',
  },
  {
    name: 'approximation',
    type: 'categorical',
    choices: ['auto', 'true', 'false'],
    default: 'auto',
    help: 'CSS during the search then exact refit; auto = when n > 150 or m > 12',
  },
  {
    name: 'ic',
    type: 'categorical',
    choices: ['aicc', 'aic', 'bic'],
    default: 'aicc',
    help: 'selection criterion',
  },
];

/**
 * Automatic seasonal ARIMA as a {@link LocalModel}. State is an {@link ArimaState}; forecasts use the
 * state-space forecast variance with Gaussian quantiles, and mean and quantiles are clipped at 0.
 */
export const autoArimaModel: LocalModel = {
  kind: 'local',
  name: 'auto_arima',
  description:
    'Seasonal ARIMA with automatic order selection (Hyndman–Khandakar stepwise, as forecast::auto.arima)',
  hyperparameters: AUTO_PARAMS,
  minLength(seasonLength) {
    return seasonLength > 1 ? 2 * seasonLength + 3 : 8;
  },
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(AUTO_PARAMS, input.params);
    const approx = params.approximation;
    const options: AutoArimaOptions = {
      maxP: Number(params.max_p),
      maxQ: Number(params.max_q),
      maxSeasonalP: Number(params.max_P),
      maxSeasonalQ: Number(params.max_Q),
      maxOrder: Number(params.max_order),
      stepwise: params.stepwise === true,
      ic: params.ic as InformationCriterion,
    };
    if (approx === 'true') options.approximation = true;
    else if (approx === 'false') options.approximation = false;
    const res = autoArima(input.y, input.seasonLength, options);
    return { model: 'auto_arima', params, state: res.state as unknown as Json };
  },
  predict(fitted: FittedModel, request: ForecastRequest): Forecast {
    return arimaForecast(fitted.state as unknown as ArimaState, request);
  },
};
