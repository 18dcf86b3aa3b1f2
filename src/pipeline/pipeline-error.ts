/**
 * @module pipeline/pipeline-error
 * Errors of the pipeline module: a step's own failure (which says whether a retry can help), a
 * pipeline definition that cannot run, and a run that cannot start or resume.
 */

/**
 * Thrown by a step to fail it. `retryable: false` says a retry cannot help (bad input data, a
 * contract violation), like Temporal's `ApplicationFailure.nonRetryable`; the runner then stops
 * after this attempt. Errors that are not `StepError` are treated as retryable.
 *
 * @example
 * throw new StepError('the sales snapshot has no rows; widen the date window', { retryable: false });
 */
export class StepError extends Error {
  override readonly name: string = 'StepError';
  readonly retryable: boolean;
  readonly code: string;
  constructor(message: string, options: { retryable?: boolean; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? true;
    this.code = options.code ?? 'STEP_FAILED';
  }

  /** A failure that no retry can fix. */
  static nonRetryable(message: string, code = 'STEP_FAILED'): StepError {
    return new StepError(message, { retryable: false, code });
  }
}

/**
 * Ends a step because its run was cancelled: the runner records the step as `cancelled` (not
 * `failed`), never retries it, and starts no further step. A step may throw it itself; any error a
 * step throws once the run's signal has aborted is taken as this one.
 *
 * @example
 * if (signal?.aborted) throw new RunCancelledError('stopped between trials: the run was cancelled');
 */
export class RunCancelledError extends StepError {
  override readonly name = 'RunCancelledError';
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(reason, { retryable: false, code: 'RUN_CANCELLED', ...options });
  }
}

export type PipelineDefinitionErrorCode = 'PIPELINE_INVALID' | 'STEP_INVALID';

/** A pipeline or step definition that cannot run; `problems` lists every problem found, not just the first. */
export class PipelineDefinitionError extends Error {
  override readonly name = 'PipelineDefinitionError';
  constructor(
    readonly code: PipelineDefinitionErrorCode,
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${subject} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the definition and run again.`,
    );
  }
}

export type PipelineRunErrorCode =
  | 'RUN_PARAMS_INVALID'
  | 'RUN_MISMATCH'
  | 'RUN_NOT_FOUND'
  | 'RUN_LOCKED'
  | 'ARTIFACT_NOT_FOUND';

/** A run that cannot start or resume (bad parameters, a run id that belongs to another pipeline). */
export class PipelineRunError extends Error {
  override readonly name = 'PipelineRunError';
  constructor(
    readonly code: PipelineRunErrorCode,
    message: string,
    readonly runId?: string,
  ) {
    super(message);
  }
}
