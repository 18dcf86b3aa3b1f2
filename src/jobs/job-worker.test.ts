import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import type { JobHandler } from './job-handler.js';
import { type JobWorkerEvent, startJobWorker } from './job-worker.js';
import { RedisJobQueue } from './redis-queue.js';
import {
  countQueueKeys,
  FAST_JOB_SETTINGS,
  redisUnavailable,
  removeQueueKeys,
  TEST_REDIS_URL,
  testQueuePrefix,
} from './testing/redis-test.js';
import { sleep, waitFor, waitForEnd } from './testing/wait-for.js';

const b = testBackend();
const redisMissing = await redisUnavailable();
const skip = redisMissing ? `needs Redis: ${redisMissing}` : false;

const handlers: Record<string, JobHandler> = {
  /** `steps` pauses of 50 ms, each a point where a cancelled or released job stops. */
  steps: async (payload, ctx) => {
    const steps = (payload as { steps: number }).steps;
    for (let i = 1; i <= steps; i++) {
      await sleep(50, ctx.signal);
      ctx.progress(i / steps);
    }
    return { steps };
  },
};

test(`[${b}] a stopping worker finishes what fits in its grace time and hands the rest to another worker`, {
  skip,
}, async (t) => {
  const db = await openTestDatabase();
  const prefix = testQueuePrefix();
  const settings = { ...FAST_JOB_SETTINGS, queuePrefix: prefix, shutdownGraceMs: 300 };
  const eventsA: JobWorkerEvent[] = [];
  const workerA = await startJobWorker(db, {
    redisUrl: TEST_REDIS_URL,
    handlers,
    concurrency: 2,
    settings,
    onEvent: (e) => eventsA.push(e),
  });
  const queue = await RedisJobQueue.open(db, { redisUrl: TEST_REDIS_URL, handlers, settings });
  let workerB: Awaited<ReturnType<typeof startJobWorker>> | undefined;
  t.after(async () => {
    await queue.close();
    await workerA.close();
    await workerB?.close();
    await removeQueueKeys(prefix);
    assert.equal(await countQueueKeys(prefix), 0, 'no key of the test is left in Redis');
    await db.close();
  });

  const short = await queue.enqueue('steps', { steps: 2 });
  const long = await queue.enqueue('steps', { steps: 40 });
  await waitFor('worker A to run both jobs', () => workerA.active === 2);
  const closing = workerA.close();
  // Worker B joins only now, so worker A was the one to take both jobs.
  workerB = await startJobWorker(db, { redisUrl: TEST_REDIS_URL, handlers, settings });
  const { released } = await closing;
  assert.deepEqual(released, [long.id]);

  const shortDone = await waitForEnd(queue, short.id);
  assert.equal(shortDone.status, 'succeeded');
  assert.equal(shortDone.attempts, 1, 'the short job finished on worker A within its grace time');
  const longDone = await waitForEnd(queue, long.id, 30_000);
  assert.equal(longDone.status, 'succeeded');
  assert.deepEqual(longDone.result, { steps: 40 });
  assert.equal(longDone.attempts, 2, 'worker B ran the released job again');
  assert.ok(
    eventsA.some((e) => e.type === 'released' && e.jobId === long.id),
    JSON.stringify(eventsA),
  );
  assert.ok(!eventsA.some((e) => e.type === 'succeeded' && e.jobId === long.id));
});

test(`[${b}] the Redis queue refuses to open when Redis cannot be reached`, async () => {
  const db = await openTestDatabase();
  try {
    await assert.rejects(
      RedisJobQueue.open(db, { redisUrl: 'redis://:secret@127.0.0.1:1', handlers }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'JOB_QUEUE_UNAVAILABLE');
        assert.match(e.message, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
        assert.match(e.message, /unset REDIS_URL to run jobs in this process/);
        assert.doesNotMatch(e.message, /secret/);
        return true;
      },
    );
  } finally {
    await db.close();
  }
});
