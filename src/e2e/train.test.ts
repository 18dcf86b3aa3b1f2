import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { parseModelBundle } from '../models/model-bundle.js';
import { readSnapshot } from '../pipeline/snapshot.js';
import { ingestDemoData, runCli } from './run-cli.js';

const b = testBackend();

interface TrainJson {
  runId: string;
  status: string;
  steps: {
    name: string;
    status: string;
    cacheHit: boolean | null;
    reason: string | null;
    error: string | null;
  }[];
  selection: { segment: string; model: string; series: number; score: number; seasonalNaive: number }[];
  evaluation: { metric: string; overall: { chosen: number; seasonalNaive: number } } | null;
  registration: { model: string; version: number; outcome: string; promoted: boolean } | null;
  forecastRows: number | null;
  forecastsPath: string | null;
}

const STEPS = [
  'snapshot',
  'validate',
  'prepare',
  'partition',
  'train',
  'evaluate',
  'fit',
  'register',
  'batch-forecast',
];

const CONFIG = `name: e2e-demand
horizon: 7
backtest: { folds: 2 }
algorithms:
  moving-average: { trials: 2, space: { window: { min: 7, max: 21 } } }
  ets: { trials: 1, space: { model: ANN } }
data: { days: 120 }
partitionBy: demand_class
promotion: { margin: 0.02 }
`;

test(`[${b}] shelfcast train: demo data to a promoted model, then every step cached; --force registers a challenger`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  // The pipeline's run directories and cache live under SHELFCAST_HOME on both back ends.
  const home = storage.env.SHELFCAST_HOME;
  const env = storage.env;

  await ingestDemoData(env, { stores: 2, products: 6, days: 150 });
  const config = join(home, 'train.yaml');
  writeFileSync(config, CONFIG);

  const first = await runCli(['train', '--config', config, '--json'], env, 300_000);
  assert.equal(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout) as TrainJson;
  assert.equal(a.status, 'succeeded');
  assert.deepEqual(
    a.steps.map((s) => [s.name, s.status, s.cacheHit]),
    STEPS.map((name) => [name, 'succeeded', false]),
  );
  assert.ok(a.selection.length >= 1);
  const series = a.selection.reduce((n, s) => n + s.series, 0);
  assert.ok(series >= 6, `series: ${series}`);
  for (const s of a.selection) {
    assert.ok(Number.isFinite(s.score) && Number.isFinite(s.seasonalNaive), JSON.stringify(s));
    // Seasonal naive is always a candidate, so the chosen model is never worse on the backtest.
    assert.ok(s.score <= s.seasonalNaive + 1e-12, JSON.stringify(s));
  }
  assert.ok(a.evaluation && Number.isFinite(a.evaluation.overall.chosen));
  assert.equal(a.forecastRows, series * 7);
  const forecasts = await readSnapshot(a.forecastsPath ?? '');
  assert.equal(forecasts.length, series * 7);
  const firstRow = forecasts[0] as Record<string, unknown>;
  assert.equal(firstRow.day, '2026-07-01');
  for (const row of forecasts as { q10: number; q50: number; q90: number }[])
    assert.ok(row.q10 >= 0 && row.q10 <= row.q50 && row.q50 <= row.q90, JSON.stringify(row));
  assert.deepEqual(
    { model: a.registration?.model, version: a.registration?.version, outcome: a.registration?.outcome },
    { model: 'e2e-demand', version: 1, outcome: 'champion' },
  );

  const second = await runCli(['train', '--config', config], env, 300_000);
  assert.equal(second.code, 0, second.stderr);
  for (const name of STEPS)
    assert.match(second.stdout, new RegExp(`^${name}\\s+cached\\s+hit\\s+hit: `, 'm'));
  assert.match(second.stdout, /Registered e2e-demand v1 in an earlier run \(cached\): promoted to champion/);

  const models = await runCli(['models', 'show', 'e2e-demand', '--json'], env);
  assert.equal(models.code, 0, models.stderr);
  assert.match(models.stdout, /champion/);
  // The version's artifact is the model bundle serving loads: one fitted state per series.
  const shown = await runCli(['models', 'show', 'e2e-demand@1', '--json'], env);
  assert.equal(shown.code, 0, shown.stderr);
  const version = JSON.parse(shown.stdout) as { artifact: { sha256: string; uri: string } | null };
  assert.ok(version.artifact, shown.stdout);
  const bundle = parseModelBundle(readFileSync(version.artifact.uri));
  assert.equal(bundle.series.length, series);
  assert.equal(bundle.horizon, 7);

  const forced = await runCli(['train', '--config', config, '--force', '--json'], env, 300_000);
  assert.equal(forced.code, 0, forced.stderr);
  const c = JSON.parse(forced.stdout) as TrainJson;
  assert.ok(c.steps.every((s) => s.status === 'succeeded' && s.cacheHit === false));
  // Same data, same config: the new version cannot beat the champion by the margin.
  assert.equal(c.registration?.version, 2);
  assert.equal(c.registration?.outcome, 'challenger');

  const empty = join(home, 'empty.yaml');
  writeFileSync(
    empty,
    `${CONFIG.replace('data: { days: 120 }', 'data: { days: 120, stores: [NO-SUCH-STORE] }')}`,
  );
  const failed = await runCli(['train', '--config', empty, '--json'], env, 300_000);
  assert.notEqual(failed.code, 0);
  const f = JSON.parse(failed.stdout) as TrainJson;
  assert.equal(f.status, 'failed');
  assert.equal(f.steps.find((s) => s.name === 'validate')?.status, 'failed');
  assert.match(f.steps.find((s) => s.name === 'validate')?.error ?? '', /EMPTY_SNAPSHOT/);
  assert.equal(f.registration, null);
});

test(`[${b}] shelfcast train refuses a bad config before anything runs, naming the bad key`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const home = storage.env.SHELFCAST_HOME;
  const config = join(home, 'bad.yaml');
  writeFileSync(config, CONFIG.replace('model: ANN', 'model: XYZ'));
  const r = await runCli(['train', '--config', config], storage.env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /algorithms\.ets\.space\.model: expected one of .*"ANN"/);
  assert.equal(r.stdout, '');
});
