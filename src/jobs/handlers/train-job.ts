/**
 * @module jobs/handlers/train-job
 * The `train` job: the standard demand-forecasting pipeline, as `shelfcast train` runs it, for a
 * config file (`{ configPath }`) or a config given inline (`{ config }`), with `force` to rerun every
 * step. Progress follows the pipeline's steps and the search's trials. Result: the train summary
 * (run id, steps, outputs such as the registration). A pipeline whose step failed fails the job
 * (`TRAIN_FAILED`) naming the step and the run. Cancelling the job cancels the run: no step starts
 * after it (so neither register nor batch-forecast), the search stops between trials, and the run is
 * recorded as cancelled.
 *
 * The pipeline's steps open the database themselves; here they borrow the job's handle, which the
 * embedded database requires (it admits one process, and one handle per process).
 */
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { shareDatabase } from '../../db/open-database.js';
import type { RunEvent } from '../../pipeline/local-runner.js';
import type { JsonValue } from '../../pipeline/step.js';
import { loadPipelineConfig, parsePipelineConfig } from '../../pipeline-config/pipeline-config.js';
import { standardPipeline } from '../../pipeline-config/standard-pipeline.js';
import { train } from '../../pipeline-config/train.js';
import { JobError } from '../job-error.js';
import type { JobContext, JobHandler } from '../job-handler.js';
import { parsePayload } from './job-payload.js';

const trainPayload = z.union([
  z.strictObject({ configPath: z.string().min(1), force: z.boolean().optional() }),
  z.strictObject({ config: z.record(z.string(), z.unknown()), force: z.boolean().optional() }),
]);

export type TrainJobPayload = z.input<typeof trainPayload>;

/**
 * @example
 * await queue.enqueue('train', { configPath: 'examples/pipelines/demand-forecast.yaml' });
 * await queue.enqueue('train', { config: { name: 'demand', horizon: 14, algorithms: { ets: { trials: 2 } } } });
 */
export const trainJob: JobHandler = async (payload, ctx) => {
  const p = parsePayload('train', trainPayload, payload);
  // Checked before anything runs, so a bad config fails the job with every bad key named.
  const config = 'configPath' in p ? await loadPipelineConfig(p.configPath) : parsePipelineConfig(p.config);
  ctx.signal.throwIfAborted();
  ctx.progress(0, `training ${config.name}`);
  const returnDatabase = lendDatabase(ctx.db);
  let summary: Awaited<ReturnType<typeof train>>;
  try {
    summary = await train(config, {
      force: p.force ?? false,
      onEvent: stepProgress(ctx),
      signal: ctx.signal,
    });
  } finally {
    returnDatabase();
  }
  if (summary.status === 'cancelled') {
    // In pipeline order: the step interrupted, or the first one left unstarted.
    const step = summary.steps.find((s) => s.status === 'cancelled' || s.status === 'skipped');
    throw new JobError(
      'JOB_CANCELLED',
      `the pipeline of ${config.name} was cancelled${step ? ` at ${step.name}` : ''} (run ${summary.runId}); enqueue the job again to finish it, finished steps come from the cache`,
      { runId: summary.runId },
    );
  }
  if (summary.status === 'failed') {
    const failed = summary.steps.find((s) => s.status === 'failed');
    throw new JobError(
      'TRAIN_FAILED',
      `the pipeline of ${config.name} failed at ${failed?.name ?? 'a step'}: ${failed?.error ?? 'see the run log'} (run ${summary.runId}; fix the cause and enqueue the job again, finished steps come from the cache)`,
      { runId: summary.runId },
    );
  }
  const registration = summary.outputs.register?.registration as
    | { model?: string; version?: number }
    | undefined;
  ctx.progress(
    1,
    registration?.version !== undefined
      ? `registered ${registration.model ?? config.name} v${registration.version}`
      : 'pipeline finished',
  );
  return JSON.parse(JSON.stringify(summary)) as JsonValue;
};

/** Overall progress from step events: finished steps plus the running step's own share. */
function stepProgress(ctx: JobContext): (event: RunEvent) => void {
  const total = standardPipeline.nodes.length;
  let finished = 0;
  return (event) => {
    if (event.type === 'step-finished') {
      finished++;
      ctx.progress(finished / total, `${event.step} ${event.status}`);
    } else if (event.type === 'step-started') {
      ctx.progress(finished / total, `${event.step} running`);
    } else {
      const share = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
      ctx.progress(
        (finished + share) / total,
        `${event.step}: ${event.message ?? `${event.done} of ${event.total}`}`,
      );
    }
  };
}

// Several train jobs may run at once on one handle: it is lent while any of them runs.
let lentTo: Database | undefined;
let borrowers = 0;
let stopLending: (() => void) | undefined;

function lendDatabase(db: Database): () => void {
  if (borrowers > 0 && lentTo !== db) {
    throw new JobError(
      'JOB_FAILED',
      'train jobs on two different databases cannot run in one process at once; run one queue per process',
    );
  }
  if (borrowers++ === 0) {
    lentTo = db;
    stopLending = shareDatabase(db);
  }
  return () => {
    if (--borrowers === 0) {
      stopLending?.();
      stopLending = undefined;
      lentTo = undefined;
    }
  };
}
