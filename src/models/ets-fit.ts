/**
 * @module models/ets-fit
 * Maximum-likelihood fitting and automatic selection of ETS models, following forecast::ets
 * (forecast 8.20): the same starting values (`initparam`, `initstate`), the same "usual" and
 * "admissible" parameter regions, the same Nelder–Mead run over smoothing parameters and
 * initial states together, and selection by AICc over R's allowed combinations.
 */

import { etsLikelihood } from './ets-likelihood.js';
import { ADD, type EtsComponents, EtsRecursion, MULT, NONE } from './ets-recursion.js';
import { classicalDecomposition, leastSquares, linearTrend } from './optim/classical-decomposition.js';
import { nelderMead } from './optim/nelder-mead.js';
import { rootsWithin } from './optim/polynomial.js';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A';
export type SeasonType = 'N' | 'A' | 'M';

/** One concrete ETS form, e.g. ETS(M,Ad,M). */
export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  damped: boolean;
  season: SeasonType;
}

/** A fitted ETS model: plain numbers only, so it serialises to JSON and back unchanged. */
export interface EtsFit {
  spec: EtsSpec;
  /** Season length used by the model (1 when non-seasonal). */
  m: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** Initial state: level, [slope], s[0..m−1] (s[m−1] implied by normalisation). */
  initialState: number[];
  /** State after the last observation, the start of every forecast. */
  lastState: number[];
  /** Residual variance Σe²/(n − k), k = number of estimated parameters (as forecast). */
  sigma2: number;
  /** −2·log-likelihood up to constants, as forecast reports `-2*loglik`. */
  lik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Non-missing observations used. */
  nobs: number;
  /** Objective evaluations spent by the optimiser. */
  evaluations: number;
}

/** Why ETS could not be fitted; `code` is stable. */
export class EtsError extends Error {
  override readonly name = 'EtsError';
  constructor(
    readonly code:
      | 'invalid-spec'
      | 'invalid-state'
      | 'too-short'
      | 'non-positive-data'
      | 'season-too-long'
      | 'no-model',
    message: string,
  ) {
    super(message);
  }
}

/** forecast::ets defaults: lower and upper for α, β, γ, φ. */
const LOWER = [1e-4, 1e-4, 1e-4, 0.8] as const;
const UPPER = [0.9999, 0.9999, 0.9999, 0.98] as const;

/** forecast::ets refuses seasonal models beyond this season length. */
export const MAX_SEASON_LENGTH = 24;

export function specName(spec: EtsSpec): string {
  return `${spec.error}${spec.trend}${spec.damped ? 'd' : ''}${spec.season}`;
}

function components(spec: EtsSpec, m: number): EtsComponents {
  const code = { N: NONE, A: ADD, M: MULT } as const;
  return {
    error: code[spec.error],
    trend: code[spec.trend],
    season: code[spec.season],
    m: spec.season === 'N' ? 1 : m,
  };
}

export function etsComponents(fit: Pick<EtsFit, 'spec' | 'm'>): EtsComponents {
  return components(fit.spec, fit.m);
}

/**
 * Starting state as forecast's `initstate`: seasonal indices from a classical decomposition
 * (or a trend + one-harmonic regression when there are fewer than three seasons), then level
 * and slope from the first max(10, 2m) seasonally adjusted values.
 */
