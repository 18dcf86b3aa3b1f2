import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PostgresDatabase } from '../../db/postgres-database.js';
import { createTestStorageEnv, testBackend } from '../../db/testing/test-database.js';
import { CLI, runCli } from '../../e2e/run-cli.js';
import { fixtureDir } from '../../ingest/testing/ingest-fixtures.js';
import { parseOwnerId } from '../../jobs/job-owner.js';
import { openJobQueue } from '../../jobs/open-job-queue.js';
import {
  redisUnavailable,
  removeQueueKeys,
  TEST_REDIS_URL,
  testQueuePrefix,
} from '../../jobs/testing/redis-test.js';
import { waitFor, waitForEnd } from '../../jobs/testing/wait-for.js';

const b = testBackend();
const redisMissing = await redisUnavailable();

test(`[${b}] shelfcast worker refuses to start without PostgreSQL or without Redis`, async () => {
  const noDatabase = await runCli(['worker'], { REDIS_URL: TEST_REDIS_URL });
  assert.equal(noDatabase.code, 2, noDatabase.stderr);
  assert.match(noDatabase.stderr, /shelfcast worker needs PostgreSQL: set DATABASE_URL/);
  const noRedis = await runCli(['worker'], {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/shelfcast_unused',
    REDIS_URL: '',
  });
  assert.equal(noRedis.code, 2, noRedis.stderr);
  assert.match(noRedis.stderr, /set REDIS_URL/);
  const badSetting = await runCli(['worker'], {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/shelfcast_unused',
    REDIS_URL: TEST_REDIS_URL,
    SHELFCAST_JOB_LOCK_MS: 'soon',
  });
  assert.equal(badSetting.code, 2, badSetting.stderr);
  assert.match(badSetting.stderr, /SHELFCAST_JOB_LOCK_MS must be a positive whole number, got 'soon'/);
});

interface WorkerProcess {
  child: ChildProcess;
  log: () => string;
}

