/**
 * @module jobs/handlers
 * Every job type and its handler: add a job type by adding its file and one line here.
 */
import type { JobHandler } from '../job-handler.js';
import { batchForecastJob } from './batch-forecast-job.js';
import { ingestJob } from './ingest-job.js';
import { trainJob } from './train-job.js';

export const jobHandlers: Record<string, JobHandler> = {
  'batch-forecast': batchForecastJob,
  ingest: ingestJob,
  train: trainJob,
};
