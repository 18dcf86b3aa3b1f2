/**
 * @module registry/registry-error
 * Errors of the model registry, each with a stable code and a message saying what to do next.
 */

export type RegistryErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'INVALID_VERSION_REF'
  | 'INVALID_SIGNATURE'
  | 'REASON_REQUIRED'
  | 'METRIC_MISSING'
  | 'INVALID_POLICY'
  | 'NO_CHAMPION'
  | 'INVALID_ROLLBACK';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