export function initialState(y: Float64Array, trend: TrendType, season: SeasonType, m: number): Float64Array {
  const n = y.length;
  let ysa = y;
  let seas: Float64Array | null = null;
  let mm = 1;
  if (season !== 'N') {
    mm = m;
    if (n < 4) throw new EtsError('too-short', 'a seasonal ETS model needs at least 4 observations');
    let seasonal: Float64Array;
    if (n < 3 * m) {
      // forecast fits y ~ trend + fourier(y, 1) and keeps the detrended series as "seasonal".
      const p = m === 2 ? 3 : 4;
      const X = new Float64Array(n * p);
      for (let t = 0; t < n; t++) {
        const time = t + 1;
        X[t * p] = 1;
        X[t * p + 1] = time;
        if (m === 2) X[t * p + 2] = Math.cos(Math.PI * time);
        else {
          X[t * p + 2] = Math.sin((2 * Math.PI * time) / m);
          X[t * p + 3] = Math.cos((2 * Math.PI * time) / m);
        }
      }
      const coef = leastSquares(X, p, y);
      seasonal = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        const tr = coef[0]! + coef[1]! * (t + 1);
        seasonal[t] = season === 'A' ? y[t]! - tr : y[t]! / tr;
      }
    } else {
      seasonal = classicalDecomposition(y, m, season === 'A' ? 'additive' : 'multiplicative').seasonal;
    }
    seas = new Float64Array(m - 1);
    for (let j = 0; j < m - 1; j++) seas[j] = seasonal[m - 1 - j]!;
    ysa = new Float64Array(n);
    if (season === 'A') {
      for (let t = 0; t < n; t++) ysa[t] = y[t]! - seasonal[t]!;
    } else {
      let sum = 0;
      for (let j = 0; j < m - 1; j++) {
        seas[j] = Math.max(seas[j]!, 0.01);
        sum += seas[j]!;
      }
      if (sum > m) {
        const div = sum + 0.01 * (m - 1);
        for (let j = 0; j < m - 1; j++) seas[j] = seas[j]! / div;
      }
      for (let t = 0; t < n; t++) ysa[t] = y[t]! / Math.max(seasonal[t]!, 0.01);
    }
  }
  const maxn = Math.min(Math.max(10, 2 * mm), n);
  const head = ysa.subarray(0, maxn);
  const out = new Float64Array(1 + (trend !== 'N' ? 1 : 0) + (seas ? seas.length : 0));
  let k = 0;
  if (trend === 'N') {
    let s = 0;
    let c = 0;
    for (const v of head)
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    out[k++] = s / c;
  } else {
    let { intercept: l0, slope: b0 } = linearTrend(head);
    if (Math.abs(l0 + b0) < 1e-8) {
      l0 *= 1 + 1e-3;
      b0 *= 1 - 1e-3;
    }
    out[k++] = l0;
    out[k++] = b0;
  }
  if (seas) out.set(seas, k);
  return out;
}

/** forecast's `admissible`: the parameter region where the model forgets its start (stable). */
export function admissible(
  alpha: number,
  beta: number | null,
  gamma: number | null,
  phi: number | null,
  m: number,
  scratch?: { poly: Float64Array; work: Float64Array },
): boolean {
  const ph = phi ?? 1;
  if (ph < 0 || ph > 1 + 1e-8) return false;
  if (gamma === null) {
    if (alpha < 1 - 1 / ph || alpha > 1 + 1 / ph) return false;
    if (beta !== null && (beta < alpha * (ph - 1) || beta > (1 + ph) * (2 - alpha))) return false;
  } else if (m > 1) {
    const b = beta ?? 0;
    if (gamma < Math.max(1 - 1 / ph - alpha, 0) || gamma > 1 + 1 / ph - alpha) return false;
    if (alpha < 1 - 1 / ph - (gamma * (1 - m + ph + ph * m)) / (2 * ph * m)) return false;
    if (b < -(1 - ph) * (gamma / m + alpha)) return false;
    const P = scratch?.poly ?? new Float64Array(m + 2);
    P[0] = ph * (1 - alpha - gamma);
    P[1] = alpha + b - alpha * ph + gamma - 1;
    for (let j = 2; j < m; j++) P[j] = alpha + b - alpha * ph;
    P[m] = alpha + b - ph;
    P[m + 1] = 1;
    if (!rootsWithin(P, 1 + 1e-10, scratch?.work)) return false;
  }
  return true;
}

export interface EtsFitOptions {
  /** 'lik' (default) maximises the likelihood; 'mse' minimises in-sample one-step MSE. */
  criterion?: 'lik' | 'mse';
  /** Optimiser budget in objective evaluations (forecast's default 2000). */
  maxit?: number;
}

/**
 * Fits one ETS form by maximum likelihood, or returns null when it cannot be fitted (too many
 * parameters for the data, or no finite likelihood at the start).
 *
 * @example
 * const fit = fitEtsSpec(y, { error: 'A', trend: 'A', damped: true, season: 'N' }, 1);
 */
