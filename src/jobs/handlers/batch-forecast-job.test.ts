import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../../db/testing/test-database.js';
import { promote } from '../../registry/promotion.js';
import { readBatchForecasts } from '../../serving/batch-forecasts.js';
import { fixtureBundle, registerBundle } from '../../serving/testing/serving-fixture.js';
import { FilesystemArtifactStore } from '../../tracking/filesystem-artifact-store.js';
import { JobError } from '../job-error.js';
import type { JobContext } from '../job-handler.js';
import { openJobQueue } from '../open-job-queue.js';
import { waitForEnd } from '../testing/wait-for.js';
import { batchForecastJob } from './batch-forecast-job.js';

const b = testBackend();

test(`[${b}] the batch-forecast job forecasts the champion into the database and reports progress`, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'shelfcast-job-'));
  const previous = process.env.SHELFCAST_HOME;
  process.env.SHELFCAST_HOME = home;
  const db = await openTestDatabase();
  t.after(async () => {
    await db.close();
    if (previous === undefined) delete process.env.SHELFCAST_HOME;
    else process.env.SHELFCAST_HOME = previous;
    rmSync(home, { recursive: true, force: true });
  });
  const bundle = fixtureBundle({ stores: 1, products: 4, models: ['theta'], horizon: 5 });
  const v = await registerBundle(db, FilesystemArtifactStore.fromEnv(), 'demand', bundle);
  await promote(db, { model: 'demand', version: v.version }, { reason: 'test', actor: 'test' });
  const progress: [number, string | undefined][] = [];
  const ctx: JobContext = {
    db,
    jobId: 'job-1',
    progress: (fraction, message) => progress.push([fraction, message]),
    signal: new AbortController().signal,
  };
  const result = (await batchForecastJob({ model: 'demand' }, ctx)) as Record<string, unknown>;
  assert.deepEqual([result.model, result.version, result.pairs, result.rows], ['demand', 1, 4, 20]);
  assert.equal((await readBatchForecasts(db, {})).total, 20);
  assert.equal(progress.at(-1)?.[0], 1);
  assert.match(progress.at(-1)?.[1] ?? '', /20 forecast rows/);
  assert.equal(((await batchForecastJob({}, ctx)) as { rows: number }).rows, 20);

  for (const bad of [[], 'demand', { model: 7 }, { model: '' }, { model: 'demand', extra: 1 }]) {
    await assert.rejects(
      batchForecastJob(bad, ctx),
      (e: unknown) => e instanceof JobError && e.code === 'INVALID_JOB_PAYLOAD',
    );
  }

  // Through the queue, as the API enqueues it.
  const queue = await openJobQueue(db, { redisUrl: '' });
  try {
    const job = await queue.enqueue('batch-forecast', { model: 'demand' });
    const done = await waitForEnd(queue, job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress, 1);
    assert.equal((done.result as { rows: number }).rows, 20);
  } finally {
    await queue.close();
  }
});
