/**
 * @module features/feature-error
 * The typed error feature computation throws for input it cannot use.
 */

export type FeatureErrorCode = 'FEATURE_BAD_DATE' | 'FEATURE_BAD_INPUT' | 'FEATURE_BAD_SPEC';

/** Raised for an unparseable date, inconsistent series or an unusable feature specification. */
export class FeatureError extends Error {
  override readonly name = 'FeatureError';
  constructor(
    readonly code: FeatureErrorCode,
    message: string,
  ) {
    super(message);
  }
}
