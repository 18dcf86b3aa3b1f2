/**
 * @module tracking/tracking-error
 * Errors of experiment tracking, each with a stable code and a message saying what to do next.
 */

export type TrackingErrorCode =
  | 'RUN_NOT_FOUND'
  | 'EXPERIMENT_NOT_FOUND'
  | 'PARAM_CONFLICT'
  | 'INVALID_METRIC'
  | 'INVALID_FILTER'
  | 'ARTIFACT_NOT_FOUND'
  | 'ARTIFACT_CORRUPT'
  /** The artifact store is configured wrongly (e.g. SHELFCAST_ARTIFACTS set, credentials missing). */
  | 'ARTIFACT_STORE_CONFIG'
  /** A request to the artifact store failed (refused, denied, no such bucket, server errors). */
  | 'ARTIFACT_STORE_FAILED';

export class TrackingError extends Error {
  override readonly name = 'TrackingError';
  constructor(
    readonly code: TrackingErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
