/**
 * @module jobs/redis-queue
 * The queue for many machines: a job's record goes to the `jobs` table, its work to a BullMQ queue
 * on Redis, where `shelfcast worker` processes (see `job-worker.ts`) take it. BullMQ carries the work
 * and the lock on it; the table carries status, progress and the result.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Database } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import { JobError } from './job-error.js';
import { assertKnownJobType, type JobHandler } from './job-handler.js';
import type { JobListFilter, JobQueue, JobRecord, JobStatus } from './job-queue.js';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './job-settings.js';
import { JobStore } from './job-store.js';
import { JOB_QUEUE_NAME, readyWithin, redactRedisUrl, redisConnection } from './redis-connection.js';

export interface RedisQueueOptions {
  redisUrl: string;
  /** The job types workers run: enqueue refuses any other. */
  handlers: Readonly<Record<string, JobHandler>>;
  settings?: Partial<JobSettings>;
}

/** Finished jobs' entries kept in Redis (their records stay in the database regardless). */
const KEEP_FINISHED = { age: 24 * 3600, count: 1000 };

export class RedisJobQueue implements JobQueue {
  readonly kind = 'redis' as const;
  readonly #store: JobStore;
  readonly #queue: Queue;
  readonly #handlers: Readonly<Record<string, JobHandler>>;
  readonly #where: string;

  private constructor(db: Database, queue: Queue, options: RedisQueueOptions) {
    this.#store = new JobStore(db);
    this.#queue = queue;
    this.#handlers = options.handlers;
    this.#where = redactRedisUrl(options.redisUrl);
  }

  /**
   * Connects to Redis; fails with `JOB_QUEUE_UNAVAILABLE` when it cannot be reached.
   *
   * @example
   * const queue = await RedisJobQueue.open(db, { redisUrl: 'redis://127.0.0.1:6379', handlers: jobHandlers });
   */
  static async open(db: Database, options: RedisQueueOptions): Promise<RedisJobQueue> {
    const settings = { ...DEFAULT_JOB_SETTINGS, ...options.settings };
    const queue = new Queue(JOB_QUEUE_NAME, {
      connection: redisConnection(options.redisUrl, 'producer'),
      prefix: settings.queuePrefix,
      defaultJobOptions: {
        // A handler's error is final; a worker that stops mid-job is BullMQ's stall recovery instead.
        attempts: 1,
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
      },
    });
    // Connection errors surface through the calls that fail; unhandled, the event would end the process.
    queue.on('error', () => {});
    try {
      await readyWithin(queue.waitUntilReady(), options.redisUrl);
    } catch (error) {
      await queue.close().catch(() => {});
      throw error;
    }
    return new RedisJobQueue(db, queue, options);
  }

  async enqueue(type: string, payload: JsonValue, options: { createdBy?: string } = {}): Promise<JobRecord> {
    assertKnownJobType(type, this.#handlers);
    const record = await this.#store.insert({
      id: randomUUID(),
      type,
      queue: 'redis',
      payload,
      createdBy: options.createdBy ?? null,
      owner: null,
    });
    try {
      // The payload stays in the database; Redis carries only the job's id (its BullMQ id too).
      await this.#queue.add(type, { jobId: record.id }, { jobId: record.id });
    } catch (error) {
      const message = `Redis at ${this.#where} did not take the job (${(error as Error).message}); it was not queued. Check Redis and enqueue it again.`;
      await this.#store.failOpen(record.id, { code: 'JOB_QUEUE_UNAVAILABLE', message });
      throw new JobError('JOB_QUEUE_UNAVAILABLE', message, { jobId: record.id }, { cause: error });
    }
    return record;
  }

  get(id: string): Promise<JobRecord | null> {
    return this.#store.get(id);
  }

  list(filter?: JobListFilter): Promise<JobRecord[]> {
    return this.#store.list(filter);
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const record = await this.#store.cancel(id);
    if (record?.status === 'cancelled') {
      // A waiting job leaves Redis now; a running one is locked by its worker, which notices the
      // cancellation in its next poll of the record and aborts the handler.
      await this.#queue.remove(record.id).catch(() => {});
    }
    return record;
  }

  counts(): Promise<Record<JobStatus, number>> {
    return this.#store.counts();
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}
