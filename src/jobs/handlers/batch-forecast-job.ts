/**
 * @module jobs/handlers/batch-forecast-job
 * The `batch-forecast` job: forecasts every series of a model's champion into the database
 * (payload `{ model? }`, default the one model with a champion), with the series forecast and the
 * rows written as progress. Result: the run's summary `{ model, version, pairs, rows, seconds }`.
 * Cancelling aborts the run before its transaction commits, so nothing of it stays.
 */
import { z } from 'zod';
import { runBatchForecasts } from '../../serving/batch-forecasts.js';
import type { JobHandler } from '../job-handler.js';
import { parsePayload } from './job-payload.js';

const batchForecastPayload = z.strictObject({ model: z.string().min(1).optional() });

export type BatchForecastJobPayload = z.input<typeof batchForecastPayload>;

/**
 * @example
 * await queue.enqueue('batch-forecast', { model: 'demand' });
 */
export const batchForecastJob: JobHandler = async (payload, ctx) => {
  const p = parsePayload('batch-forecast', batchForecastPayload, payload ?? {});
  const result = await runBatchForecasts(ctx.db, {
    ...(p.model ? { model: p.model } : {}),
    progress: (fraction, message) => ctx.progress(fraction, message),
    signal: ctx.signal,
  });
  return { ...result };
};
