/**
 * @module tuning/random-sampler
 * Random search (Bergstra & Bengio 2012): every configuration drawn independently and uniformly from
 * the space (log-uniformly for log-scaled parameters). Seeded, so a run repeats exactly.
 */
import type { HyperParameters } from '../models/model.js';
import { TuningRng } from './prng.js';
import type { Sampler, TrialFeedback } from './sampler.js';
import { type SearchSpace, sampleParams } from './search-space.js';

export interface RandomSamplerOptions {
  seed?: number;
}

/**
 * @example
 * const sampler = new RandomSampler(searchSpace(movingAverageModel.hyperparameters), { seed: 3 });
 * sampler.ask(); // { window: … }
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  readonly #space: SearchSpace;
  readonly #rng: TuningRng;

  constructor(space: SearchSpace, options: RandomSamplerOptions = {}) {
    this.#space = space;
    this.#rng = new TuningRng(options.seed ?? 0);
  }

  ask(): HyperParameters {
    return sampleParams(this.#space, this.#rng);
  }

  tell(_feedback: TrialFeedback): void {}
}
