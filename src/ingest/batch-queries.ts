/**
 * @module ingest/batch-queries
 * Reads ingestion history: batches, their reports, column statistics and quarantined rows.
 */
import type { Queryable } from '../db/database.js';
import type { ColumnStats } from '../validation/column-stats.js';

export interface BatchSummary {
  batchId: number;
  entity: string;
  sourceFile: string;
  sourceFormat: string;
  status: string;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRejected: number;
  duplicateOf: number | null;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface QuarantinedRow {
  line: number;
  field: string | null;
  code: string;
  reason: string;
  raw: Record<string, unknown>;
}

export interface BatchDetail extends BatchSummary {
  report: Record<string, unknown>;
  columnStats: ColumnStats[];
  quarantine: QuarantinedRow[];
}

const SUMMARY_COLUMNS = `batch_id, entity, source_file, source_format, status, rows_read, rows_inserted, rows_updated,
  rows_unchanged, rows_rejected, duplicate_of, message, started_at, finished_at`;

interface BatchRow {
  batch_id: number;
  entity: string;
  source_file: string;
  source_format: string;
  status: string;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  duplicate_of: number | null;
  message: string | null;
  started_at: Date;
  finished_at: Date | null;
  report?: Record<string, unknown>;
}

function toSummary(r: BatchRow): BatchSummary {
  return {
    batchId: Number(r.batch_id),
    entity: r.entity,
    sourceFile: r.source_file,
    sourceFormat: r.source_format,
    status: r.status,
    rowsRead: Number(r.rows_read),
    rowsInserted: Number(r.rows_inserted),
    rowsUpdated: Number(r.rows_updated),
    rowsUnchanged: Number(r.rows_unchanged),
    rowsRejected: Number(r.rows_rejected),
    duplicateOf: r.duplicate_of === null ? null : Number(r.duplicate_of),
    message: r.message,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

export async function listBatches(
  db: Queryable,
  options: { entity?: string; limit?: number } = {},
): Promise<BatchSummary[]> {
  const rows = await db.query<BatchRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM ingest_batches WHERE ($1::text IS NULL OR entity = $1)
     ORDER BY batch_id DESC LIMIT $2`,
    [options.entity ?? null, options.limit ?? 50],
  );
  return rows.map(toSummary);
}

export async function getBatch(
  db: Queryable,
  batchId: number,
  quarantineLimit = 100,
): Promise<BatchDetail | null> {
  const rows = await db.query<BatchRow>(
    `SELECT ${SUMMARY_COLUMNS}, report FROM ingest_batches WHERE batch_id = $1`,
    [batchId],
  );
  const row = rows[0];
  if (!row) return null;
  const stats = await db.query<{
    column_name: string;
    count: number;
    missing: number;
    min_value: string | null;
    max_value: string | null;
    mean: number | null;
    stddev: number | null;
    quantiles: Record<string, number> | null;
    distinct_count: number;
  }>('SELECT * FROM batch_column_stats WHERE batch_id = $1 ORDER BY column_name', [batchId]);
  const quarantine = await db.query<QuarantinedRow>(
    'SELECT line, field, code, reason, raw FROM quarantine_rows WHERE batch_id = $1 ORDER BY line LIMIT $2',
    [batchId, quarantineLimit],
  );
  return {
    ...toSummary(row),
    report: row.report ?? {},
    columnStats: stats.map((s) => ({
      column: s.column_name,
      count: Number(s.count),
      missing: Number(s.missing),
      min: s.min_value,
      max: s.max_value,
      mean: s.mean,
      stddev: s.stddev,
      quantiles: s.quantiles,
      distinct: Number(s.distinct_count),
    })),
    quarantine: quarantine.map((q) => ({ ...q, line: Number(q.line) })),
  };
}

/** All quarantined rows of a batch, streamed in pages (for exports). */
export async function quarantinedRows(db: Queryable, batchId: number): Promise<QuarantinedRow[]> {
  return db.query<QuarantinedRow>(
    'SELECT line, field, code, reason, raw FROM quarantine_rows WHERE batch_id = $1 ORDER BY line',
    [batchId],
  );
}