export function fitEtsSpec(
  y: Float64Array,
  spec: EtsSpec,
  m: number,
  options: EtsFitOptions = {},
): EtsFit | null {
  const mm = spec.season === 'N' ? 1 : m;
  const init = initialState(y, spec.trend, spec.season, mm);
  return fitFromInitialState(y, spec, mm, init, options);
}

function countObserved(y: Float64Array): number {
  let k = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i])) k++;
  return k;
}

function fitFromInitialState(
  y: Float64Array,
  spec: EtsSpec,
  m: number,
  init: Float64Array,
  options: EtsFitOptions,
): EtsFit | null {
  const hasTrend = spec.trend !== 'N';
  const hasSeason = spec.season !== 'N';
  // initparam: α from the lower end (scaled by 1/m), β at 10 % below α, γ at 5 % below 1 − α, φ near its upper bound.
  const alpha0 = LOWER[0] + (0.2 * (UPPER[0] - LOWER[0])) / m;
  const start: number[] = [alpha0];
  if (hasTrend) start.push(LOWER[1] + 0.1 * (Math.min(UPPER[1], alpha0) - LOWER[1]));
  if (hasSeason) start.push(LOWER[2] + 0.05 * (Math.min(UPPER[2], 1 - alpha0) - LOWER[2]));
  if (spec.damped) start.push(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]));
  const nsmooth = start.length;
  for (const v of init) start.push(v);
  const npar = start.length;
  const nobs = countObserved(y);
  if (npar >= nobs - 1) return null;

  const comps = components(spec, m);
  const rec = new EtsRecursion(y, comps);
  const nstate = init.length;
  const x0 = new Float64Array(nstate + (hasSeason ? 1 : 0));
  const soff = hasTrend ? 2 : 1;
  const scratch = { poly: new Float64Array(m + 2), work: new Float64Array(2 * (m + 2)) };
  const mse = options.criterion === 'mse';
  const mult = spec.season === 'M';
  // The specialised loops compute the likelihood criterion; MSE goes through the generic recursion.
  const fast = mse ? null : etsLikelihood(spec.trend, spec.season);
  const seas = new Float64Array(m);
  const multError = spec.error === 'M';
  const objective = (p: Float64Array): number => {
    let k = 0;
    const alpha = p[k++]!;
    const beta = hasTrend ? p[k++]! : 0;
    const gamma = hasSeason ? p[k++]! : 0;
    const phi = spec.damped ? p[k++]! : 1;
    // forecast's checkParams with bounds = "both": the usual region, then admissibility.
    if (alpha < LOWER[0] || alpha > UPPER[0]) return Number.POSITIVE_INFINITY;
    if (hasTrend && (beta < LOWER[1] || beta > alpha || beta > UPPER[1])) return Number.POSITIVE_INFINITY;
    if (spec.damped && (phi < LOWER[3] || phi > UPPER[3])) return Number.POSITIVE_INFINITY;
    if (hasSeason && (gamma < LOWER[2] || gamma > 1 - alpha || gamma > UPPER[2]))
      return Number.POSITIVE_INFINITY;
    if (
      !admissible(
        alpha,
        hasTrend ? beta : null,
        hasSeason ? gamma : null,
        spec.damped ? phi : null,
        m,
        scratch,
      )
    ) {
      return Number.POSITIVE_INFINITY;
    }
    let sum = 0;
    for (let j = 0; j < nstate; j++) {
      const v = p[nsmooth + j]!;
      x0[j] = v;
      if (j >= soff) sum += v;
    }
    if (hasSeason) {
      // The dropped seasonal state makes the indices sum to 0 (additive) or m (multiplicative).
      x0[nstate] = (mult ? m : 0) - sum;
      if (mult) for (let j = soff; j <= nstate; j++) if (x0[j]! < 0) return Number.POSITIVE_INFINITY;
    }
    let lik = fast
      ? fast(y, alpha, beta, gamma, phi, x0, seas, m, multError)
      : rec.objective(alpha, beta, gamma, phi, x0, mse);
    if (lik < -1e10) lik = -1e10;
    if (Number.isNaN(lik)) lik = Number.POSITIVE_INFINITY;
    return lik;
  };
  const first = objective(Float64Array.from(start));
  if (!Number.isFinite(first)) return null;
  const res = nelderMead(objective, start, {
    reltol: Math.sqrt(Number.EPSILON),
    maxit: options.maxit ?? 2000,
  });
  const p = res.x;
  let k = 0;
  const alpha = p[k++]!;
  const beta = hasTrend ? p[k++]! : 0;
  const gamma = hasSeason ? p[k++]! : 0;
  const phi = spec.damped ? p[k++]! : 1;
  let sum = 0;
  for (let j = 0; j < nstate; j++) {
    x0[j] = p[nsmooth + j]!;
    if (j >= soff) sum += x0[j]!;
  }
  if (hasSeason) x0[nstate] = (mult ? m : 0) - sum;
  const filtered = rec.filter(alpha, beta, gamma, phi, x0);
  return summarise(spec, m, alpha, beta, gamma, phi, x0, filtered, npar, res.evaluations);
}

