/**
 * @module jobs/handlers/batch-forecast-job
 * The `batch-forecast` job: forecasts every series of a model's champion into the database
 * (payload `{ model? }`, default the one model with a champion) and returns the run's summary.
 */
import { runBatchForecasts } from '../../serving/batch-forecasts.js';
import { JobError } from '../job-error.js';
import type { JobHandler } from '../job-handler.js';

/**
 * @example
 * await queue.enqueue('batch-forecast', { model: 'demand' });
 */
export const batchForecastJob: JobHandler = async (payload, ctx) => {
  const model = payload === null ? undefined : (payload as { model?: unknown } | undefined)?.model;
  if (
    (payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) ||
    (model !== undefined && (typeof model !== 'string' || model === ''))
  ) {
    throw new JobError(
      'INVALID_JOB_PAYLOAD',
      'a batch-forecast job takes { "model": "NAME" } or {} for the one model with a champion',
    );
  }
  const result = await runBatchForecasts(ctx.db, {
    ...(typeof model === 'string' ? { model } : {}),
    progress: (fraction, message) => ctx.progress(fraction, message),
    signal: ctx.signal,
  });
  return { ...result };
};
