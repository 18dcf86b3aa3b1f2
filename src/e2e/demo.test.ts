import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { CLI, runCli } from './run-cli.js';

const b = testBackend();

test(`[${b}] shelfcast demo: every file ingests cleanly, the bad batch is quarantined, the example pipeline trains a champion`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  // Pipeline runs, cache and artifacts live under SHELFCAST_HOME on both back ends.
  const home = storage.env.SHELFCAST_HOME;
  const env = storage.env;
  const r = await runCli(
    [
      'demo',
      '--stores',
      '6',
      '--products',
      '25',
      '--days',
      '120',
      '--end',
      '2026-06-30',
      '--no-serve',
      '--json',
    ],
    env,
    300_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    batches: {
      entity: string;
      file: string;
      status: string;
      rowsRead: number;
      rowsRejected: number;
      issues: { code: string }[];
    }[];
    summary: { countries: string[]; tables: Record<string, number> };
    training: {
      status: string;
      steps: { name: string; status: string }[];
      registration: { model: string; version: number; outcome: string };
    };
  };
  const bad = out.batches.at(-1)!;
  for (const batch of out.batches.slice(0, -1)) {
    assert.equal(batch.status, 'applied', batch.file);
    assert.equal(batch.rowsRejected, 0, `${batch.file}: ${JSON.stringify(batch.issues)}`);
  }
  assert.match(bad.file, /bad_sales\.csv$/);
  assert.ok(bad.rowsRejected >= 20, `bad rows rejected: ${bad.rowsRejected}`);
  const codes = new Set(bad.issues.map((i) => i.code));
  for (const code of [
    'UNKNOWN_STORE',
    'UNKNOWN_PRODUCT',
    'NEGATIVE',
    'ABSURD_VALUE',
    'NOT_A_NUMBER',
    'BAD_DATE',
    'FUTURE_DATE',
    'STORE_NOT_OPEN',
    'MISSING_VALUE',
    'DUPLICATE_KEY',
    'DECIMAL_COMMA',
  ]) {
    assert.ok(codes.has(code), `bad batch shows ${code}`);
  }
  assert.ok(out.summary.tables.sales! > 1000);
  assert.ok(out.summary.countries.length >= 6);
  assert.equal(out.training.status, 'succeeded', JSON.stringify(out.training.steps));
  assert.deepEqual(
    { model: out.training.registration.model, version: out.training.registration.version },
    { model: 'demand-forecast', version: 1 },
  );
  assert.equal(out.training.registration.outcome, 'champion');

  // Running the demo again changes nothing: the same files are recognised as already applied.
  const again = await runCli(
    [
      'demo',
      '--stores',
      '6',
      '--products',
      '25',
      '--days',
      '120',
      '--end',
      '2026-06-30',
      '--no-serve',
      '--json',
    ],
    env,
    300_000,
  );
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(again.stdout) as typeof out;
  assert.deepEqual(
    second.batches.map((x) => x.status),
    out.batches.map(() => 'duplicate'),
  );
  assert.deepEqual(second.summary.tables, out.summary.tables);
  // Same data, same config: every pipeline step is a cache hit and nothing new is registered.
  assert.ok(
    second.training.steps.every((step) => step.status === 'cached'),
    JSON.stringify(second.training.steps),
  );
  assert.equal(second.training.registration.version, 1);

  // Without --no-serve the demo ends by serving the champion until stopped.
  const child = spawn(
    process.execPath,
    [CLI, 'demo', '--stores', '6', '--products', '25', '--days', '120', '--end', '2026-06-30', '--port', '0'],
    {
      env: {
        ...process.env,
        ...env,
        ...(storage.env.DATABASE_URL ? {} : { DATABASE_URL: '' }),
        REDIS_URL: '',
      },
    },
  );
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.resume();
  const exited = new Promise<number | null>((ok) => child.on('close', (code) => ok(code)));
  t.after(() => child.kill('SIGKILL'));
  const deadline = Date.now() + 240_000;
  let url: string | undefined;
  while (!url) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    assert.ok(child.exitCode === null && Date.now() < deadline, `the demo did not start serving:\n${stdout}`);
    if (!url) await new Promise((ok) => setTimeout(ok, 200));
  }
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
  // The embedded instance printed its first admin token; on PostgreSQL make one with the CLI.
  let token = /\n {2}(sc_[A-Za-z0-9_-]+)\n/.exec(stdout)?.[1];
  if (!token) {
    const created = await runCli(['token', 'create', '--role', 'viewer'], env);
    token = created.stdout.trim();
  }
  // A pair the demo sells, from its generated sales file.
  const [store, sku] = readFileSync(join(home, 'demo-data', 'sales.csv'), 'utf8')
    .split('\n')[1]!
    .split(',');
  const forecast = await fetch(`${url}/v1/forecasts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      pairs: [{ store, sku }],
      horizon: 7,
      quantiles: [0.1, 0.9],
    }),
  });
  const body = (await forecast.json()) as { version: number; forecasts: { points: unknown[] }[] };
  assert.equal(forecast.status, 200, JSON.stringify(body));
  assert.equal(body.version, 1);
  assert.equal(body.forecasts[0]?.points.length, 7);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
