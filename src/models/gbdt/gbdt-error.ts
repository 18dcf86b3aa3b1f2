/**
 * @module models/gbdt/gbdt-error
 * The typed error the gradient-boosting engine throws for bad input or parameters.
 */

/** Stable codes a caller can switch on. */
export type GbdtErrorCode = 'GBDT_BAD_INPUT' | 'GBDT_BAD_PARAM' | 'GBDT_BAD_MODEL';

/** Raised when training data, hyperparameters or a serialised model cannot be used. */
export class GbdtError extends Error {
  override readonly name = 'GbdtError';
  constructor(
    readonly code: GbdtErrorCode,
    message: string,
  ) {
    super(message);
  }
}
