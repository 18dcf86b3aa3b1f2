/**
 * @module serving/serving-error
 * Errors of online and batch serving, each with a stable code and a message saying what to do next.
 * The server maps NO_CHAMPION and UNKNOWN_PAIR to 404, INVALID_REQUEST to 400 and
 * MODEL_ARTIFACT_MISSING to 503 (the model exists but its bundle cannot be served right now).
 */

export type ServingErrorCode = 'NO_CHAMPION' | 'UNKNOWN_PAIR' | 'INVALID_REQUEST' | 'MODEL_ARTIFACT_MISSING';

/** One bad field of a request: where it is and what is wrong with it. */
export interface RequestProblem {
  in: 'body' | 'query' | 'payload';
  path: string;
  message: string;
}

export class ServingError extends Error {
  override readonly name = 'ServingError';
  constructor(
    readonly code: ServingErrorCode,
    message: string,
    /** For INVALID_REQUEST the list of {@link RequestProblem}s; otherwise what the error is about. */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}
