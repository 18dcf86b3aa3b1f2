/**
 * @module jobs/testing/demo-ingest
 * A small demo data set, generated and ingested through a job queue, for tests that train on it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateDemoData } from '../../demo/index.js';
import type { JobQueue } from '../job-queue.js';
import { waitForEnd } from './wait-for.js';

/** Demo files in dependency order: each refers only to entities loaded before it. */
const DEMO_FILES: [entity: string, file: string][] = [
  ['suppliers', 'suppliers.csv'],
  ['products', 'products.csv'],
  ['product-suppliers', 'product_suppliers.csv'],
  ['stores', 'stores.csv'],
  ['holidays', 'holidays.csv'],
  ['prices', 'prices.csv'],
  ['promotions', 'promotions.csv'],
  ['sales', 'sales.csv'],
];

/** Writes 2 stores × 5 products × 120 days of demo data to `dir` and ingests it as `ingest` jobs. */
export async function ingestDemoData(queue: JobQueue, dir: string): Promise<void> {
  await generateDemoData({ outDir: dir, stores: 2, products: 5, days: 120, end: '2026-06-30' });
  for (const [entity, file] of DEMO_FILES) {
    const job = await queue.enqueue('ingest', { entity, path: join(dir, file) });
    const done = await waitForEnd(queue, job.id, 60_000);
    assert.equal(
      (done.result as { status: string } | null)?.status,
      'applied',
      `${file}: ${JSON.stringify(done.error)}`,
    );
  }
}
