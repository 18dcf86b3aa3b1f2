/**
 * @module pipeline-config/pipeline-config-error
 * The typed error of a pipeline config file: which file, which key (as a dotted path) and what to change.
 */

export type PipelineConfigErrorCode = 'CONFIG_NOT_FOUND' | 'CONFIG_SYNTAX' | 'CONFIG_INVALID';

/** One problem with one key of a config, e.g. `{ path: 'algorithms.ets.space.model', message: 'expected one of …' }`. */
export interface PipelineConfigIssue {
  readonly path: string;
  readonly message: string;
}

export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
  constructor(
    readonly code: PipelineConfigErrorCode,
    message: string,
    /** Every bad key found, so a user can fix them all in one pass. */
    readonly issues: readonly PipelineConfigIssue[] = [],
    /** The config file, when the config came from one. */
    readonly file?: string,
  ) {
    super(message);
  }
}
