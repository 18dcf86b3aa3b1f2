import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../db/open-database.js';
import { createTestStorageEnv, testBackend } from '../../db/testing/test-database.js';
import { runCli } from '../../e2e/run-cli.js';
import { endRun, logMetric, startRun } from '../../tracking/run-store.js';

const b = testBackend();

test(`[${b}] shelfcast runs list|show|compare`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const db = await openDatabase({
    home: storage.env.SHELFCAST_HOME,
    ...(storage.env.DATABASE_URL ? { databaseUrl: storage.env.DATABASE_URL } : {}),
  });
  const ids: string[] = [];
  for (const [model, mase] of [
    ['ets', 0.9],
    ['theta', 0.7],
    ['croston', 1.2],
  ] as const) {
    const run = await startRun(db, { experiment: 'weekly', name: model, params: { model, horizon: 14 } });
    await logMetric(db, run.runId, { key: 'mase', value: mase });
    await endRun(db, run.runId, model === 'croston' ? 'failed' : 'finished');
    ids.push(run.runId);
  }
  await db.close();

  const list = await runCli(
    ['runs', 'list', '--sort', 'mase', '--status', 'finished', '--json'],
    storage.env,
  );
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).map((r: { runId: string }) => r.runId),
    [ids[1], ids[0]],
  );
  const filtered = await runCli(
    ['runs', 'list', '--where', 'metrics.mase < 1', '--sort', 'mase:desc'],
    storage.env,
  );
  assert.equal(filtered.code, 0, filtered.stderr);
  const lines = filtered.stdout.trim().split('\n').slice(2);
  assert.deepEqual(
    lines.map((l) => l.split(/\s+/)[0]),
    [ids[0]!.slice(0, 8), ids[1]!.slice(0, 8)],
  );

  const show = await runCli(['runs', 'show', ids[1]!.slice(0, 8)], storage.env);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`run ${ids[1]} \\(theta\\) — finished`));
  assert.match(show.stdout, /mase\s+0\.700/);

  const compare = await runCli(['runs', 'compare', ids[0]!, ids[1]!], storage.env);
  assert.equal(compare.code, 0, compare.stderr);
  assert.match(compare.stdout, /^\*\s+params\.model\s+ets\s+theta$/m);
  assert.match(compare.stdout, /^\s+params\.horizon\s+14\s+14$/m);

  const missing = await runCli(['runs', 'show', 'deadbeef-0000'], storage.env);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /deadbeef-0000/);
  const badFilter = await runCli(['runs', 'list', '--where', 'mase < 1'], storage.env);
  assert.equal(badFilter.code, 2);
  assert.match(badFilter.stderr, /mase < 1/);
});
