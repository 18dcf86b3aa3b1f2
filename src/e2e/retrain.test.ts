import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { ingestDemoData, runCli } from './run-cli.js';

const b = testBackend();

const CONFIG = `name: e2e-retrain
horizon: 7
backtest: { folds: 2 }
algorithms:
  moving-average: { trials: 2, space: { window: { min: 7, max: 21 } } }
  croston: { trials: 1 }
data: { days: 90 }
partitionBy: none
promotion: { margin: 0.02 }
`;

interface RetrainJson {
  configSource: string;
  newData: boolean;
  status: string;
  steps: { name: string; status: string; cacheHit: boolean | null }[];
  registration: { version: number; outcome: string; reason: string } | null;
}

test(`[${b}] shelfcast retrain: no new data is all cache hits; new sales rerun the pipeline and register a new version`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const home = storage.env.SHELFCAST_HOME;
  const env = storage.env;
  await ingestDemoData(env, { stores: 2, products: 5, days: 120 });

  // Before any training there is no config to take: a clear refusal.
  const none = await runCli(['retrain'], env, 120_000);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /no model is registered yet/);

  const config = join(home, 'retrain.yaml');
  writeFileSync(config, CONFIG);
  const trained = await runCli(['train', '--config', config, '--json'], env, 300_000);
  assert.equal(trained.code, 0, trained.stderr);

  const same = await runCli(['retrain', '--json'], env, 300_000);
  assert.equal(same.code, 0, same.stderr);
  const a = JSON.parse(same.stdout) as RetrainJson;
  assert.match(a.configSource, /^e2e-retrain@1 \(run /);
  assert.equal(a.newData, false);
  assert.ok(
    a.steps.every((s) => s.status === 'cached'),
    JSON.stringify(a.steps),
  );

  // One more day of sales for every store × product arrives.
  const sales = readFileSync(join(home, 'demo-data', 'sales.csv'), 'utf8')
    .trim()
    .split('\n');
  const lastDay = sales
    .slice(1)
    .filter((line) => line.includes(',2026-06-30,'))
    .map((line) => line.replace(',2026-06-30,', ',2026-07-01,'));
  assert.ok(lastDay.length >= 5);
  const newFile = join(home, 'sales-2026-07-01.csv');
  writeFileSync(newFile, `${sales[0]}\n${lastDay.join('\n')}\n`);
  const ingest = await runCli(['ingest', 'sales', newFile, '--json'], env, 120_000);
  assert.equal(ingest.code, 0, ingest.stderr);

  const fresh = await runCli(['retrain', '--json'], env, 300_000);
  assert.equal(fresh.code, 0, fresh.stderr);
  const c = JSON.parse(fresh.stdout) as RetrainJson;
  assert.equal(c.newData, true);
  assert.equal(c.status, 'succeeded');
  for (const step of ['snapshot', 'train', 'evaluate', 'register', 'batch-forecast'])
    assert.equal(c.steps.find((s) => s.name === step)?.cacheHit, false, step);
  assert.equal(c.registration?.version, 2);
  assert.ok(
    ['champion', 'challenger'].includes(c.registration?.outcome ?? ''),
    JSON.stringify(c.registration),
  );

  const text = await runCli(['retrain'], env, 300_000);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /No new data since the latest version/);
  assert.match(text.stderr, /\[\d\/9\] snapshot\s+cached/);
});
