/**
 * @module tuning/search-space
 * The space a hyperparameter search explores, derived from a model's declared `HyperParameterSpec`s
 * and optionally narrowed by a user's config (a smaller range, a subset of choices, a fixed value).
 * Numeric parameters marked `log` are sampled uniformly in log space. Samplers work on the domains here
 * and never on the raw specs.
 */
import type { HyperParameterSpec, HyperParameters } from '../models/model.js';
import type { TuningRng } from './prng.js';
import { TuningError } from './tuning-error.js';

type Choice = string | number | boolean;

/** One searched (or fixed) parameter. */
export type ParameterDomain =
  | { name: string; type: 'int' | 'float'; min: number; max: number; log: boolean }
  | { name: string; type: 'categorical'; choices: readonly Choice[] }
  | { name: string; type: 'fixed'; value: Choice };

export interface SearchSpace {
  readonly parameters: readonly ParameterDomain[];
}

/** What a user may say about one parameter: a range (numeric), a list of choices, or one fixed value. */
export type ParameterConfig = { min?: number; max?: number; log?: boolean } | readonly Choice[] | Choice;

/** Parameter name → narrowing; parameters not named keep their declared domain (or are fixed, see `fixUnlisted`). */
export type SearchSpaceConfig = Readonly<Record<string, ParameterConfig>>;

export interface SearchSpaceOptions {
  /** Fix every parameter the config does not name at its declared default (default false: search all). */
  fixUnlisted?: boolean;
}

/**
 * Builds a search space from a model's hyperparameter specs, narrowed by `config`.
 *
 * @example
 * const space = searchSpace(etsModel.hyperparameters, { model: ['ANN', 'AAN'], damped: 'never' }, { fixUnlisted: true });
 * const maSpace = searchSpace(movingAverageModel.hyperparameters, { window: { min: 7, max: 56 } });
 */
export function searchSpace(
  specs: readonly HyperParameterSpec[],
  config: SearchSpaceConfig = {},
  options: SearchSpaceOptions = {},
): SearchSpace {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(config)) {
    if (!known.has(name)) {
      throw new TuningError(
        'SEARCH_SPACE_UNKNOWN_PARAMETER',
        `the search space names "${name}", which the model does not have; its hyperparameters are: ${[...known].join(', ') || '(none)'}`,
        name,
      );
    }
  }
  return {
    parameters: specs.map((spec) => {
      const narrowing = config[spec.name];
      if (narrowing === undefined) {
        return options.fixUnlisted ? { name: spec.name, type: 'fixed', value: spec.default } : fromSpec(spec);
      }
      return narrow(spec, narrowing);
    }),
  };
}

function fromSpec(spec: HyperParameterSpec): ParameterDomain {
  if (spec.type === 'categorical')
    return { name: spec.name, type: 'categorical', choices: [...spec.choices] };
  return { name: spec.name, type: spec.type, min: spec.min, max: spec.max, log: spec.log ?? false };
}

