import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import type { JobHandler } from './job-handler.js';
import { JobStore } from './job-store.js';
import { type JobWorkerEvent, startJobWorker } from './job-worker.js';
import { JOB_QUEUE_NAME, redisConnection } from './redis-connection.js';
import { RedisJobQueue } from './redis-queue.js';
import { reconcileRedisJobs } from './redis-reconcile.js';
import {
  countQueueKeys,
  FAST_JOB_SETTINGS,
  redisUnavailable,
  removeQueueKeys,
  TEST_REDIS_URL,
  testQueuePrefix,
} from './testing/redis-test.js';
import { waitFor, waitForEnd } from './testing/wait-for.js';

const b = testBackend();
const redisMissing = await redisUnavailable();
const skip = redisMissing ? `needs Redis: ${redisMissing}` : false;

const handlers: Record<string, JobHandler> = {
  echo: async (payload) => ({ echoed: payload }),
};

/** A job as a worker killed mid-run leaves it: running, attempt 1, owned by a process that is gone. */
async function markRunningBy(db: Database, id: string, owner: string): Promise<void> {
  await db.run(
    `UPDATE jobs SET status = 'running', attempts = 1, owner = $2, heartbeat_at = now() WHERE job_id = $1`,
    [id, owner],
  );
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const db = await openTestDatabase();
  const prefix = testQueuePrefix();
  const settings = { ...FAST_JOB_SETTINGS, queuePrefix: prefix };
  const queue = await RedisJobQueue.open(db, { redisUrl: TEST_REDIS_URL, handlers, settings });
  const cleanups: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
    await queue.close();
    await removeQueueKeys(prefix);
    await db.close();
  });
  return { db, prefix, settings, queue, cleanups };
}

test(`[${b}] jobs Redis lost (queued, or running on a worker that was killed) are put back and run by a worker`, {
  skip,
}, async (t) => {
  const { db, prefix, settings, queue, cleanups } = await setup(t);
  const waiting = await queue.enqueue('echo', { n: 1 });
  const orphan = await queue.enqueue('echo', { n: 2 });
  // Redis restarts empty (no persistence): every key of the queue is gone, the table still has both.
  await removeQueueKeys(prefix);
  assert.equal(await countQueueKeys(prefix), 0);
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
  await markRunningBy(db, orphan.id, `worker/${hostname()}/${deadPid}/deadbeef`);

  const events: JobWorkerEvent[] = [];
  const worker = await startJobWorker(db, {
    redisUrl: TEST_REDIS_URL,
    handlers,
    settings,
    onEvent: (e) => events.push(e),
  });
  cleanups.push(() => worker.close());

  const first = await waitForEnd(queue, waiting.id);
  assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
  assert.deepEqual(first.result, { echoed: { n: 1 } });
  const second = await waitForEnd(queue, orphan.id);
  assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
  assert.equal(second.attempts, 2, 'the killed attempt counts; the recovered run is attempt 2');
  const requeued = events.filter((e) => e.type === 'requeued');
  assert.deepEqual(
    requeued.map((e) => [e.jobId, e.type === 'requeued' ? e.reason : '']).sort(),
    [
      [waiting.id, 'lost while queued'],
      [orphan.id, 'lost while its worker stopped'],
    ].sort(),
  );
});

test(`[${b}] reconciling leaves alone what Redis still holds, finished jobs, and running jobs of live workers`, {
  skip,
}, async (t) => {
  const { db, prefix, queue, cleanups } = await setup(t);
  const held = await queue.enqueue('echo', { n: 1 });
  const busy = await queue.enqueue('echo', { n: 2 });
  const done = await queue.enqueue('echo', { n: 3 });
  await db.run(`UPDATE jobs SET status = 'succeeded', result = '{}', finished_at = now() WHERE job_id = $1`, [
    done.id,
  ]);
  // Only `busy` and `done` vanish from Redis; `held` is still there.
  const producer = new Queue(JOB_QUEUE_NAME, {
    connection: redisConnection(TEST_REDIS_URL, 'producer'),
    prefix,
  });
  cleanups.push(() => producer.close());
  await producer.remove(busy.id);
  await producer.remove(done.id);
  // `busy` runs on a worker that is alive (a live process on this host), just quiet.
  const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  cleanups.push(async () => {
    alive.kill();
  });
  await waitFor('the live process to start', () => alive.pid !== undefined);
  await markRunningBy(db, busy.id, `worker/${hostname()}/${alive.pid}/cafe0001`);

  const store = new JobStore(db);
  const result = await reconcileRedisJobs(store, producer, { liveHere: new Set(), staleSeconds: 3600 });
  assert.deepEqual(result, { requeued: [], recovered: [] });
  assert.ok(await producer.getJob(held.id), 'still queued in Redis');
  assert.equal(await producer.getJob(busy.id), undefined, 'not put back while its worker lives');
  assert.equal(await producer.getJob(done.id), undefined, 'a finished job is not put back');
  assert.equal((await queue.get(busy.id))?.status, 'running');

  // Twice in a row (two workers reconciling at once) queue a lost job once.
  await producer.remove(held.id);
  const [a, c] = await Promise.all([
    reconcileRedisJobs(store, producer, { liveHere: new Set(), staleSeconds: 3600 }),
    reconcileRedisJobs(store, producer, { liveHere: new Set(), staleSeconds: 3600 }),
  ]);
  // Each may or may not have seen it missing, depending on timing; at least one put it back.
  const putBack = [...a.requeued, ...c.requeued];
  assert.ok(putBack.length >= 1 && putBack.every((id) => id === held.id), JSON.stringify(putBack));
  assert.equal(await producer.getWaitingCount(), 1);
});