function summarise(
  spec: EtsSpec,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  x0: Float64Array,
  filtered: ReturnType<EtsRecursion['filter']>,
  npar: number,
  evaluations: number,
): EtsFit {
  const n = filtered.nobs;
  let sse = 0;
  for (const e of filtered.residuals) if (!Number.isNaN(e)) sse += e * e;
  const np = npar + 1;
  const lik = filtered.lik;
  const aic = lik + 2 * np;
  return {
    spec,
    m,
    alpha,
    beta,
    gamma,
    phi,
    initialState: Array.from(x0),
    lastState: Array.from(filtered.lastState),
    sigma2: sse / (n - npar),
    lik,
    aic,
    aicc: aic + (2 * np * (np + 1)) / (n - np - 1),
    bic: lik + Math.log(n) * np,
    nobs: n,
    evaluations,
  };
}

/** What the caller allows; 'Z' means "choose", as in forecast's model strings. */
export interface EtsSearch {
  error: ErrorType | 'Z';
  trend: TrendType | 'Z';
  season: SeasonType | 'Z';
  /** null tries both damped and undamped trends. */
  damped: boolean | null;
  ic: 'aicc' | 'aic' | 'bic';
  /** Only additive components (no multiplicative error or season). */
  additiveOnly: boolean;
}

/** The candidate forms forecast::ets would try, in its loop order (ties keep the first). */
export function candidateSpecs(search: EtsSearch, dataPositive: boolean): EtsSpec[] {
  const errors: ErrorType[] = search.error === 'Z' ? ['A', 'M'] : [search.error];
  const trends: TrendType[] = search.trend === 'Z' ? ['N', 'A'] : [search.trend];
  const seasons: SeasonType[] = search.season === 'Z' ? ['N', 'A', 'M'] : [search.season];
  const dampings = search.damped === null ? [true, false] : [search.damped];
  const out: EtsSpec[] = [];
  for (const error of errors)
    for (const trend of trends)
      for (const season of seasons)
        for (const damped of dampings) {
          if (trend === 'N' && damped) continue;
          if (error === 'A' && season === 'M') continue;
          if (search.additiveOnly && (error === 'M' || season === 'M')) continue;
          if (!dataPositive && (error === 'M' || season === 'M')) continue;
          out.push({ error, trend, damped, season });
        }
  return out;
}

function informationCriterion(fit: EtsFit, ic: EtsSearch['ic']): number {
  return ic === 'aic' ? fit.aic : ic === 'bic' ? fit.bic : fit.aicc;
}

/**
 * forecast::ets as a function: applies R's restrictions, fits every allowed form and keeps the
 * one with the lowest information criterion.
 *
 * @example
 * const best = selectEts(y, 7, { error: 'Z', trend: 'Z', season: 'Z', damped: null, ic: 'aicc', additiveOnly: false });
 * specName(best.spec); // e.g. "MAdM"
 */
