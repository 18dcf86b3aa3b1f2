/**
 * @module tuning/tpe-sampler
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011, "Algorithms for
 * Hyper-Parameter Optimization"), in the independent (univariate) form Optuna uses by default.
 * After `startupTrials` random trials, the observed trials are split into the best γ(n) ("good", l)
 * and the rest ("bad", g). Each numeric parameter gets a Parzen estimator per group: a mixture of
 * Gaussians truncated to the range, one per observation plus a broad prior, with hyperopt's
 * adaptive bandwidths (distance to the farther neighbour, clipped). Categorical parameters get
 * frequencies smoothed by a uniform prior. `candidates` configurations are drawn from l and the one
 * maximising l(x)/g(x), the expected-improvement criterion of the paper, is proposed. Candidates
 * equal to a configuration already proposed are passed over while a new one exists: with integer or
 * categorical parameters l(x)/g(x) keeps peaking at the incumbent, and re-scoring it teaches nothing.
 */
import type { HyperParameters } from '../models/model.js';
import { TuningRng } from './prng.js';
import type { Sampler, TrialFeedback } from './sampler.js';
import {
  fixedValues,
  fromInternal,
  type ParameterDomain,
  type SearchSpace,
  sampleParams,
  searchedParameters,
  toInternal,
} from './search-space.js';
import { TuningError } from './tuning-error.js';

type Choice = string | number | boolean;

export interface TpeSamplerOptions {
  seed?: number;
  /** Random trials before the model is used (default 10, as Optuna). */
  startupTrials?: number;
  /** Candidates drawn from l(x) per proposal (default 24, Optuna's n_ei_candidates). */
  candidates?: number;
  /** Size of the good group for n observed trials (default Optuna's min(⌈0.1 n⌉, 25)). */
  gamma?: (n: number) => number;
  /** Weight of the prior component relative to one observation (default 1). */
  priorWeight?: number;
}

/** Optuna's default split: the best 10 %, at least one, at most 25 trials. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * @example
 * const sampler = new TpeSampler(space, { seed: 1, startupTrials: 10 });
 * const result = await runStudy(objective, { sampler, maxTrials: 60 });
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  readonly #space: SearchSpace;
  readonly #rng: TuningRng;
  readonly #startup: number;
  readonly #candidates: number;
  readonly #gamma: (n: number) => number;
  readonly #priorWeight: number;
  readonly #observed: TrialFeedback[] = [];
  readonly #proposed = new Set<string>();

  constructor(space: SearchSpace, options: TpeSamplerOptions = {}) {
    this.#space = space;
    this.#rng = new TuningRng(options.seed ?? 0);
    this.#startup = options.startupTrials ?? 10;
    this.#candidates = options.candidates ?? 24;
    this.#gamma = options.gamma ?? defaultGamma;
    this.#priorWeight = options.priorWeight ?? 1;
    if (!Number.isInteger(this.#startup) || this.#startup < 0)
      throw new TuningError(
        'SAMPLER_BAD_OPTIONS',
        `startupTrials must be a whole number ≥ 0, got ${this.#startup}`,
      );
    if (!Number.isInteger(this.#candidates) || this.#candidates < 1)
      throw new TuningError(
        'SAMPLER_BAD_OPTIONS',
        `candidates must be a whole number ≥ 1, got ${this.#candidates}`,
      );
    if (!(this.#priorWeight > 0))
      throw new TuningError('SAMPLER_BAD_OPTIONS', `priorWeight must be > 0, got ${this.#priorWeight}`);
  }

  tell(feedback: TrialFeedback): void {
    if (feedback.state === 'failed' || feedback.value === undefined || !Number.isFinite(feedback.value))
      return;
    this.#observed.push(feedback);
  }

  ask(): HyperParameters {
    const params = this.#propose();
    this.#proposed.add(JSON.stringify(params));
    return params;
  }

  #propose(): HyperParameters {
    const n = this.#observed.length;
    if (n < Math.max(this.#startup, 2)) return sampleParams(this.#space, this.#rng);
    // Complete trials rank before pruned ones (a pruned trial never proved itself to the end).
    const ranked = [...this.#observed].sort(
      (a, b) =>
        (a.state === 'complete' ? 0 : 1) - (b.state === 'complete' ? 0 : 1) ||
        (a.value as number) - (b.value as number),
    );
    const nGood = Math.min(n - 1, Math.max(1, Math.round(this.#gamma(n))));
    const good = ranked.slice(0, nGood).map((t) => t.params);
    const bad = ranked.slice(nGood).map((t) => t.params);

    const estimators = searchedParameters(this.#space).map((domain) => ({
      domain,
      good: estimator(
        domain,
        good.map((p) => p[domain.name]),
        this.#priorWeight,
      ),
      bad: estimator(
        domain,
        bad.map((p) => p[domain.name]),
        this.#priorWeight,
      ),
    }));
    let best: HyperParameters | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestIsNew = false;
    for (let c = 0; c < this.#candidates; c++) {
      const params = orderLike(this.#space, this.#drawFromGood(estimators));
      let score = 0;
      for (const e of estimators) {
        const value = params[e.domain.name] as Choice;
        score += e.good.logDensity(value) - e.bad.logDensity(value);
      }
      const isNew = !this.#proposed.has(JSON.stringify(params));
      if ((isNew && !bestIsNew) || (isNew === bestIsNew && score > bestScore)) {
        bestScore = score;
        best = params;
        bestIsNew = isNew;
      }
    }
    return best ?? sampleParams(this.#space, this.#rng);
  }

  #drawFromGood(estimators: readonly { domain: { name: string }; good: Estimator }[]): HyperParameters {
    const params: HyperParameters = { ...fixedValues(this.#space) };
    for (const e of estimators) params[e.domain.name] = e.good.sample(this.#rng);
    return params;
  }
}

function orderLike(space: SearchSpace, params: HyperParameters): HyperParameters {
  const out: HyperParameters = {};
  for (const p of space.parameters) out[p.name] = params[p.name] as Choice;
  return out;
}

interface Estimator {
  sample(rng: TuningRng): Choice;
  logDensity(value: Choice): number;
}

function estimator(
  domain: Exclude<ParameterDomain, { type: 'fixed' }>,
  values: readonly (Choice | undefined)[],
  priorWeight: number,
): Estimator {
  if (domain.type === 'categorical') return categoricalEstimator(domain.choices, values, priorWeight);
  return parzenEstimator(domain, values as readonly number[], priorWeight);
}

/** Frequencies smoothed by a uniform prior: p(c) = (count(c) + w/K) / (n + w). */
function categoricalEstimator(
  choices: readonly Choice[],
  values: readonly (Choice | undefined)[],
  priorWeight: number,
): Estimator {
  const k = choices.length;
  const probs = choices.map(() => priorWeight / k);
  let total = priorWeight;
  for (const v of values) {
    const i = choices.indexOf(v as Choice);
    if (i >= 0) {
      probs[i] = (probs[i] as number) + 1;
      total++;
    }
  }
  for (let i = 0; i < k; i++) probs[i] = (probs[i] as number) / total;
  return {
    sample: (rng) => choices[rng.weighted(probs)] as Choice,
    logDensity: (value) => Math.log(probs[choices.indexOf(value)] ?? 1e-12),
  };
}

