import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { JobStore } from './job-store.js';

const b = testBackend();

test(`[${b}] a job's result is written once: an attempt that was taken over writes nothing`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const store = new JobStore(db);
  const id = randomUUID();
  await store.insert({
    id,
    type: 'ingest',
    queue: 'redis',
    payload: { n: 1 },
    createdBy: 'ana',
    owner: null,
  });

  const first = await store.start(id, 'worker/a/1/x');
  assert.equal(first?.attempt, 1);
  assert.equal(first?.record.status, 'running');
  // Worker a stalls; the queue hands the job to worker b as attempt 2.
  const second = await store.start(id, 'worker/b/2/y');
  assert.equal(second?.attempt, 2);
  assert.match(second?.record.message ?? '', /attempt 2: the process running attempt 1 stopped/);

  assert.equal(await store.progress(id, 1, 0.9, 'stale'), false);
  assert.equal(await store.succeed(id, 1, { from: 'a' }, null), false);
  assert.equal(await store.fail(id, 1, { code: 'X', message: 'stale failure' }), false);
  assert.equal(await store.release(id, 1, 'stale release'), false);

  assert.equal(await store.progress(id, 2, 0.5, 'half'), true);
  assert.equal(await store.succeed(id, 2, { from: 'b' }, 'done'), true);
  // Once written, neither attempt writes again.
  assert.equal(await store.succeed(id, 2, { from: 'b again' }, null), false);
  assert.equal(await store.fail(id, 2, { code: 'X', message: 'late' }), false);
  assert.equal((await store.cancel(id))?.status, 'succeeded');

  const job = await store.get(id);
  assert.equal(job?.status, 'succeeded');
  assert.deepEqual(job?.result, { from: 'b' });
  assert.equal(job?.attempts, 2);
  assert.equal(job?.progress, 1);
  assert.equal(job?.message, 'done');
  assert.equal(job?.error, null);
  assert.equal(job?.createdBy, 'ana');
  assert.ok(job?.finishedAt && job.startedAt && job.createdAt <= job.startedAt);
});

test(`[${b}] a cancelled job never starts; unknown and malformed ids are simply not found`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const store = new JobStore(db);
  const id = randomUUID();
  await store.insert({ id, type: 'train', queue: 'in-process', payload: {}, createdBy: null, owner: 'x' });
  assert.equal((await store.cancel(id))?.status, 'cancelled');
  assert.equal(await store.start(id, 'in-process/h/1/z'), null);
  assert.equal((await store.get(id))?.attempts, 0);
  assert.equal(await store.get(randomUUID()), null);
  assert.equal(await store.get('not-a-uuid'), null);
  assert.equal(await store.cancel("'; DROP TABLE jobs; --"), null);
});

test(`[${b}] a released job is queued again and its next attempt counts on`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const store = new JobStore(db);
  const id = randomUUID();
  await store.insert({ id, type: 'ingest', queue: 'redis', payload: {}, createdBy: null, owner: null });
  await store.start(id, 'worker/a/1/x');
  assert.equal(await store.release(id, 1, 'released by a'), true);
  const released = await store.get(id);
  assert.equal(released?.status, 'queued');
  assert.equal(released?.message, 'released by a');
  assert.equal((await store.start(id, 'worker/b/2/y'))?.attempt, 2);
  assert.equal(await store.fail(id, 2, { code: 'MISSING_COLUMNS', message: 'no units column' }), true);
  const failed = await store.get(id);
  assert.deepEqual(failed?.error, { code: 'MISSING_COLUMNS', message: 'no units column' });
  assert.equal(failed?.result, null);
});

test(`[${b}] list filters by status and type, newest first; counts cover every status`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const store = new JobStore(db);
  const ids: string[] = [];
  for (const type of ['ingest', 'train', 'ingest']) {
    const id = randomUUID();
    ids.push(id);
    await store.insert({ id, type, queue: 'in-process', payload: { type }, createdBy: null, owner: null });
  }
  await store.cancel(ids[0]!);
  const all = await store.list();
  assert.deepEqual(
    all.map((j) => j.id),
    [...ids].reverse(),
  );
  assert.deepEqual(
    (await store.list({ type: 'ingest' })).map((j) => j.id),
    [ids[2], ids[0]],
  );
  assert.deepEqual(
    (await store.list({ status: 'cancelled' })).map((j) => j.id),
    [ids[0]],
  );
  assert.deepEqual(
    (await store.list({ limit: 1, offset: 1 })).map((j) => j.id),
    [ids[1]],
  );
  assert.deepEqual(await store.counts(), { queued: 2, running: 0, succeeded: 0, failed: 0, cancelled: 1 });
});
