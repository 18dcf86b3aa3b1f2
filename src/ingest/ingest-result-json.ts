/**
 * @module ingest/ingest-result-json
 * The stable JSON shape of a batch result that scripts rely on: `shelfcast ingest --json`, the
 * `ingest` job's result and the API's upload answer all print this.
 */
import type { IngestResult } from './ingest-file.js';

/** The batch result as plain JSON fields (no class instances, no internal state). */
export function ingestResultJson(r: IngestResult) {
  return {
    batchId: r.batchId,
    entity: r.entity,
    file: r.file,
    format: r.format,
    status: r.status,
    rowsRead: r.rowsRead,
    rowsInserted: r.rowsInserted,
    rowsUpdated: r.rowsUpdated,
    rowsUnchanged: r.rowsUnchanged,
    rowsRejected: r.rowsRejected,
    duplicateOf: r.duplicateOf,
    message: r.message,
    issues: r.issues.map((i) => ({ ...i })),
    unknownColumns: r.unknownColumns,
    durationMs: r.durationMs,
  };
}
