/**
 * @module jobs/open-job-queue
 * Picks the queue from the environment: the Redis queue when REDIS_URL is set (work done by
 * `shelfcast worker` processes), otherwise the in-process queue.
 */
import type { Database } from '../db/database.js';
import { jobHandlers } from './handlers/index.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { JobHandler } from './job-handler.js';
import type { JobQueue } from './job-queue.js';
import { type JobSettings, jobSettingsFromEnv } from './job-settings.js';

export interface OpenJobQueueOptions {
  /** Redis to queue on (default: REDIS_URL); empty or absent runs jobs in this process. */
  redisUrl?: string;
  /** In-process jobs run at once (default: SHELFCAST_JOB_CONCURRENCY, or 2). */
  concurrency?: number;
  /** Job types and their handlers (default: every registered handler). */
  handlers?: Readonly<Record<string, JobHandler>>;
  /** Overrides of the settings read from the environment. */
  settings?: Partial<JobSettings>;
}

/**
 * Opens the job queue for `db`. The in-process queue recovers what a stopped process left behind
 * as it opens; the Redis queue fails with `JOB_QUEUE_UNAVAILABLE` when Redis cannot be reached.
 *
 * @example
 * const queue = await openJobQueue(db);
 * const job = await queue.enqueue('ingest', { entity: 'sales', path: '/data/sales.csv' });
 * (await queue.get(job.id))?.progress; // 0..1
 * await queue.close(); // before db.close()
 */
export async function openJobQueue(db: Database, options: OpenJobQueueOptions = {}): Promise<JobQueue> {
  const settings = { ...jobSettingsFromEnv(), ...options.settings };
  const handlers = options.handlers ?? jobHandlers;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl) {
    // Loaded on demand: BullMQ and its Redis client take a third of a second to import, which every
    // CLI command would otherwise pay.
    const { RedisJobQueue } = await import('./redis-queue.js');
    return RedisJobQueue.open(db, { redisUrl, handlers, settings });
  }
  return InProcessJobQueue.open(db, {
    handlers,
    settings,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
}
