import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { JobHandler } from './job-handler.js';
import { JobStore } from './job-store.js';
import { FAST_JOB_SETTINGS } from './testing/redis-test.js';
import { sleep, waitFor, waitForEnd, waitForRunning } from './testing/wait-for.js';

const b = testBackend();

/** The pid of a process that has ended, as a crashed shelfcast would leave it in its owner id. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

test(`[${b}] no more jobs run at once than the concurrency allows; the rest wait their turn`, async (t) => {
  const db = await openTestDatabase();
  let running = 0;
  let most = 0;
  const handlers: Record<string, JobHandler> = {
    work: async (payload, ctx) => {
      running++;
      most = Math.max(most, running);
      try {
        await sleep(120, ctx.signal);
      } finally {
        running--;
      }
      return payload;
    },
  };
  const queue = await InProcessJobQueue.open(db, { handlers, concurrency: 2, settings: FAST_JOB_SETTINGS });
  t.after(async () => {
    await queue.close();
    await db.close();
  });
  const jobs = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue('work', n)));
  const ended = await Promise.all(jobs.map((j) => waitForEnd(queue, j.id)));
  assert.deepEqual(
    ended.map((j) => [j.status, j.result]),
    [1, 2, 3, 4, 5].map((n) => ['succeeded', n]),
  );
  assert.equal(most, 2);
});

test(`[${b}] on open, jobs of a stopped process are recovered: running ones failed, queued ones run here`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const store = new JobStore(db);
  // What a process killed mid-job leaves behind: one job running, one still queued.
  const crashed = `in-process/${hostname()}/${deadPid()}/0badc0de`;
  const running = randomUUID();
  const queued = randomUUID();
  await store.insert({
    id: running,
    type: 'work',
    queue: 'in-process',
    payload: 1,
    createdBy: null,
    owner: crashed,
  });
  await store.start(running, crashed);
  await store.insert({
    id: queued,
    type: 'work',
    queue: 'in-process',
    payload: 2,
    createdBy: null,
    owner: crashed,
  });
  // A process on another machine that beat a moment ago is alive: its job is left alone.
  const elsewhere = randomUUID();
  await store.insert({
    id: elsewhere,
    type: 'work',
    queue: 'in-process',
    payload: 3,
    createdBy: null,
    owner: 'in-process/other-host/4242/cafe0001',
  });
  // Redis jobs are the workers' business, whoever holds them.
  const redisJob = randomUUID();
  await store.insert({
    id: redisJob,
    type: 'work',
    queue: 'redis',
    payload: 4,
    createdBy: null,
    owner: crashed,
  });

  const handlers: Record<string, JobHandler> = { work: async (payload) => ({ ran: payload }) };
  const queue = await InProcessJobQueue.open(db, { handlers, settings: FAST_JOB_SETTINGS });
  t.after(() => queue.close());

  const failed = await queue.get(running);
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.error?.code, 'JOB_INTERRUPTED');
  assert.match(
    failed?.error?.message ?? '',
    new RegExp(`process \\d+ on ${hostname()} stopped while it ran this job \\(attempt 1\\)`),
  );
  const adopted = await waitForEnd(queue, queued);
  assert.equal(adopted.status, 'succeeded');
  assert.deepEqual(adopted.result, { ran: 2 });
  assert.equal((await queue.get(elsewhere))?.status, 'queued');
  assert.equal((await queue.get(redisJob))?.status, 'queued');

  // Once the other machine has been silent for longer than the stale limit, its job is taken over too.
  await db.run(`UPDATE jobs SET heartbeat_at = now() - interval '1 hour' WHERE job_id = $1`, [elsewhere]);
  const late = await waitForEnd(queue, elsewhere);
  assert.deepEqual(late.result, { ran: 3 });
});

test(`[${b}] closing fails the running jobs and leaves queued ones to the next queue`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  let sawAbort = false;
  const handlers: Record<string, JobHandler> = {
    wait: async (_payload, ctx) => {
      try {
        await sleep(60_000, ctx.signal);
      } catch (reason) {
        sawAbort = true;
        throw reason;
      }
      return null;
    },
    work: async (payload) => payload,
  };
  const first = await InProcessJobQueue.open(db, { handlers, concurrency: 1, settings: FAST_JOB_SETTINGS });
  const long = await first.enqueue('wait', null);
  await waitForRunning(first, long.id);
  const next = await first.enqueue('work', 'later');
  await first.close();
  assert.ok(sawAbort, "the running handler's signal aborted");
  await assert.rejects(first.enqueue('work', 1), { code: 'JOB_QUEUE_UNAVAILABLE' });
  const interrupted = await first.get(long.id);
  assert.equal(interrupted?.status, 'failed');
  assert.equal(interrupted?.error?.code, 'JOB_INTERRUPTED');
  assert.equal((await first.get(next.id))?.status, 'queued');

  const second = await InProcessJobQueue.open(db, { handlers, settings: FAST_JOB_SETTINGS });
  t.after(() => second.close());
  const done = await waitForEnd(second, next.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(done.result, 'later');
});

test(`[${b}] progress reads fresh from memory while throttled writes catch up`, async (t) => {
  const db = await openTestDatabase();
  let finish: () => void = () => {};
  const handlers: Record<string, JobHandler> = {
    slow: async (_payload, ctx) => {
      ctx.progress(0.1, 'first');
      await sleep(100);
      ctx.progress(0.6, 'second');
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return 'ok';
    },
  };
  // Writes at most once a minute: only the first report reaches the row while the job runs.
  const queue = await InProcessJobQueue.open(db, {
    handlers,
    settings: { ...FAST_JOB_SETTINGS, progressIntervalMs: 60_000 },
  });
  t.after(async () => {
    await queue.close();
    await db.close();
  });
  const job = await queue.enqueue('slow', null);
  const live = await waitFor('progress 0.6', async () => {
    const j = await queue.get(job.id);
    return j?.progress === 0.6 ? j : null;
  });
  assert.equal(live.message, 'second');
  // The first report is written at once, the second waits for the interval.
  const [row] = await db.query<{ progress: number; message: string }>(
    'SELECT progress, message FROM jobs WHERE job_id = $1',
    [job.id],
  );
  assert.deepEqual(row, { progress: 0.1, message: 'first' });
  finish();
  const done = await waitForEnd(queue, job.id);
  assert.equal(done.progress, 1);
  assert.equal(done.message, 'second');
});
