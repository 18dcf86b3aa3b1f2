import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { ingestDemoData, runCli } from '../e2e/run-cli.js';
import { standardPipeline } from '../pipeline-config/standard-pipeline.js';
import type { ArgoWorkflow } from './compile-argo.js';
import { readRunRecord, runDirectory, type StepRecord } from './run-state.js';
import { runArgoLocally } from './testing/local-engine.js';

const b = testBackend();
const CLI = new URL('../../bin/shelfcast.js', import.meta.url).pathname;

const CONFIG = `name: argo-demand
horizon: 7
backtest: { folds: 1 }
algorithms:
  moving-average: { trials: 1 }
data: { days: 60 }
partitionBy: demand_class
`;

const hashes = (step: StepRecord | undefined) =>
  Object.fromEntries(Object.entries(step?.outputs?.artifacts ?? {}).map(([k, a]) => [k, a.hash]));

test(`[${b}] the standard pipeline compiled for Argo and run task by task equals \`shelfcast train\`; a second workflow is all cache hits`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const home = storage.env.SHELFCAST_HOME;
  const env = storage.env;
  await ingestDemoData(env, { stores: 2, products: 4, days: 90 });
  const config = join(home, 'pipeline.yaml');
  writeFileSync(config, CONFIG);

  const out = join(home, 'workflow.yaml');
  const compiled = await runCli(
    ['pipeline', 'compile', '--target', 'argo', '--config', config, '--out', out],
    env,
  );
  assert.equal(compiled.code, 0, compiled.stderr);
  const manifest = parse(readFileSync(out, 'utf8')) as ArgoWorkflow;
  const engine = {
    shelfcast: [process.execPath, CLI],
    volumes: { 'shelfcast-home': home },
    // The embedded database (no DATABASE_URL) lives on the volume, as it would on one node.
    secrets: { 'shelfcast-database': { DATABASE_URL: storage.env.DATABASE_URL ?? '' } },
    baseEnv: { PATH: process.env.PATH },
    timeoutMs: 300_000,
  };
  const first = await runArgoLocally(manifest, 'standard-demand-forecast-w1', engine);
  assert.equal(first.status, 'Succeeded', JSON.stringify(first.tasks.map((x) => [x.task, x.code, x.stderr])));
  const workflowRun = readRunRecord(runDirectory(home, 'standard-demand-forecast-w1'))!;
  assert.equal(workflowRun.status, 'succeeded');
  assert.equal(workflowRun.sessions, standardPipeline.nodes.length);

  // The local runner on the same data and config, every step executed again.
  const local = await runCli(['train', '--config', config, '--force', '--json'], env, 300_000);
  assert.equal(local.code, 0, local.stderr);
  const localRun = readRunRecord(runDirectory(home, (JSON.parse(local.stdout) as { runId: string }).runId))!;
  for (const node of standardPipeline.nodes) {
    const remote = workflowRun.steps[node.name];
    const mine = localRun.steps[node.name];
    assert.equal(remote?.status, 'succeeded', node.name);
    assert.equal(mine?.status, 'succeeded', node.name);
    // Same version, parameters (the data fingerprint included) and input hashes …
    assert.equal(remote?.cache?.key, mine?.cache?.key, `${node.name}: cache key`);
    // … and the same results; register writes a new version each time, so its ids differ.
    assert.deepEqual(hashes(remote), hashes(mine), `${node.name}: output hashes`);
    if (node.name !== 'register') assert.deepEqual(remote?.outputs?.params, mine?.outputs?.params, node.name);
  }

  const second = await runArgoLocally(manifest, 'standard-demand-forecast-w2', engine);
  assert.equal(second.status, 'Succeeded');
  const cachedRun = readRunRecord(runDirectory(home, 'standard-demand-forecast-w2'))!;
  for (const node of standardPipeline.nodes)
    assert.equal(cachedRun.steps[node.name]?.status, 'cached', node.name);
});
