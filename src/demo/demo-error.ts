/**
 * @module demo/demo-error
 * The error the demo data generator raises, with a stable code and a message saying what to do.
 */

export type DemoErrorCode = 'DEMO_INVALID_OPTION' | 'DEMO_OUTPUT_FAILED';

export class DemoDataError extends Error {
  override readonly name = 'DemoDataError';
  constructor(
    readonly code: DemoErrorCode,
    message: string,
    /** The option at fault, for `DEMO_INVALID_OPTION`. */
    readonly option?: string,
  ) {
    super(message);
  }
}
