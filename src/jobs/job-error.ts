/**
 * @module jobs/job-error
 * Errors of the job queues and the job handlers' own payload checks, each with a stable code and a
 * message saying what to do next.
 */

export type JobErrorCode =
  /** No handler is registered for the job type. */
  | 'UNKNOWN_JOB_TYPE'
  /** The payload does not have the shape the job type needs. */
  | 'INVALID_JOB_PAYLOAD'
  /** The process running the job stopped before it finished. */
  | 'JOB_INTERRUPTED'
  /** The job was cancelled (the reason a cancelled handler's signal carries). */
  | 'JOB_CANCELLED'
  /** The handler failed with an error that has no code of its own. */
  | 'JOB_FAILED'
  /** The training pipeline ran but one of its steps failed. */
  | 'TRAIN_FAILED'
  /** Redis could not be reached or refused the job. */
  | 'JOB_QUEUE_UNAVAILABLE'
  /** An environment variable that tunes the queues holds a value it cannot take. */
  | 'INVALID_JOB_SETTING';

export class JobError extends Error {
  override readonly name = 'JobError';
  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The code and message a failed job records for any thrown value. */
export function jobErrorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code !== '' ? code : 'JOB_FAILED',
      message: error.message || error.name,
    };
  }
  return { code: 'JOB_FAILED', message: String(error) };
}