function narrow(spec: HyperParameterSpec, narrowing: ParameterConfig): ParameterDomain {
  const name = spec.name;
  if (Array.isArray(narrowing)) {
    const choices = narrowing as readonly Choice[];
    if (choices.length === 0)
      throw new TuningError('SEARCH_SPACE_BAD_CHOICE', `${name}: give at least one choice`, name);
    for (const c of choices) checkValue(spec, c);
    if (choices.length === 1) return { name, type: 'fixed', value: choices[0] as Choice };
    if (spec.type === 'categorical') return { name, type: 'categorical', choices: [...new Set(choices)] };
    // A list for a numeric parameter searches exactly those values.
    return { name, type: 'categorical', choices: [...new Set(choices)] };
  }
  if (typeof narrowing !== 'object') {
    checkValue(spec, narrowing as Choice);
    return { name, type: 'fixed', value: narrowing as Choice };
  }
  const range = narrowing as { min?: number; max?: number; log?: boolean };
  if (spec.type === 'categorical') {
    throw new TuningError(
      'SEARCH_SPACE_BAD_RANGE',
      `${name} is categorical (${spec.choices.join(', ')}); give a list of choices or one value, not a range`,
      name,
    );
  }
  const min = range.min ?? spec.min;
  const max = range.max ?? spec.max;
  const log = range.log ?? spec.log ?? false;
  for (const [label, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (!Number.isFinite(v) || v < spec.min || v > spec.max) {
      throw new TuningError(
        'SEARCH_SPACE_BAD_RANGE',
        `${name}: ${label} ${v} lies outside the declared range [${spec.min}, ${spec.max}]`,
        name,
      );
    }
    if (spec.type === 'int' && !Number.isInteger(v))
      throw new TuningError(
        'SEARCH_SPACE_BAD_RANGE',
        `${name}: ${label} must be a whole number, got ${v}`,
        name,
      );
  }
  if (min > max)
    throw new TuningError(
      'SEARCH_SPACE_BAD_RANGE',
      `${name}: min ${min} is above max ${max}; swap them`,
      name,
    );
  if (log && min <= 0)
    throw new TuningError(
      'SEARCH_SPACE_BAD_RANGE',
      `${name}: a log-scale range needs min > 0, got ${min}; raise min or set log: false`,
      name,
    );
  if (min === max) return { name, type: 'fixed', value: min };
  return { name, type: spec.type, min, max, log };
}

function checkValue(spec: HyperParameterSpec, value: Choice): void {
  const name = spec.name;
  if (spec.type === 'categorical') {
    if (!spec.choices.includes(value)) {
      throw new TuningError(
        'SEARCH_SPACE_BAD_CHOICE',
        `${name}: ${JSON.stringify(value)} is not one of its choices (${spec.choices.join(', ')})`,
        name,
      );
    }
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max) {
    throw new TuningError(
      'SEARCH_SPACE_BAD_VALUE',
      `${name}: ${JSON.stringify(value)} is not a number in [${spec.min}, ${spec.max}]`,
      name,
    );
  }
  if (spec.type === 'int' && !Number.isInteger(value))
    throw new TuningError('SEARCH_SPACE_BAD_VALUE', `${name}: ${value} is not a whole number`, name);
}

/** Parameters a sampler actually has to choose (fixed ones excluded). */
export function searchedParameters(space: SearchSpace): Exclude<ParameterDomain, { type: 'fixed' }>[] {
  return space.parameters.filter((p): p is Exclude<ParameterDomain, { type: 'fixed' }> => p.type !== 'fixed');
}

/** The fixed values of a space, as the starting point of every sampled configuration. */
export function fixedValues(space: SearchSpace): HyperParameters {
  const out: HyperParameters = {};
  for (const p of space.parameters) if (p.type === 'fixed') out[p.name] = p.value;
  return out;
}

/** Bounds of a numeric domain in the space samplers work in (natural log when `log`). */
export function internalBounds(domain: { min: number; max: number; log: boolean }): [number, number] {
  return domain.log ? [Math.log(domain.min), Math.log(domain.max)] : [domain.min, domain.max];
}

/** A numeric value → the sampler's internal scale. */
export function toInternal(domain: { log: boolean }, value: number): number {
  return domain.log ? Math.log(value) : value;
}

/** Internal scale → a valid value: exponentiated when `log`, rounded for ints, clamped to [min, max]. */
export function fromInternal(
  domain: { type: 'int' | 'float'; min: number; max: number; log: boolean },
  internal: number,
): number {
  let v = domain.log ? Math.exp(internal) : internal;
  if (domain.type === 'int') v = Math.round(v);
  return Math.min(domain.max, Math.max(domain.min, v));
}

/**
 * One value drawn uniformly from a domain (in log space where the domain is log-scaled).
 *
 * @example
 * sampleValue({ name: 'alpha', type: 'float', min: 1e-4, max: 1, log: true }, rng);
 */
export function sampleValue(domain: ParameterDomain, rng: TuningRng): Choice {
  if (domain.type === 'fixed') return domain.value;
  if (domain.type === 'categorical') return domain.choices[rng.integer(domain.choices.length)] as Choice;
  if (domain.type === 'int' && !domain.log) {
    // Every whole number in [min, max] equally likely (rounding a continuous draw would halve the ends).
    return domain.min + rng.integer(domain.max - domain.min + 1);
  }
  const [lo, hi] = internalBounds(domain);
  if (domain.type === 'int') {
    // Log-uniform ints: draw in [log(min − ½), log(max + ½)) so the end values keep their share.
    const a = Math.log(domain.min - 0.5 > 0 ? domain.min - 0.5 : domain.min);
    const b = Math.log(domain.max + 0.5);
    return fromInternal(domain, a + rng.uniform() * (b - a));
  }
  return fromInternal(domain, lo + rng.uniform() * (hi - lo));
}

/** A whole configuration drawn uniformly from the space. */
export function sampleParams(space: SearchSpace, rng: TuningRng): HyperParameters {
  const out: HyperParameters = {};
  for (const p of space.parameters) out[p.name] = sampleValue(p, rng);
  return out;
}

/**
 * Checks that `params` lies in the space; throws a TuningError naming the first offending parameter.
 *
 * @example
 * validateParams(space, { window: 14 });
 */
export function validateParams(space: SearchSpace, params: HyperParameters): void {
  for (const p of space.parameters) {
    const v = params[p.name];
    if (v === undefined) throw new TuningError('SEARCH_SPACE_BAD_VALUE', `${p.name}: no value given`, p.name);
    const ok =
      p.type === 'fixed'
        ? v === p.value
        : p.type === 'categorical'
          ? p.choices.includes(v)
          : typeof v === 'number' && v >= p.min && v <= p.max && (p.type === 'float' || Number.isInteger(v));
    if (!ok)
      throw new TuningError(
        'SEARCH_SPACE_BAD_VALUE',
        `${p.name}: ${JSON.stringify(v)} lies outside the search space`,
        p.name,
      );
  }
}
