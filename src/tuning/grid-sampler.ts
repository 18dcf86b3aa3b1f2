/**
 * @module tuning/grid-sampler
 * Exhaustive grid search: the Cartesian product of every categorical parameter's choices and each
 * numeric range discretised to `points` values (evenly spaced, geometrically for log-scaled ones;
 * whole numbers de-duplicated). `ask` returns undefined once the grid is exhausted.
 */
import type { HyperParameters } from '../models/model.js';
import { TuningRng } from './prng.js';
import type { Sampler, TrialFeedback } from './sampler.js';
import { fromInternal, internalBounds, type ParameterDomain, type SearchSpace } from './search-space.js';
import { TuningError } from './tuning-error.js';

export interface GridSamplerOptions {
  /** Values per numeric parameter (default 5); an int range with fewer whole numbers uses them all. */
  points?: number;
  /** Visit the grid in a seeded random order instead of row-major order (useful under a time budget). */
  shuffleSeed?: number;
}

type Choice = string | number | boolean;

/** The values a grid takes for one parameter. */
export function gridValues(domain: ParameterDomain, points: number): Choice[] {
  if (domain.type === 'fixed') return [domain.value];
  if (domain.type === 'categorical') return [...domain.choices];
  if (domain.type === 'int' && domain.max - domain.min + 1 <= points) {
    return Array.from({ length: domain.max - domain.min + 1 }, (_, i) => domain.min + i);
  }
  const [lo, hi] = internalBounds(domain);
  const values: number[] = [];
  for (let i = 0; i < points; i++) {
    const v = fromInternal(domain, points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (points - 1));
    if (!values.includes(v)) values.push(v);
  }
  return values;
}

/**
 * @example
 * const grid = new GridSampler(space, { points: 4 });
 * for (let p = grid.ask(); p; p = grid.ask()) console.log(p);
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly #axes: { name: string; values: Choice[] }[];
  readonly #order: number[];
  #next = 0;
  /** Number of configurations in the grid. */
  readonly size: number;

  constructor(space: SearchSpace, options: GridSamplerOptions = {}) {
    const points = options.points ?? 5;
    if (!Number.isInteger(points) || points < 1)
      throw new TuningError('SAMPLER_BAD_OPTIONS', `grid points must be a whole number ≥ 1, got ${points}`);
    this.#axes = space.parameters.map((p) => ({ name: p.name, values: gridValues(p, points) }));
    this.size = this.#axes.reduce((n, a) => n * a.values.length, 1);
    this.#order = Array.from({ length: this.size }, (_, i) => i);
    if (options.shuffleSeed !== undefined) {
      const rng = new TuningRng(options.shuffleSeed);
      for (let i = this.#order.length - 1; i > 0; i--) {
        const j = rng.integer(i + 1);
        [this.#order[i], this.#order[j]] = [this.#order[j] as number, this.#order[i] as number];
      }
    }
  }

  ask(): HyperParameters | undefined {
    if (this.#next >= this.size) return undefined;
    let index = this.#order[this.#next++] as number;
    // Mixed-radix decoding, last parameter fastest.
    const picks: Choice[] = new Array(this.#axes.length);
    for (let a = this.#axes.length - 1; a >= 0; a--) {
      const values = (this.#axes[a] as { values: Choice[] }).values;
      picks[a] = values[index % values.length] as Choice;
      index = Math.floor(index / values.length);
    }
    const out: HyperParameters = {};
    for (const [a, axis] of this.#axes.entries()) out[axis.name] = picks[a] as Choice;
    return out;
  }

  tell(_feedback: TrialFeedback): void {}
}
