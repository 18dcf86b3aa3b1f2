/**
 * @module jobs/job-handler
 * What runs a job: a handler per job type, given the payload and a context to report progress and
 * notice cancellation. Handlers are listed in `handlers/index.ts`.
 */
import type { Database } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import { JobError } from './job-error.js';

export interface JobContext {
  db: Database;
  jobId: string;
  /**
   * Reports how far the job is (0..1) and what it does now. Cheap to call often: writes are
   * throttled, and it never waits for the database.
   */
  progress(fraction: number, message?: string): void;
  /** Aborts when the job is cancelled, or when its attempt was taken over or interrupted. */
  signal: AbortSignal;
}

/**
 * Runs one job; resolves to its result (plain JSON) or throws. An error with a string `code` keeps
 * that code in the job's record (e.g. `MISSING_COLUMNS` from an ingest), so a user can act on it.
 *
 * @example
 * const echo: JobHandler = async (payload, ctx) => { ctx.progress(1, 'done'); return payload; };
 */
export type JobHandler = (payload: JsonValue, ctx: JobContext) => Promise<JsonValue>;

/** Refuses a job type no handler is registered for, naming the ones that are. */
export function assertKnownJobType(type: string, handlers: Readonly<Record<string, JobHandler>>): void {
  if (!Object.hasOwn(handlers, type)) {
    throw new JobError(
      'UNKNOWN_JOB_TYPE',
      `unknown job type '${type}'; the known types are ${Object.keys(handlers).sort().join(', ')}`,
      { type },
    );
  }
}
