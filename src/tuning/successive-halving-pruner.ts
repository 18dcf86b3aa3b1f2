/**
 * @module tuning/successive-halving-pruner
 * Asynchronous successive halving (ASHA; Li et al. 2020, "A System for Massively Parallel
 * Hyperparameter Tuning"), as Optuna's SuccessiveHalvingPruner. Rung r sits at step
 * `minResource · eta^r`; a trial reaching a rung records its value there and continues only if that
 * value is within the best ⌊n/eta⌋ (at least one) of the n values recorded at the rung so far, by any
 * trial. Decisions never wait for other trials, so parallel trials are judged as they arrive. Lower
 * values are better.
 */
import { TuningError } from './tuning-error.js';

/** Decides, from a trial's intermediate values, whether to stop it early. */
export interface Pruner {
  /** Records `value` at `step` for `trial`; true when the trial should stop now. */
  report(trial: number, step: number, value: number): boolean;
}

export interface SuccessiveHalvingOptions {
  /** Step of the first rung (default 1). */
  minResource?: number;
  /** Reduction factor: the best 1/eta of trials pass each rung (default 3). */
  eta?: number;
  /** Steps at or beyond this are not rungs: a trial that gets there completes (e.g. the number of folds). */
  maxResource?: number;
  /** Trials to let through a rung before it starts pruning (default 0). */
  bootstrapCount?: number;
}

/**
 * @example
 * const pruner = new SuccessiveHalvingPruner({ eta: 2, maxResource: 4 }); // rungs at folds 1 and 2
 * await runStudy(objective, { sampler, maxTrials: 40, pruner });
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly #minResource: number;
  readonly #eta: number;
  readonly #maxResource: number;
  readonly #bootstrap: number;
  /** Rung index → trial → value recorded there. */
  readonly #rungs: Map<number, number>[] = [];

  constructor(options: SuccessiveHalvingOptions = {}) {
    this.#minResource = options.minResource ?? 1;
    this.#eta = options.eta ?? 3;
    this.#maxResource = options.maxResource ?? Number.POSITIVE_INFINITY;
    this.#bootstrap = options.bootstrapCount ?? 0;
    if (!(this.#minResource > 0))
      throw new TuningError('PRUNER_BAD_OPTIONS', `minResource must be > 0, got ${this.#minResource}`);
    if (!(this.#eta >= 2))
      throw new TuningError(
        'PRUNER_BAD_OPTIONS',
        `eta must be ≥ 2 (it is the reduction factor), got ${this.#eta}`,
      );
  }

  /** Steps at which rungs sit, below `maxResource` (capped at 64 rungs when unbounded). */
  rungSteps(): number[] {
    const steps: number[] = [];
    for (let r = 0; r < 64; r++) {
      const step = this.#minResource * this.#eta ** r;
      if (step >= this.#maxResource) break;
      steps.push(step);
    }
    return steps;
  }

  report(trial: number, step: number, value: number): boolean {
    if (!Number.isFinite(value)) return true;
    const steps = this.rungSteps();
    for (const [r, rungStep] of steps.entries()) {
      if (step < rungStep) break;
      const rung = this.#rungs[r] ?? new Map<number, number>();
      this.#rungs[r] = rung;
      // A trial is judged once per rung, at the first report that reaches it.
      if (rung.has(trial)) continue;
      rung.set(trial, value);
      if (rung.size <= this.#bootstrap) continue;
      const sorted = [...rung.values()].sort((a, b) => a - b);
      const keep = Math.max(1, Math.floor(sorted.length / this.#eta));
      if (value > (sorted[keep - 1] as number)) return true;
    }
    return false;
  }
}
