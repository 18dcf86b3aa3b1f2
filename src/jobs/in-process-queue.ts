/**
 * @module jobs/in-process-queue
 * The default queue: handlers run in this process, a few at a time, recorded in the `jobs` table.
 * Nothing else to run. A job survives only as long as the process: on open, jobs that a stopped
 * process left running are marked failed (`JOB_INTERRUPTED`), and jobs it left queued are taken over
 * and run here. On PostgreSQL several processes may each run an in-process queue; each marks its
 * jobs alive every few seconds so the others can tell a stopped one from a busy one.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import { type AttemptOutcome, runJobAttempt } from './job-attempt.js';
import { JobError } from './job-error.js';
import { assertKnownJobType, type JobHandler } from './job-handler.js';
import { describeOwner, newOwnerId, ownerHasStopped } from './job-owner.js';
import type { JobListFilter, JobQueue, JobRecord, JobStatus } from './job-queue.js';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './job-settings.js';
import { JobStore } from './job-store.js';

export interface InProcessQueueOptions {
  handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs run at once (default: the settings' concurrency). */
  concurrency?: number;
  settings?: Partial<JobSettings>;
}

/** How long `close()` waits for aborted handlers to return before it lets them go. */
const CLOSE_SETTLE_MS = 5000;

/** Owner ids of the in-process queues open in this process: never mistaken for stopped ones. */
const openOwners = new Set<string>();

interface RunningJob {
  controller: AbortController;
  attempt: number | undefined;
  progress: number;
  message: string | null;
  done: Promise<void>;
}

