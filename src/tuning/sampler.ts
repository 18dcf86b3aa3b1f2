/**
 * @module tuning/sampler
 * The ask/tell contract every sampler (grid, random, TPE) implements: `ask` proposes the next
 * configuration, `tell` reports how a configuration fared. A study drives any sampler through it.
 */
import type { HyperParameters } from '../models/model.js';

/** How a trial ended. */
export type TrialState = 'complete' | 'pruned' | 'failed';

/** What a sampler learns about one finished trial. */
export interface TrialFeedback {
  params: HyperParameters;
  state: TrialState;
  /** Final score (complete) or last reported intermediate value (pruned); absent when failed. */
  value?: number;
}

/**
 * A hyperparameter sampler.
 *
 * @example
 * const sampler = new RandomSampler(space, { seed: 1 });
 * const params = sampler.ask();
 * if (params) sampler.tell({ params, state: 'complete', value: score(params) });
 */
export interface Sampler {
  readonly name: string;
  /** The next configuration to try, or undefined when the sampler has nothing more to offer (a finished grid). */
  ask(): HyperParameters | undefined;
  tell(feedback: TrialFeedback): void;
}
