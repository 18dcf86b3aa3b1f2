/**
 * @module tuning/tuning-error
 * The typed errors of the tuning module, each with a stable code and a message that says what to change.
 */

export type TuningErrorCode =
  | 'SEARCH_SPACE_UNKNOWN_PARAMETER'
  | 'SEARCH_SPACE_BAD_RANGE'
  | 'SEARCH_SPACE_BAD_CHOICE'
  | 'SEARCH_SPACE_BAD_VALUE'
  | 'SAMPLER_BAD_OPTIONS'
  | 'STUDY_BAD_OPTIONS'
  | 'PRUNER_BAD_OPTIONS'
  | 'TUNING_BAD_OPTIONS';

export class TuningError extends Error {
  override readonly name = 'TuningError';
  constructor(
    readonly code: TuningErrorCode,
    message: string,
    /** The hyperparameter the error is about, when there is one. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}