/** Starts `shelfcast worker` and resolves once it says it is ready. */
async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  await waitFor(
    `worker ${child.pid} to be ready`,
    () => {
      if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}: ${log}`);
      return / ready: queue /.test(log);
    },
    30_000,
  );
  return { child, log: () => log };
}

const needs =
  b !== 'postgres'
    ? 'needs PostgreSQL (DATABASE_URL): two worker processes cannot share the embedded database'
    : redisMissing
      ? `needs Redis: ${redisMissing}`
      : false;

test(`[${b}] two shelfcast workers share the jobs; a killed or stalled worker's job is finished by the other, its result written once`, {
  skip: needs,
}, async (t) => {
  const storage = await createTestStorageEnv();
  const prefix = testQueuePrefix();
  const env = {
    ...storage.env,
    REDIS_URL: TEST_REDIS_URL,
    SHELFCAST_QUEUE_PREFIX: prefix,
    SHELFCAST_JOB_CONCURRENCY: '1',
    SHELFCAST_JOB_LOCK_MS: '3000',
    SHELFCAST_JOB_STALLED_INTERVAL_MS: '1000',
    SHELFCAST_JOB_PROGRESS_MS: '20',
    SHELFCAST_JOB_CANCEL_POLL_MS: '200',
  };
  const workers: WorkerProcess[] = [];
  const db = await PostgresDatabase.open(storage.env.DATABASE_URL!, { max: 2 });
  const queue = await openJobQueue(db, { redisUrl: TEST_REDIS_URL, settings: { queuePrefix: prefix } });
  t.after(async () => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await queue.close();
    await db.close();
    await removeQueueKeys(prefix);
    await storage.cleanup();
  });
  workers.push(await startWorker(env), await startWorker(env));
  const ownerOf = async (id: string) => {
    const [row] = await db.query<{ owner: string | null }>('SELECT owner FROM jobs WHERE job_id = $1', [id]);
    return row?.owner ? parseOwnerId(row.owner) : null;
  };

  // Several jobs at once: each worker takes one at a time, so both take part.
  const skus = Array.from({ length: 100 }, (_, i) => `P${String(i).padStart(3, '0')}`);
  const dir = fixtureDir({
    'products.csv': `sku,name,category,unit\n${skus.map((s) => `${s},Product ${s},test,piece`).join('\n')}\n`,
  });
  const catalog = await Promise.all(
    ['stores', 'products', 'suppliers'].map((entity) =>
      queue.enqueue('ingest', { entity, path: join(dir, `${entity}.csv`) }, { createdBy: 'test' }),
    ),
  );
  const bad = await queue.enqueue('ingest', { entity: 'sales', path: join(dir, 'stores.csv') });
  const pids = new Set<number>();
  for (const job of catalog) {
    const done = await waitForEnd(queue, job.id, 30_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal((done.result as { status: string }).status, 'applied');
    pids.add((await ownerOf(job.id))!.pid);
  }
  const refused = await waitForEnd(queue, bad.id, 30_000);
  assert.equal(refused.error?.code, 'MISSING_COLUMNS');
  pids.add((await ownerOf(bad.id))!.pid);
  assert.deepEqual([...pids].sort(), workers.map((w) => w.child.pid).sort(), 'both workers ran jobs');

  // 60,000 sales rows: long enough to kill the worker while the rows stream into its transaction.
  const lines = ['store_code,sku,date,units'];
  const start = Date.UTC(2023, 0, 1);
  for (let d = 0; d < 600; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (const sku of skus) lines.push(`BER1,${sku},${date},${d % 9}`);
  }
  const big = join(dir, 'big.csv');
  writeFileSync(big, `${lines.join('\n')}\n`);
  const long = await queue.enqueue('ingest', { entity: 'sales', path: big });
  const underWay = await waitFor(
    'the sales ingest to be under way',
    async () => {
      const job = await queue.get(long.id);
      return job?.status === 'running' && job.progress > 0.05 ? job : null;
    },
    30_000,
  );
  assert.ok(underWay.progress < 0.9, `killed mid-batch (progress ${underWay.progress})`);
  const firstOwner = (await ownerOf(long.id))!;
  const victim = workers.find((w) => w.child.pid === firstOwner.pid)!;
  const survivor = workers.find((w) => w !== victim)!;
  victim.child.kill('SIGKILL');
  await once(victim.child, 'exit');

  const done = await waitForEnd(queue, long.id, 60_000);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.equal(done.attempts, 2, 'the other worker ran the job again');
  assert.equal((await ownerOf(long.id))?.pid, survivor.child.pid);
  const result = done.result as { status: string; rowsInserted: number; batchId: number };
  assert.equal(result.status, 'applied');
  assert.equal(result.rowsInserted, 60_000);
  // The effect happened once: one sales batch (the killed attempt's rolled back), each row once.
  const batches = await db.query<{ batch_id: number; status: string }>(
    `SELECT batch_id, status FROM ingest_batches WHERE entity = 'sales'`,
  );
  assert.deepEqual(batches, [{ batch_id: result.batchId, status: 'applied' }]);
  const [sales] = await db.query<{ n: number; batches: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT batch_id)::int AS batches FROM sales',
  );
  assert.deepEqual(sales, { n: 60_000, batches: 1 });
  assert.match(survivor.log(), new RegExp(`job ${long.id} \\(ingest\\) attempt 2 started`));
  assert.match(survivor.log(), new RegExp(`job ${long.id} attempt 2 succeeded`));

  // A worker that stalls without dying (stopped here; a blocked event loop does the same) loses
  // its job to another worker; when it resumes, it writes nothing over the other's result.
  workers.push(await startWorker(env));
  const other = workers.at(-1)!;
  for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.replace(/,\d+$/, `,${i % 7}`);
  const big2 = join(dir, 'big2.csv');
  writeFileSync(big2, `${lines.join('\n')}\n`);
  const stalled = await queue.enqueue('ingest', { entity: 'sales', path: big2 });
  await waitFor(
    'the second sales ingest to be under way',
    async () => {
      const job = await queue.get(stalled.id);
      return job?.status === 'running' && job.progress > 0.05 ? job : null;
    },
    30_000,
  );
  const sleeperPid = (await ownerOf(stalled.id))?.pid;
  const sleeper = workers.find((w) => w.child.pid === sleeperPid)!;
  const taker = sleeper === survivor ? other : survivor;
  sleeper.child.kill('SIGSTOP');
  const takenOver = await waitForEnd(queue, stalled.id, 60_000);
  assert.equal(takenOver.status, 'succeeded', JSON.stringify(takenOver.error));
  assert.equal(takenOver.attempts, 2);
  assert.equal((await ownerOf(stalled.id))?.pid, taker.child.pid);
  sleeper.child.kill('SIGCONT');
  await waitFor(
    'the resumed worker to drop its stale attempt',
    () => new RegExp(`job ${stalled.id} dropped`).test(sleeper.log()),
    30_000,
  );
  assert.deepEqual(await queue.get(stalled.id), takenOver, 'the stale attempt wrote nothing');
  const applied = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ingest_batches WHERE entity = 'sales' AND source_file = $1`,
    [big2],
  );
  assert.deepEqual(applied, [{ n: 1 }], 'one batch of the file, from the attempt that took over');
  other.child.kill('SIGTERM');
  assert.deepEqual(await once(other.child, 'exit'), [0, null]);

  // SIGTERM: the idle survivor stops cleanly.
  survivor.child.kill('SIGTERM');
  const [code] = await once(survivor.child, 'exit');
  assert.equal(code, 0, survivor.log());
  assert.match(survivor.log(), /SIGTERM: stopping/);
  assert.match(survivor.log(), /stopped\n/);
});