export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  /** This queue's owner id in the `jobs` table. */
  readonly owner = newOwnerId('in-process');
  readonly #db: Database;
  readonly #store: JobStore;
  readonly #handlers: Readonly<Record<string, JobHandler>>;
  readonly #settings: JobSettings;
  readonly #concurrency: number;
  #pending: string[] = [];
  readonly #running = new Map<string, RunningJob>();
  #heartbeat: NodeJS.Timeout | undefined;
  #beating = false;
  #closing: Promise<void> | undefined;
  readonly #closeReason = new JobError(
    'JOB_INTERRUPTED',
    'the job queue closed while this job ran (the process stopped); enqueue it again to retry',
  );

  private constructor(db: Database, options: InProcessQueueOptions) {
    this.#db = db;
    this.#store = new JobStore(db);
    this.#handlers = options.handlers;
    this.#settings = { ...DEFAULT_JOB_SETTINGS, ...options.settings };
    this.#concurrency = options.concurrency ?? this.#settings.concurrency;
  }

  /**
   * Opens the queue: recovers what stopped processes left behind, then starts running jobs.
   *
   * @example
   * const queue = await InProcessJobQueue.open(db, { handlers: jobHandlers });
   */
  static async open(db: Database, options: InProcessQueueOptions): Promise<InProcessJobQueue> {
    const queue = new InProcessJobQueue(db, options);
    openOwners.add(queue.owner);
    try {
      await queue.#recover();
    } catch (error) {
      openOwners.delete(queue.owner);
      throw error;
    }
    queue.#heartbeat = setInterval(() => {
      // The embedded database runs one statement at a time: a beat waiting behind a long
      // transaction is not followed by more.
      if (queue.#beating) return;
      queue.#beating = true;
      queue.#store
        .heartbeat(queue.owner)
        .then(() => queue.#recover())
        // The next beat tries again; a database that stays away fails the jobs' own writes.
        .catch(() => {})
        .finally(() => {
          queue.#beating = false;
        });
    }, queue.#settings.heartbeatMs);
    queue.#heartbeat.unref();
    return queue;
  }

  async enqueue(type: string, payload: JsonValue, options: { createdBy?: string } = {}): Promise<JobRecord> {
    if (this.#closing) {
      throw new JobError('JOB_QUEUE_UNAVAILABLE', 'the job queue is closed; open a new one to enqueue jobs');
    }
    assertKnownJobType(type, this.#handlers);
    const record = await this.#store.insert({
      id: randomUUID(),
      type,
      queue: 'in-process',
      payload,
      createdBy: options.createdBy ?? null,
      owner: this.owner,
    });
    this.#pending.push(record.id);
    this.#pump();
    return record;
  }

  async get(id: string): Promise<JobRecord | null> {
    const record = await this.#store.get(id);
    // Progress of a job running here is fresher in memory than in its throttled row.
    const live = record ? this.#running.get(record.id) : undefined;
    if (record?.status === 'running' && live?.attempt === record.attempts) {
      return { ...record, progress: live.progress, message: live.message ?? record.message };
    }
    return record;
  }

  list(filter?: JobListFilter): Promise<JobRecord[]> {
    return this.#store.list(filter);
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const record = await this.#store.cancel(id);
    if (record?.status === 'cancelled') {
      this.#pending = this.#pending.filter((p) => p !== record.id);
      this.#running
        .get(record.id)
        ?.controller.abort(new JobError('JOB_CANCELLED', `job ${record.id} was cancelled`, { jobId: id }));
    }
    return record;
  }

  counts(): Promise<Record<JobStatus, number>> {
    return this.#store.counts();
  }

  /**
   * Stops the queue: running jobs are marked failed (`JOB_INTERRUPTED`) and their handlers' signals
   * abort; queued jobs stay queued for the next queue opened on this database. Close the queue
   * before the database.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#heartbeat);
      openOwners.delete(this.owner);
      this.#pending = [];
      const running = [...this.#running.entries()];
      for (const [id, job] of running) {
        // Recorded before the abort, so a handler that finishes anyway cannot write a result.
        if (job.attempt !== undefined) {
          await this.#store.fail(id, job.attempt, this.#interruption()).catch(() => {});
        }
        job.controller.abort(this.#closeReason);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running.map(([, job]) => job.done)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_SETTLE_MS);
        }),
      ]);
      clearTimeout(timer);
    })();
    return this.#closing;
  }

  #interruption(): { code: string; message: string } {
    return { code: this.#closeReason.code, message: this.#closeReason.message };
  }

  #pump(): void {
    while (!this.#closing && this.#running.size < this.#concurrency && this.#pending.length > 0) {
      const id = this.#pending.shift()!;
      const job: RunningJob = {
        controller: new AbortController(),
        attempt: undefined,
        progress: 0,
        message: null,
        done: Promise.resolve(),
      };
      this.#running.set(id, job);
      job.done = runJobAttempt(id, {
        db: this.#db,
        store: this.#store,
        handlers: this.#handlers,
        owner: this.owner,
        progressIntervalMs: this.#settings.progressIntervalMs,
        cancelPollMs: this.#settings.cancelPollMs,
        signal: job.controller.signal,
        onStart: (_record, attempt) => {
          job.attempt = attempt;
        },
        onProgress: (progress, message) => {
          job.progress = progress;
          job.message = message;
        },
      })
        .then((outcome) => this.#settle(id, outcome))
        .catch((error: unknown) => {
          // The database failed under the job's own bookkeeping: nothing more can be recorded.
          process.emitWarning(`job ${id} could not be run or recorded: ${(error as Error).message}`);
        })
        .finally(() => {
          this.#running.delete(id);
          this.#pump();
        });
    }
  }

  async #settle(id: string, outcome: AttemptOutcome): Promise<void> {
    if (outcome.kind === 'aborted' && outcome.reason === this.#closeReason) {
      await this.#store.fail(id, outcome.attempt, this.#interruption());
    }
  }

  /**
   * Jobs of stopped in-process owners: running ones cannot be resumed (the handler's state died with
   * the process) and are failed with a message naming that process; queued ones are taken over.
   */
  async #recover(): Promise<void> {
    const staleSeconds = Math.max(15, (3 * this.#settings.heartbeatMs) / 1000);
    for (const job of await this.#store.openJobs('in-process', this.owner)) {
      if (this.#closing) return;
      if (!ownerHasStopped(job.owner, job.idleSeconds, staleSeconds, openOwners)) continue;
      if (job.status === 'running') {
        await this.#store.fail(job.id, job.attempts, {
          code: 'JOB_INTERRUPTED',
          message: `${describeOwner(job.owner)} stopped while it ran this job (attempt ${job.attempts}), so it did not finish; enqueue it again to retry.`,
        });
      } else if (await this.#store.adopt(job.id, job.owner, this.owner)) {
        this.#pending.push(job.id);
      }
    }
    this.#pump();
  }
}
