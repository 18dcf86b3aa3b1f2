/**
 * @module jobs/handlers/ingest-job
 * The `ingest` job: one file in as one batch, exactly as `shelfcast ingest` does it, with the rows
 * read as progress. Payload `{ entity, path, format?, maxRejectedShare?, maxUnits? }`; the path is
 * read by the process that runs the job (a worker's, on the Redis queue). Result: the batch, in the
 * shape of `shelfcast ingest --json`. A refused batch is a result (status `refused`), not an error.
 * Cancelling aborts the batch's transaction, so nothing of it stays.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ingestFile } from '../../ingest/ingest-file.js';
import { ingestResultJson } from '../../ingest/ingest-result-json.js';
import type { JsonValue } from '../../pipeline/step.js';
import type { JobHandler } from '../job-handler.js';
import { parsePayload } from './job-payload.js';

const ingestPayload = z.strictObject({
  entity: z.string().min(1),
  path: z.string().min(1),
  format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
  maxRejectedShare: z.number().min(0).max(1).optional(),
  maxUnits: z.number().int().positive().optional(),
});

export type IngestJobPayload = z.input<typeof ingestPayload>;

/**
 * @example
 * await queue.enqueue('ingest', { entity: 'sales', path: '/data/sales-2026-06.csv' });
 */
export const ingestJob: JobHandler = async (payload, ctx) => {
  const p = parsePayload('ingest', ingestPayload, payload);
  ctx.signal.throwIfAborted();
  ctx.progress(0, `reading ${p.path}`);
  const result = await ingestFile(ctx.db, p.entity, resolve(p.path), {
    ...(p.format ? { format: p.format } : {}),
    ...(p.maxRejectedShare !== undefined ? { maxRejectedShare: p.maxRejectedShare } : {}),
    ...(p.maxUnits !== undefined ? { limits: { maxUnitsPerDay: p.maxUnits } } : {}),
    onProgress: ({ rowsRead, estimatedRows }) => {
      // Thrown inside the batch's transaction: a cancelled ingest rolls back whole.
      ctx.signal.throwIfAborted();
      ctx.progress(Math.min(0.99, rowsRead / Math.max(1, estimatedRows)), `${rowsRead} rows read`);
    },
  });
  ctx.progress(1, result.message);
  return ingestResultJson(result) as JsonValue;
};
