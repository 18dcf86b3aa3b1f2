/**
 * @module tuning/study
 * Runs a hyperparameter study: asks a sampler for configurations, scores each with an async objective
 * (lower is better), stops at a budget of trials and/or wall time, and prunes trials whose
 * intermediate values a pruner judges hopeless. Trials run `concurrency` at a time as promises; the
 * objective decides where the work happens (this thread, or worker threads through the evaluation
 * worker pool). A failing trial is recorded, never thrown.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HyperParameters } from '../models/model.js';
import type { Sampler, TrialState } from './sampler.js';
import type { Pruner } from './successive-halving-pruner.js';
import { TuningError } from './tuning-error.js';

/** Thrown by `TrialReporter.report` (or by an objective itself) to stop a trial that was pruned. */
export class TrialPruned extends Error {
  override readonly name = 'TrialPruned';
  readonly code = 'TRIAL_PRUNED';
  constructor(
    readonly step: number,
    readonly value: number,
  ) {
    super(`trial pruned at step ${step} (value ${value})`);
  }
}

/** Handed to the objective so it can report intermediate values (one per backtest fold, say). */
export interface TrialReporter {
  /** Number of the trial, from 0. */
  readonly number: number;
  /** Records `value` at `step` (1, 2, …); throws TrialPruned when the pruner stops the trial. */
  report(step: number, value: number): void;
}

/** Scores one configuration; lower is better. */
export type Objective = (params: HyperParameters, reporter: TrialReporter) => Promise<number> | number;

export interface StudyOptions {
  sampler: Sampler;
  /** Most trials to start. */
  maxTrials?: number;
  /** Wall-time budget: no trial starts after it has passed (running trials finish). */
  timeoutMs?: number;
  /** Trials in flight at once (default 1; results then depend only on the seed). */
  concurrency?: number;
  pruner?: Pruner;
  /** Called after every trial, in the order trials finish. */
  onTrial?: (trial: TrialRecord) => void;
  /**
   * Stops the study: no trial starts after it aborts, and once the trials in flight have finished
   * the study rejects with the signal's reason. With a signal, the study gives the event loop a turn
   * before each trial, so the abort can arrive while trials run.
   */
  signal?: AbortSignal;
}

export interface TrialRecord {
  number: number;
  params: HyperParameters;
  state: TrialState;
  /** Final score when complete; the last reported value when pruned. */
  value?: number;
  intermediate: { step: number; value: number }[];
  prunedAtStep?: number;
  error?: { name: string; code?: string; message: string };
  /** Milliseconds from the start of the study. */
  startedMs: number;
  durationMs: number;
}

export interface StudyResult {
  sampler: string;
  trials: TrialRecord[];
  /** Complete trial with the lowest value; absent when none completed. */
  best?: TrialRecord;
  stoppedBy: 'trials' | 'time' | 'sampler-exhausted';
  elapsedMs: number;
}

/**
 * Runs a study to its budget.
 *
 * @example
 * const space = searchSpace(specs, { x: { min: -10, max: 10 } });
 * const result = await runStudy((p) => (Number(p.x) - 3) ** 2, { sampler: new TpeSampler(space, { seed: 1 }), maxTrials: 50 });
 * result.best?.params; // close to { x: 3 }
 */
export async function runStudy(objective: Objective, options: StudyOptions): Promise<StudyResult> {
  const { sampler, maxTrials, timeoutMs, pruner } = options;
  const concurrency = options.concurrency ?? 1;
  if (maxTrials !== undefined && (!Number.isInteger(maxTrials) || maxTrials < 0))
    throw new TuningError('STUDY_BAD_OPTIONS', `maxTrials must be a whole number ≥ 0, got ${maxTrials}`);
  if (timeoutMs !== undefined && !(timeoutMs >= 0))
    throw new TuningError('STUDY_BAD_OPTIONS', `timeoutMs must be ≥ 0, got ${timeoutMs}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TuningError('STUDY_BAD_OPTIONS', `concurrency must be a whole number ≥ 1, got ${concurrency}`);
  if (maxTrials === undefined && timeoutMs === undefined && sampler.name !== 'grid')
    throw new TuningError(
      'STUDY_BAD_OPTIONS',
      `a ${sampler.name} search never runs out of configurations; give maxTrials or timeoutMs`,
    );

  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const trials: TrialRecord[] = [];
  let started = 0;
  let stoppedBy: StudyResult['stoppedBy'] = 'trials';

  const canStart = (): boolean => {
    if (options.signal?.aborted) return false;
    if (maxTrials !== undefined && started >= maxTrials) {
      stoppedBy = 'trials';
      return false;
    }
    if (timeoutMs !== undefined && elapsed() >= timeoutMs) {
      stoppedBy = 'time';
      return false;
    }
    return true;
  };

  const runOne = async (number: number, params: HyperParameters): Promise<TrialRecord> => {
    const startedMs = elapsed();
    const intermediate: { step: number; value: number }[] = [];
    const reporter: TrialReporter = {
      number,
      report(step, value) {
        intermediate.push({ step, value });
        if (pruner?.report(number, step, value)) throw new TrialPruned(step, value);
      },
    };
    const base = { number, params, intermediate, startedMs };
    try {
      const value = await objective(params, reporter);
      if (typeof value !== 'number' || Number.isNaN(value)) {
        return {
          ...base,
          state: 'failed',
          error: { name: 'TypeError', message: `the objective returned ${String(value)}, not a number` },
          durationMs: elapsed() - startedMs,
        };
      }
      return { ...base, state: 'complete', value, durationMs: elapsed() - startedMs };
    } catch (error) {
      if (error instanceof TrialPruned) {
        return {
          ...base,
          state: 'pruned',
          value: error.value,
          prunedAtStep: error.step,
          durationMs: elapsed() - startedMs,
        };
      }
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      return {
        ...base,
        state: 'failed',
        error: { name: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message },
        durationMs: elapsed() - startedMs,
      };
    }
  };

  const lane = async (): Promise<void> => {
    for (;;) {
      // An objective that never waits on I/O keeps the event loop to itself; a turn between trials
      // lets a cancellation (a timer, a request) arrive and abort the signal.
      if (options.signal) await nextTurn();
      if (!canStart()) return;
      const params = sampler.ask();
      if (params === undefined) {
        stoppedBy = 'sampler-exhausted';
        return;
      }
      const number = started++;
      const record = await runOne(number, params);
      trials.push(record);
      sampler.tell({
        params: record.params,
        state: record.state,
        ...(record.value !== undefined ? { value: record.value } : {}),
      });
      options.onTrial?.(record);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  options.signal?.throwIfAborted();

  trials.sort((a, b) => a.number - b.number);
  let best: TrialRecord | undefined;
  for (const t of trials)
    if (t.state === 'complete' && (best === undefined || (t.value as number) < (best.value as number)))
      best = t;
  return {
    sampler: sampler.name,
    trials,
    ...(best ? { best } : {}),
    stoppedBy,
    elapsedMs: elapsed(),
  };
}
