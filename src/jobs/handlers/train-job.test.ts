import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../../db/testing/test-database.js';
import { tempDir } from '../../io/testing/temp-dir.js';
import type { JobRecord } from '../job-queue.js';
import { openJobQueue } from '../open-job-queue.js';
import { ingestDemoData } from '../testing/demo-ingest.js';
import { FAST_JOB_SETTINGS } from '../testing/redis-test.js';
import { waitFor, waitForEnd } from '../testing/wait-for.js';

const b = testBackend();

test(`[${b}] a train job with an inline config runs the pipeline on ingested data and registers a model`, async (t) => {
  const db = await openTestDatabase();
  // Pipeline runs, the step cache and artifacts live under SHELFCAST_HOME.
  process.env.SHELFCAST_HOME = tempDir('train-job');
  const queue = await openJobQueue(db, { redisUrl: '', concurrency: 1, settings: FAST_JOB_SETTINGS });
  t.after(async () => {
    await queue.close();
    await db.close();
  });
  await ingestDemoData(queue, join(process.env.SHELFCAST_HOME, 'demo'));

  const config = {
    name: 'job-demand',
    horizon: 7,
    backtest: { folds: 2 },
    algorithms: { 'moving-average': { trials: 1 } },
    data: { days: 90 },
    partitionBy: 'none',
  };
  const job = await queue.enqueue('train', { config }, { createdBy: 'ana' });
  const seen: JobRecord[] = [];
  const done = await waitFor(
    'the train job to finish',
    async () => {
      const j = await queue.get(job.id);
      if (j) seen.push(j);
      return j && ['succeeded', 'failed'].includes(j.status) ? j : null;
    },
    180_000,
  );
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const summary = done.result as {
    status: string;
    runId: string;
    steps: { name: string; status: string }[];
    outputs: { register?: { registration?: { model: string; version: number } } };
  };
  assert.equal(summary.status, 'succeeded');
  assert.ok(
    summary.steps.every((s) => s.status === 'succeeded'),
    JSON.stringify(summary.steps),
  );
  assert.equal(summary.outputs.register?.registration?.model, 'job-demand');
  assert.equal(done.message, `registered job-demand v${summary.outputs.register?.registration?.version}`);
  const [version] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM model_versions v JOIN registered_models m USING (model_id) WHERE m.name = 'job-demand'`,
  );
  assert.equal(version?.n, 1);
  assert.ok(
    seen.some(
      (j) =>
        j.status === 'running' &&
        j.progress > 0 &&
        j.progress < 1 &&
        /running|succeeded/.test(j.message ?? ''),
    ),
    'step progress was seen while the pipeline ran',
  );

  // A config with a bad key fails the job before anything runs, naming the key.
  const bad = await waitForEnd(
    queue,
    (await queue.enqueue('train', { config: { ...config, horizon: -1 } })).id,
  );
  assert.equal(bad.error?.code, 'CONFIG_INVALID');
  assert.match(bad.error?.message ?? '', /horizon/);
  const missing = await waitForEnd(
    queue,
    (await queue.enqueue('train', { configPath: '/nonexistent.yaml' })).id,
  );
  assert.equal(missing.error?.code, 'CONFIG_NOT_FOUND');
});
