/**
 * @module jobs/job-worker
 * A worker for the Redis queue: takes jobs from BullMQ and runs their handlers in this process,
 * recording each attempt in the `jobs` table. Any number of workers on any number of machines share
 * one queue; BullMQ's lock on a job expires when its worker stops, and another worker runs it again
 * as a new attempt. Workers also put back jobs Redis lost (see `redis-reconcile.ts`). `shelfcast
 * worker` runs one.
 */
import { type Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Database } from '../db/database.js';
import { runJobAttempt } from './job-attempt.js';
import { JobError } from './job-error.js';
import type { JobHandler } from './job-handler.js';
import { describeOwner, newOwnerId } from './job-owner.js';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './job-settings.js';
import { JobStore } from './job-store.js';
import { JOB_QUEUE_NAME, readyWithin, redisConnection } from './redis-connection.js';
import { reconcileRedisJobs } from './redis-reconcile.js';

export interface JobWorkerOptions {
  redisUrl: string;
  handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs run at once (default: the settings' concurrency). */
  concurrency?: number;
  settings?: Partial<JobSettings>;
  /** Sees every job start and end, for logs. */
  onEvent?: (event: JobWorkerEvent) => void;
}

export type JobWorkerEvent =
  | { type: 'started'; jobId: string; jobType: string; attempt: number }
  | { type: 'succeeded'; jobId: string; attempt: number; durationMs: number }
  | { type: 'failed'; jobId: string; attempt: number | null; code: string; message: string }
  /** Cancelled, taken over by another attempt, or gone before it started: nothing recorded here. */
  | { type: 'dropped'; jobId: string; reason: string }
  | { type: 'released'; jobId: string; attempt: number }
  /** Put back into Redis after Redis lost it: waiting, or running on a worker that stopped. */
  | { type: 'requeued'; jobId: string; reason: 'lost while queued' | 'lost while its worker stopped' }
  | { type: 'error'; message: string };

export interface JobWorker {
  /** This worker's owner id in the `jobs` table (`worker/<host>/<pid>/<instance>`). */
  readonly owner: string;
  /** Jobs running now. */
  readonly active: number;
  /**
   * Stops taking jobs, waits up to the shutdown grace for the running ones to finish, then hands
   * the rest back to the queue for another worker (their handlers' signals abort).
   */
  close(): Promise<{ released: string[] }>;
}

/** Workers alive in this process: reconciling never judges them stopped (they share its pid). */
const liveWorkers = new Set<string>();

/** How long a stopping worker waits for aborted handlers before it closes anyway. */
const RELEASE_SETTLE_MS = 5000;

interface ActiveJob {
  controller: AbortController;
  attempt: number | undefined;
  done: Promise<void>;
}

/**
 * Starts a worker on the queue at `redisUrl`.
 *
 * @example
 * const worker = await startJobWorker(db, { redisUrl: process.env.REDIS_URL!, handlers: jobHandlers });
 * process.once('SIGTERM', () => worker.close());
 */
export async function startJobWorker(db: Database, options: JobWorkerOptions): Promise<JobWorker> {
  const settings = { ...DEFAULT_JOB_SETTINGS, ...options.settings };
  const store = new JobStore(db);
  const owner = newOwnerId('worker');
  const emit = (event: JobWorkerEvent) => options.onEvent?.(event);
  const active = new Map<string, ActiveJob>();
  const release = new JobError('JOB_INTERRUPTED', 'the worker is stopping; the job goes back to the queue');
  const releaseMessage = `released by ${describeOwner(owner)}, which stopped; waiting for another worker`;

  const processJob = async (job: Job, token: string | undefined): Promise<null> => {
    const id = job.id!;
    const started = Date.now();
    let finished: () => void = () => {};
    const entry: ActiveJob = {
      controller: new AbortController(),
      attempt: undefined,
      // Settles when this function returns, after any hand-back to the queue, not just the handler.
      done: new Promise<void>((resolve) => {
        finished = resolve;
      }),
    };
    const run = runJobAttempt(id, {
      db,
      store,
      handlers: options.handlers,
      owner,
      progressIntervalMs: settings.progressIntervalMs,
      cancelPollMs: settings.cancelPollMs,
      signal: entry.controller.signal,
      onStart: (record, attempt) => {
        entry.attempt = attempt;
        emit({ type: 'started', jobId: id, jobType: record.type, attempt });
      },
    });
    active.set(id, entry);
    try {
      const outcome = await run;
      switch (outcome.kind) {
        case 'skipped':
          emit({ type: 'dropped', jobId: id, reason: 'cancelled or finished before it started' });
          return null;
        case 'succeeded':
          if (outcome.written) {
            emit({
              type: 'succeeded',
              jobId: id,
              attempt: outcome.attempt,
              durationMs: Date.now() - started,
            });
          } else emit({ type: 'dropped', jobId: id, reason: 'cancelled or taken over while it ran' });
          return null;
        case 'failed':
          if (!outcome.written) {
            emit({
              type: 'dropped',
              jobId: id,
              reason: `cancelled or taken over while it ran (${outcome.error.message})`,
            });
            return null;
          }
          emit({ type: 'failed', jobId: id, attempt: outcome.attempt, ...outcome.error });
          // Final: BullMQ keeps it as failed and never retries a handler's error.
          throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
        case 'aborted':
          if (outcome.reason === release) {
            await store.release(id, outcome.attempt, releaseMessage);
            try {
              // Straight back to waiting, so another worker need not wait for the lock to expire.
              if (token) await job.moveToWait(token);
            } catch (error) {
              // The lock then expires and the stall check hands the job on, seconds later.
              emit({ type: 'error', message: `job ${id}: ${(error as Error).message}` });
            }
            emit({ type: 'released', jobId: id, attempt: outcome.attempt });
            throw new WaitingError();
          }
          emit({ type: 'dropped', jobId: id, reason: errorMessage(outcome.reason) });
          return null;
      }
    } finally {
      active.delete(id);
      finished();
    }
  };

  const worker = new Worker(JOB_QUEUE_NAME, processJob, {
    connection: redisConnection(options.redisUrl, 'worker'),
    prefix: settings.queuePrefix,
    concurrency: options.concurrency ?? settings.concurrency,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalls,
    autorun: false,
  });
  worker.on('error', (error) => emit({ type: 'error', message: error.message }));
  worker.on('failed', (job, error) => {
    if (!job?.id) return;
    // A job BullMQ failed without running it (its workers stopped more often than allowed) is still
    // open in the table; a handler's failure was recorded already and this changes nothing.
    const stalled = /stalled more than/.test(error.message);
    const failure = {
      code: stalled ? 'JOB_INTERRUPTED' : 'JOB_FAILED',
      message: stalled
        ? `the workers running this job stopped ${settings.maxStalls + 1} times, so it was given up; check the workers' logs (killed? out of memory?) and enqueue it again.`
        : error.message,
    };
    store
      .failOpen(job.id, failure)
      .then((changed) => {
        if (changed) emit({ type: 'failed', jobId: job.id!, attempt: null, ...failure });
      })
      .catch((e: Error) => emit({ type: 'error', message: e.message }));
  });
  try {
    await readyWithin(worker.waitUntilReady(), options.redisUrl);
  } catch (error) {
    await worker.close(true).catch(() => {});
    throw error;
  }
  void worker.run().catch((error: Error) => emit({ type: 'error', message: error.message }));
  liveWorkers.add(owner);

  // Jobs Redis lost: put back now and every reconcileMs.
  const producer = new Queue(JOB_QUEUE_NAME, {
    connection: redisConnection(options.redisUrl, 'producer'),
    prefix: settings.queuePrefix,
  });
  producer.on('error', () => {});
  let reconciling: Promise<void> | null = null;
  const reconcile = () => {
    reconciling ??= reconcileRedisJobs(store, producer, {
      liveHere: liveWorkers,
      // Running workers write only with progress; ten lock periods of silence elsewhere is stopped.
      staleSeconds: Math.max(60, (settings.lockMs * 10) / 1000),
    })
      .then(({ requeued, recovered }) => {
        for (const jobId of requeued) emit({ type: 'requeued', jobId, reason: 'lost while queued' });
        for (const jobId of recovered)
          emit({ type: 'requeued', jobId, reason: 'lost while its worker stopped' });
      })
      .catch((error: Error) => emit({ type: 'error', message: `reconciling with Redis: ${error.message}` }))
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  };
  void reconcile();
  const reconcileTimer = setInterval(reconcile, settings.reconcileMs);
  reconcileTimer.unref();

  let closing: Promise<{ released: string[] }> | undefined;
  return {
    owner,
    get active() {
      return active.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(reconcileTimer);
        await reconciling;
        liveWorkers.delete(owner);
        await producer.close().catch(() => {});
        await worker.pause(true);
        await settleWithin(
          [...active.values()].map((a) => a.done),
          settings.shutdownGraceMs,
        );
        const released: string[] = [];
        for (const [id, entry] of active) {
          // Recorded first: a handler that ignores its signal cannot write a result afterwards.
          if (entry.attempt !== undefined && (await store.release(id, entry.attempt, releaseMessage))) {
            released.push(id);
          }
          entry.controller.abort(release);
        }
        await settleWithin(
          [...active.values()].map((a) => a.done),
          RELEASE_SETTLE_MS,
        );
        // A handler still running keeps its BullMQ lock until it expires; then another worker runs the job.
        await worker.close(active.size > 0);
        return { released };
      })();
      return closing;
    },
  };
}

async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
