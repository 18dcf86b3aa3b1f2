/**
 * @module server/data-freshness
 * When each entity last received data: the finish time of its latest applied ingest batch, for the
 * `shelfcast_data_freshness_seconds` metric. One grouped read of the batch table.
 */
import type { Queryable } from '../db/database.js';

/** One row per entity with an applied batch, `finishedAt` in epoch milliseconds. */
export async function lastAppliedBatches(db: Queryable): Promise<{ entity: string; finishedAt: number }[]> {
  const rows = await db.query<{ entity: string; finished_at: Date | string }>(
    `SELECT entity, max(finished_at) AS finished_at FROM ingest_batches
     WHERE status = 'applied' AND finished_at IS NOT NULL GROUP BY entity ORDER BY entity`,
  );
  return rows.map((r) => ({ entity: r.entity, finishedAt: new Date(r.finished_at).getTime() }));
}
