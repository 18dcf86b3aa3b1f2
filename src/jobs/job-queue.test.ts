/**
 * One contract suite, both queues: the in-process queue, and the Redis queue with a worker on the
 * real Redis. The job types here are the real ones (`ingest`) plus a few whose behaviour the test
 * controls (progress steps, failures, waiting for cancellation).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { fixtureDir } from '../ingest/testing/ingest-fixtures.js';
import { jobHandlers } from './handlers/index.js';
import type { JobHandler } from './job-handler.js';
import type { JobQueue } from './job-queue.js';
import { type JobWorker, startJobWorker } from './job-worker.js';
import { openJobQueue } from './open-job-queue.js';
import {
  FAST_JOB_SETTINGS,
  redisUnavailable,
  removeQueueKeys,
  TEST_REDIS_URL,
  testQueuePrefix,
} from './testing/redis-test.js';
import { sleep, waitFor, waitForEnd, waitForRunning } from './testing/wait-for.js';

const b = testBackend();
const redisMissing = await redisUnavailable();

class ShelfError extends Error {
  readonly code = 'SHELF_EMPTY';
}

const aborted = new Map<string, unknown>();

const handlers: Record<string, JobHandler> = {
  ...jobHandlers,
  steps: async (payload, ctx) => {
    for (let i = 1; i <= 4; i++) {
      await sleep(80, ctx.signal);
      ctx.progress(i / 4, `step ${i} of 4`);
    }
    return { doubled: (payload as { n: number }).n * 2 };
  },
  boom: async () => {
    throw new ShelfError('the shelf is empty');
  },
  plain: async () => {
    throw new Error('plain failure');
  },
  wait: async (_payload, ctx) => {
    try {
      await sleep(60_000, ctx.signal);
    } catch (reason) {
      aborted.set(ctx.jobId, reason);
      throw reason;
    }
    return null;
  },
};

const kinds = ['in-process', 'redis'] as const;

async function openQueue(
  t: TestContext,
  kind: (typeof kinds)[number],
): Promise<{ queue: JobQueue; db: Database }> {
  const db = await openTestDatabase();
  if (kind === 'in-process') {
    const queue = await openJobQueue(db, {
      redisUrl: '',
      handlers,
      concurrency: 2,
      settings: FAST_JOB_SETTINGS,
    });
    t.after(async () => {
      await queue.close();
      await db.close();
    });
    return { queue, db };
  }
  const settings = { ...FAST_JOB_SETTINGS, queuePrefix: testQueuePrefix() };
  let worker: JobWorker | undefined;
  let queue: JobQueue | undefined;
  t.after(async () => {
    await queue?.close();
    await worker?.close();
    await removeQueueKeys(settings.queuePrefix);
    await db.close();
  });
  worker = await startJobWorker(db, { redisUrl: TEST_REDIS_URL, handlers, concurrency: 2, settings });
  queue = await openJobQueue(db, { redisUrl: TEST_REDIS_URL, handlers, settings });
  return { queue, db };
}

for (const kind of kinds) {
  const skip = kind === 'redis' && redisMissing ? `needs Redis: ${redisMissing}` : false;

  test(`[${b}] [${kind}] a job reports progress and ends with its result`, { skip }, async (t) => {
    const { queue } = await openQueue(t, kind);
    assert.equal(queue.kind, kind);
    const queued = await queue.enqueue('steps', { n: 21 }, { createdBy: 'ana' });
    assert.equal(queued.status, 'queued');
    assert.equal(queued.attempts, 0);
    assert.equal(queued.createdBy, 'ana');
    assert.deepEqual(queued.payload, { n: 21 });
    const seen = new Set<number>();
    const done = await waitFor('the steps job to finish', async () => {
      const job = await queue.get(queued.id);
      if (job) seen.add(job.progress);
      return job?.status === 'succeeded' || job?.status === 'failed' ? job : null;
    });
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.result, { doubled: 42 });
    assert.equal(done.progress, 1);
    assert.equal(done.message, 'step 4 of 4');
    assert.equal(done.attempts, 1);
    assert.equal(done.error, null);
    assert.ok(done.startedAt && done.finishedAt && done.startedAt <= done.finishedAt);
    assert.ok(
      [...seen].some((p) => p > 0 && p < 1),
      `progress between 0 and 1 was seen: ${[...seen].join(', ')}`,
    );
  });

  test(`[${b}] [${kind}] a failed job keeps its handler's error code and message`, { skip }, async (t) => {
    const { queue } = await openQueue(t, kind);
    const dir = fixtureDir({ 'sales.csv': 'store_code,sku,units\nBER1,BRUSH-01,3\n' });
    const jobs = {
      boom: await queue.enqueue('boom', null),
      plain: await queue.enqueue('plain', null),
      ingest: await queue.enqueue('ingest', { entity: 'sales', path: join(dir, 'sales.csv') }),
      payload: await queue.enqueue('ingest', { entity: 'sales', file: 'x.csv' }),
    };
    const ended = Object.fromEntries(
      await Promise.all(
        Object.entries(jobs).map(async ([k, j]) => [k, await waitForEnd(queue, j.id)] as const),
      ),
    );
    assert.deepEqual(ended.boom?.error, { code: 'SHELF_EMPTY', message: 'the shelf is empty' });
    assert.deepEqual(ended.plain?.error, { code: 'JOB_FAILED', message: 'plain failure' });
    assert.equal(ended.ingest?.error?.code, 'MISSING_COLUMNS');
    assert.match(ended.ingest?.error?.message ?? '', /missing required column date/);
    assert.equal(ended.payload?.error?.code, 'INVALID_JOB_PAYLOAD');
    assert.match(ended.payload?.error?.message ?? '', /path: .*file/);
    for (const job of Object.values(ended)) {
      assert.equal(job?.status, 'failed');
      assert.equal(job?.result, null);
      assert.ok(job?.finishedAt);
    }
  });

  test(`[${b}] [${kind}] cancelling aborts a running job and keeps a queued one from starting`, {
    skip,
  }, async (t) => {
    const { queue } = await openQueue(t, kind);
    const a = await queue.enqueue('wait', null);
    const b2 = await queue.enqueue('wait', null);
    await waitForRunning(queue, a.id);
    await waitForRunning(queue, b2.id);
    // Both slots are taken: this one waits its turn.
    const c = await queue.enqueue('steps', { n: 1 });
    const cancelledQueued = await queue.cancel(c.id);
    assert.equal(cancelledQueued?.status, 'cancelled');

    const cancelled = await queue.cancel(a.id);
    assert.equal(cancelled?.status, 'cancelled');
    assert.ok(cancelled?.finishedAt);
    const reason = await waitFor('the handler to see its signal abort', () => aborted.get(a.id));
    assert.equal((reason as { code?: string }).code, 'JOB_CANCELLED');
    await queue.cancel(b2.id);
    await waitFor('the second handler to see its signal abort', () => aborted.has(b2.id));

    await sleep(300);
    const never = await queue.get(c.id);
    assert.equal(never?.status, 'cancelled');
    assert.equal(never?.attempts, 0, 'the cancelled queued job never started');
    const after = await queue.get(a.id);
    assert.equal(after?.status, 'cancelled', 'the aborted handler wrote no failure over the cancellation');
    assert.equal(after?.error, null);
    assert.equal((await queue.cancel(a.id))?.status, 'cancelled');
  });

  test(`[${b}] [${kind}] an unknown job type is refused; unknown ids are not found`, { skip }, async (t) => {
    const { queue } = await openQueue(t, kind);
    await assert.rejects(queue.enqueue('reticulate', {}), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'UNKNOWN_JOB_TYPE');
      assert.match(e.message, /unknown job type 'reticulate'; the known types are .*ingest.*train/);
      return true;
    });
    assert.deepEqual(await queue.list(), []);
    assert.equal(await queue.get('00000000-0000-4000-8000-000000000000'), null);
    assert.equal(await queue.get('nope'), null);
    assert.equal(await queue.cancel('00000000-0000-4000-8000-000000000000'), null);
  });

  test(`[${b}] [${kind}] ingest jobs load files as batches; list and counts see them`, {
    skip,
  }, async (t) => {
    const { queue, db } = await openQueue(t, kind);
    const dir = fixtureDir();
    const first = await queue.enqueue('ingest', { entity: 'stores', path: join(dir, 'stores.csv') });
    const done = await waitForEnd(queue, first.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const result = done.result as { status: string; rowsInserted: number; batchId: number; entity: string };
    assert.equal(result.status, 'applied');
    assert.equal(result.entity, 'stores');
    assert.equal(result.rowsInserted, 3);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stores');
    assert.equal(row?.n, 3);

    const again = await waitForEnd(
      queue,
      (await queue.enqueue('ingest', { entity: 'stores', path: join(dir, 'stores.csv') })).id,
    );
    assert.equal((again.result as { status: string }).status, 'duplicate');
    const failed = await waitForEnd(queue, (await queue.enqueue('plain', null)).id);
    assert.equal(failed.status, 'failed');

    assert.deepEqual(
      (await queue.list({ type: 'ingest' })).map((j) => j.id),
      [again.id, first.id],
    );
    assert.deepEqual(
      (await queue.list({ status: 'failed' })).map((j) => j.id),
      [failed.id],
    );
    assert.deepEqual(await queue.counts(), { queued: 0, running: 0, succeeded: 2, failed: 1, cancelled: 0 });
  });
}