/** Truncated-Gaussian mixture on the internal (log where `log`) scale of a numeric parameter. */
function parzenEstimator(
  domain: { type: 'int' | 'float'; min: number; max: number; log: boolean },
  values: readonly number[],
  priorWeight: number,
): Estimator {
  // Ints are treated as continuous over [min − ½, max + ½] so every whole number has an equal cell.
  const pad = domain.type === 'int' ? 0.5 : 0;
  const lo = domain.log ? Math.log(Math.max(domain.min - pad, domain.min / 2)) : domain.min - pad;
  const hi = domain.log ? Math.log(domain.max + pad) : domain.max + pad;
  const width = hi - lo;
  const prior = (lo + hi) / 2;
  const points = values
    .filter((v) => typeof v === 'number' && Number.isFinite(v))
    .map((v) => ({ mu: toInternal(domain, v), prior: false }));
  points.push({ mu: prior, prior: true });
  points.sort((a, b) => a.mu - b.mu);
  // hyperopt's adaptive Parzen bandwidth: the distance to the farther neighbour (bounds at the ends),
  // clipped to [width / min(100, n + 1), width]; the prior keeps the whole width.
  const minSigma = width / Math.min(100, points.length + 1);
  const mus = points.map((p) => p.mu);
  const sigmas = points.map((p, i) => {
    if (p.prior) return width;
    const left = p.mu - (i > 0 ? (mus[i - 1] as number) : lo);
    const right = (i < mus.length - 1 ? (mus[i + 1] as number) : hi) - p.mu;
    return Math.min(width, Math.max(minSigma, left, right));
  });
  const weights = points.map((p) => (p.prior ? priorWeight : 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const norms = mus.map((mu, i) => {
    const s = sigmas[i] as number;
    return Math.max(1e-300, normalCdf((hi - mu) / s) - normalCdf((lo - mu) / s));
  });
  return {
    sample(rng) {
      const k = rng.weighted(weights);
      const mu = mus[k] as number;
      const s = sigmas[k] as number;
      let x = mu + s * rng.normal();
      for (let tries = 0; (x < lo || x > hi) && tries < 100; tries++) x = mu + s * rng.normal();
      return fromInternal(domain, Math.min(hi, Math.max(lo, x)));
    },
    logDensity(value) {
      const x = toInternal(domain, value as number);
      let density = 0;
      for (let k = 0; k < mus.length; k++) {
        const s = sigmas[k] as number;
        const z = (x - (mus[k] as number)) / s;
        density +=
          ((weights[k] as number) * Math.exp(-0.5 * z * z)) /
          (s * Math.sqrt(2 * Math.PI) * (norms[k] as number));
      }
      return Math.log(Math.max(1e-300, density / totalWeight));
    },
  };
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
