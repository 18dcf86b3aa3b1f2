/**
 * Cancelling a running train job stops its pipeline: the search stops between trials, no later step
 * starts (no model is registered), the run is recorded as cancelled at the train step, and the job
 * stays cancelled, with nothing written to it afterwards. On both queues: in-process (the abort
 * reaches the handler directly) and Redis (the worker notices the cancellation by polling the row).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Database } from '../../db/database.js';
import { openTestDatabase, testBackend } from '../../db/testing/test-database.js';
import { tempDir } from '../../io/testing/temp-dir.js';
import { type RunRecord, readRunRecord } from '../../pipeline/run-state.js';
import type { JobQueue, JobRecord } from '../job-queue.js';
import { JobStore } from '../job-store.js';
import { type JobWorkerEvent, startJobWorker } from '../job-worker.js';
import { openJobQueue } from '../open-job-queue.js';
import { RedisJobQueue } from '../redis-queue.js';
import { ingestDemoData } from '../testing/demo-ingest.js';
import {
  FAST_JOB_SETTINGS,
  redisUnavailable,
  removeQueueKeys,
  TEST_REDIS_URL,
  testQueuePrefix,
} from '../testing/redis-test.js';
import { waitFor } from '../testing/wait-for.js';
import { jobHandlers } from './index.js';

const b = testBackend();
const redisMissing = await redisUnavailable();

const config = {
  name: 'cancel-demand',
  horizon: 7,
  backtest: { folds: 3 },
  // Far more trials than the test waits for: only a stop between trials ends the search in time.
  algorithms: { 'moving-average': { trials: 1000, space: { window: { min: 2, max: 60 } } } },
  data: { days: 90 },
  partitionBy: 'none',
};

/** Starts a train job, cancels it once its search is under way; returns the job as cancelled. */
async function startAndCancel(queue: JobQueue): Promise<JobRecord> {
  const job = await queue.enqueue('train', { config });
  // Or anything later: a search that held the event loop to itself is only seen once it is over.
  await waitFor(
    'the train step to report a trial',
    async () => {
      const seen = await queue.get(job.id);
      if (!seen || seen.status === 'queued') return false;
      return seen.status !== 'running' || /^(train: .*trial|evaluate|fit|register)/.test(seen.message ?? '');
    },
    120_000,
  );
  const cancelled = await queue.cancel(job.id);
  assert.equal(
    cancelled?.status,
    'cancelled',
    `the job ended before it was cancelled: ${cancelled?.message}`,
  );
  return cancelled!;
}

/** The one pipeline run under `home`, once it has ended. */
function endedRun(home: string): Promise<RunRecord> {
  return waitFor(
    'the pipeline run to end',
    () => {
      const runs = join(home, 'pipeline-runs');
      const [id] = readdirSync(runs);
      const record = id ? readRunRecord(join(runs, id)) : undefined;
      return record && record.status !== 'running' ? record : null;
    },
    // Far less than the 1000 trials would take.
    60_000,
  );
}

async function assertStoppedAtTrain(run: RunRecord, db: Database): Promise<void> {
  assert.equal(run.status, 'cancelled', JSON.stringify(run.steps, null, 1));
  assert.equal(run.cancelled?.step, 'train');
  assert.match(run.cancelled?.reason ?? '', /was cancelled/);
  for (const step of ['snapshot', 'validate', 'prepare', 'partition'])
    assert.equal(run.steps[step]?.status, 'succeeded', step);
  const train = run.steps.train!;
  assert.equal(train.status, 'cancelled');
  assert.equal(train.error?.code, 'RUN_CANCELLED');
  assert.equal(train.attempts, 1);
  assert.match(readFileSync(train.logFile, 'utf8'), /cancelled during attempt 1/);
  for (const step of ['evaluate', 'fit', 'register', 'batch-forecast']) {
    assert.equal(run.steps[step]?.status, 'skipped', step);
    assert.equal(run.steps[step]?.startedAt, undefined, `${step} never started`);
  }
  const [versions] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM model_versions v JOIN registered_models m USING (model_id)
     WHERE m.name = $1`,
    [config.name],
  );
  assert.equal(versions?.n, 0, 'no model was registered');
}

test(`[${b}] [in-process] cancelling a train job stops its pipeline before register`, async (t) => {
  const db = await openTestDatabase();
  const home = tempDir('train-cancel');
  process.env.SHELFCAST_HOME = home;
  const queue = await openJobQueue(db, { redisUrl: '', concurrency: 1, settings: FAST_JOB_SETTINGS });
  t.after(async () => {
    await queue.close();
    await db.close();
  });
  await ingestDemoData(queue, join(home, 'demo'));

  const cancelled = await startAndCancel(queue);
  await assertStoppedAtTrain(await endedRun(home), db);
  // Closing waits for the handler to return; its outcome (and any late progress) is not written.
  await queue.close();
  assert.deepEqual(await new JobStore(db).get(cancelled.id), cancelled);
});

test(`[${b}] [redis] cancelling a train job through the queue stops the worker's pipeline before register`, {
  skip: redisMissing ? `needs Redis: ${redisMissing}` : false,
}, async (t) => {
  const db = await openTestDatabase();
  const home = tempDir('train-cancel-redis');
  process.env.SHELFCAST_HOME = home;
  const settings = { ...FAST_JOB_SETTINGS, queuePrefix: testQueuePrefix() };
  const events: JobWorkerEvent[] = [];
  const worker = await startJobWorker(db, {
    redisUrl: TEST_REDIS_URL,
    handlers: jobHandlers,
    concurrency: 1,
    settings,
    onEvent: (e) => events.push(e),
  });
  // The queue the API would use: it shares nothing with the worker but the database and Redis.
  const queue = await RedisJobQueue.open(db, { redisUrl: TEST_REDIS_URL, handlers: jobHandlers, settings });
  t.after(async () => {
    await queue.close();
    await worker.close();
    await removeQueueKeys(settings.queuePrefix);
    await db.close();
  });
  await ingestDemoData(queue, join(home, 'demo'));

  const cancelled = await startAndCancel(queue);
  await assertStoppedAtTrain(await endedRun(home), db);
  const dropped = await waitFor('the worker to drop the job', () =>
    events.find((e) => e.type === 'dropped' && e.jobId === cancelled.id),
  );
  assert.match((dropped as { reason: string }).reason, /was cancelled/);
  assert.ok(!events.some((e) => e.type === 'failed' && e.jobId === cancelled.id));
  assert.deepEqual(await queue.get(cancelled.id), cancelled, 'nothing was written after the cancellation');
});