export function selectEts(
  y: Float64Array,
  m: number,
  search: EtsSearch,
  options: EtsFitOptions = {},
): EtsFit {
  let season = search.season;
  let minValue = Number.POSITIVE_INFINITY;
  let maxValue = Number.NEGATIVE_INFINITY;
  for (const v of y)
    if (!Number.isNaN(v)) {
      if (v < minValue) minValue = v;
      if (v > maxValue) maxValue = v;
    }
  const n = countObserved(y);
  if (n === 0) throw new EtsError('too-short', 'the series has no observed values; ETS needs data');
  if (m < 1 || y.length <= m) season = 'N';
  if (m === 1) {
    if (season === 'A' || season === 'M') {
      throw new EtsError('invalid-spec', 'a seasonal ETS model needs seasonLength > 1; use season N or Z');
    }
    season = 'N';
  }
  if (m > MAX_SEASON_LENGTH) {
    if (season === 'A' || season === 'M') {
      throw new EtsError(
        'season-too-long',
        `ETS handles season lengths up to ${MAX_SEASON_LENGTH} (got ${m}), as forecast::ets; use season N or Z`,
      );
    }
    season = 'N';
  }
  const dataPositive = minValue > 0;
  if (!dataPositive && (search.error === 'M' || season === 'M')) {
    throw new EtsError(
      'non-positive-data',
      'multiplicative error or season needs strictly positive data; use an additive form or model "auto"',
    );
  }
  if (search.error === 'A' && season === 'M') {
    throw new EtsError(
      'invalid-spec',
      'additive error with multiplicative season is not allowed (forecast restrict)',
    );
  }
  const bestOf = (specs: EtsSpec[], fitOpts: EtsFitOptions): EtsFit | null => {
    let best: EtsFit | null = null;
    let bestIc = Number.POSITIVE_INFINITY;
    const inits = new Map<string, Float64Array>();
    for (const spec of specs) {
      const mm = spec.season === 'N' ? 1 : m;
      const key = `${spec.trend}${spec.season}`;
      let init = inits.get(key);
      if (!init) {
        init = initialState(y, spec.trend, spec.season, mm);
        inits.set(key, init);
      }
      const fit = fitFromInitialState(y, spec, mm, init, fitOpts);
      if (!fit) continue;
      const ic = informationCriterion(fit, search.ic);
      if (ic < bestIc) {
        best = fit;
        bestIc = ic;
      }
    }
    return best;
  };
  if (maxValue === minValue) return constantFit(y, minValue);
  // forecast's screen counts only the components fixed by the caller ('Z' adds nothing); below it,
  // forecast switches to HoltWinters-style fits, here the simplest form, ETS(A,N,N), is used.
  let npars = 2;
  if (search.trend === 'A') npars += 2;
  if (season === 'A' || season === 'M') npars += m;
  if (search.damped === true) npars += 1;
  const specs =
    n > npars + 4
      ? candidateSpecs({ ...search, season }, dataPositive)
      : [{ error: 'A', trend: 'N', damped: false, season: 'N' } satisfies EtsSpec];
  const best = specs.length > 0 ? bestOf(specs, options) : null;
  if (!best) {
    throw new EtsError(
      'no-model',
      `no ETS model could be fitted to ${n} observations; use a baseline such as naive for very short series`,
    );
  }
  return best;
}

/** forecast's `npars` screen: smoothing parameters plus initial states (before the +4 margin). */
export function parameterCount(spec: EtsSpec, m: number): number {
  let k = 2;
  if (spec.trend !== 'N') k += 2;
  if (spec.season !== 'N') k += m;
  if (spec.damped) k += 1;
  return k;
}

/** forecast returns SES with α = 0.99999 and a simple start for a constant series. */
function constantFit(y: Float64Array, value: number): EtsFit {
  const spec: EtsSpec = { error: 'A', trend: 'N', damped: false, season: 'N' };
  const rec = new EtsRecursion(y, components(spec, 1));
  const x0 = Float64Array.of(value);
  const filtered = rec.filter(0.99999, 0, 0, 1, x0);
  const fit = summarise(spec, 1, 0.99999, 0, 0, 1, x0, filtered, 2, 0);
  // A perfect fit has log(0) likelihood; forecast clamps the objective at −1e10, so do the same.
  const lik = -1e10;
  return { ...fit, sigma2: 0, lik, aic: lik + 6, aicc: lik + 6, bic: lik + 3 * Math.log(fit.nobs) };
}
