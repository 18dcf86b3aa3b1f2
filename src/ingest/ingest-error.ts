/**
 * @module ingest/ingest-error
 * Batch-level ingest failures (the whole file is refused) with file and what to do next.
 */

export type IngestErrorCode =
  | 'UNKNOWN_ENTITY'
  | 'MISSING_COLUMNS'
  | 'DUPLICATE_COLUMNS'
  | 'BATCH_EMPTY'
  | 'BATCH_REFUSED'
  | 'CONCURRENT_BATCH';

export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
