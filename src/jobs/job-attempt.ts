/**
 * @module jobs/job-attempt
 * One attempt at one job, the same for both queues: claim the job in the `jobs` table, run its
 * handler with a progress reporter and an abort signal, and record the outcome under the attempt's
 * number. A job cancelled elsewhere, or taken over by another attempt, is noticed by a poll of its
 * row and aborts this attempt's signal.
 */
import type { Database } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import { JobError, jobErrorInfo } from './job-error.js';
import type { JobHandler } from './job-handler.js';
import type { JobRecord } from './job-queue.js';
import type { JobStore } from './job-store.js';

export interface AttemptOptions {
  db: Database;
  store: JobStore;
  handlers: Readonly<Record<string, JobHandler>>;
  owner: string;
  progressIntervalMs: number;
  cancelPollMs: number;
  /** Aborted by the queue itself (closing, releasing); the queue then records what happened. */
  signal?: AbortSignal;
  /** Sees the attempt start, with the job as it was claimed. */
  onStart?: (record: JobRecord, attempt: number) => void;
  /** Sees every progress report at once (before the throttled write). */
  onProgress?: (progress: number, message: string | null) => void;
}

export type AttemptOutcome =
  /** The job was not there to run: unknown, cancelled before it started or finished already. */
  | { kind: 'skipped' }
  | { kind: 'succeeded'; attempt: number; written: boolean }
  | { kind: 'failed'; attempt: number; error: { code: string; message: string }; written: boolean }
  /** The attempt's signal aborted: cancelled, taken over, or stopped by its queue. */
  | { kind: 'aborted'; attempt: number; reason: unknown };

/**
 * Runs one attempt of job `id`. `written` tells whether this attempt's outcome was recorded; it is
 * false when the job was cancelled or taken over while the handler ran (its outcome is then dropped).
 */
export async function runJobAttempt(id: string, options: AttemptOptions): Promise<AttemptOutcome> {
  const { store } = options;
  const claimed = await store.start(id, options.owner);
  if (!claimed) return { kind: 'skipped' };
  const { record, attempt } = claimed;
  options.onStart?.(record, attempt);
  // Stopped while the claim was in flight: the queue records what happened to this attempt.
  if (options.signal?.aborted) return { kind: 'aborted', attempt, reason: options.signal.reason };

  const handler = options.handlers[record.type];
  if (!handler) {
    const error = {
      code: 'UNKNOWN_JOB_TYPE',
      message: `no handler for job type '${record.type}' in this process; known types: ${Object.keys(options.handlers).join(', ')}. Run a shelfcast version that knows it.`,
    };
    return { kind: 'failed', attempt, error, written: await store.fail(id, attempt, error) };
  }

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const progress = new ProgressWriter(store, id, attempt, options.progressIntervalMs, options.onProgress);
  let polling = false;
  const poll = setInterval(() => {
    // The embedded database runs one statement at a time: a poll waiting behind the handler's
    // transaction is not joined by more.
    if (polling) return;
    polling = true;
    store
      .attemptState(id)
      .finally(() => {
        polling = false;
      })
      .then(
        (state) => {
          if (controller.signal.aborted) return;
          if (!state || state.status === 'cancelled') {
            controller.abort(new JobError('JOB_CANCELLED', `job ${id} was cancelled`, { jobId: id }));
          } else if (state.attempts !== attempt || state.status !== 'running') {
            controller.abort(
              new JobError(
                'JOB_INTERRUPTED',
                `attempt ${attempt} of job ${id} no longer holds it (now ${state.status}, attempt ${state.attempts})`,
                { jobId: id },
              ),
            );
          }
        },
        // A failed poll (database briefly away) is retried at the next tick.
        () => {},
      );
  }, options.cancelPollMs);
  poll.unref();

  try {
    const value = await handler(record.payload, {
      db: options.db,
      jobId: id,
      signal: controller.signal,
      progress: (fraction, message) => progress.report(fraction, message),
    });
    await progress.stop();
    if (controller.signal.aborted) return { kind: 'aborted', attempt, reason: controller.signal.reason };
    const written = await store.succeed(id, attempt, toJson(value), progress.message);
    return { kind: 'succeeded', attempt, written };
  } catch (thrown) {
    await progress.stop();
    if (controller.signal.aborted) return { kind: 'aborted', attempt, reason: controller.signal.reason };
    const error = jobErrorInfo(thrown);
    return { kind: 'failed', attempt, error, written: await store.fail(id, attempt, error) };
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** A handler's result as stored: plain JSON (undefined becomes null, dates become strings). */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/**
 * Throttles progress writes: the first report is written at once, later ones at most every
 * `intervalMs`, and the latest one is never lost (a trailing write). One write is in flight at a time.
 */
class ProgressWriter {
  progress = 0;
  message: string | null = null;
  readonly #store: JobStore;
  readonly #id: string;
  readonly #attempt: number;
  readonly #intervalMs: number;
  readonly #onProgress: AttemptOptions['onProgress'];
  #lastWrite = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(
    store: JobStore,
    id: string,
    attempt: number,
    intervalMs: number,
    onProgress: AttemptOptions['onProgress'],
  ) {
    this.#store = store;
    this.#id = id;
    this.#attempt = attempt;
    this.#intervalMs = intervalMs;
    this.#onProgress = onProgress;
  }

  report(fraction: number, message: string | undefined): void {
    if (this.#stopped) return;
    this.progress = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : this.progress;
    if (message !== undefined) this.message = message;
    this.#onProgress?.(this.progress, this.message);
    this.#dirty = true;
    if (this.#timer) return;
    const wait = this.#lastWrite + this.#intervalMs - Date.now();
    this.#timer = setTimeout(() => this.#write(), Math.max(0, wait));
    this.#timer.unref();
  }

  #write(): void {
    this.#timer = undefined;
    if (!this.#dirty || this.#stopped) return;
    this.#dirty = false;
    this.#lastWrite = Date.now();
    const { progress, message } = this;
    this.#inflight = this.#inflight
      .then(() => this.#store.progress(this.#id, this.#attempt, progress, message))
      // Progress is advisory: a failed write is superseded by the next one or by the outcome.
      .catch(() => {});
  }

  /** Stops writing and waits for the write in flight, so it cannot land after the outcome. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inflight;
  }
}
