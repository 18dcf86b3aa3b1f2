import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { StepError } from '../pipeline/pipeline-error.js';
import { writeSnapshot } from '../pipeline/snapshot.js';
import type { StepContext } from '../pipeline/step.js';
import { parsePipelineConfig } from './pipeline-config.js';
import { standardPipeline } from './standard-pipeline.js';

/** Calls one step's function directly, as the runner would, with the given inputs and output paths. */
async function runStep(name: string, inputs: Record<string, unknown>, outputs: Record<string, string> = {}) {
  const node = standardPipeline.nodes.find((n) => n.name === name);
  assert.ok(node, name);
  const run = node.step.run as (inputs: Record<string, unknown>, ctx: StepContext) => unknown;
  return run(inputs, context(outputs));
}

function context(outputs: Record<string, string>): StepContext {
  const quiet = { info() {}, warn() {}, error() {} };
  return { runId: 'test', stepName: 'x', attempt: 1, outputs, workDir: tempDir('std-step'), log: quiet };
}

const sales = [
  { store: 'S1', product: 'P1', category: 'dairy', day: '2026-06-01', units: 3 },
  { store: 'S1', product: 'P1', category: 'dairy', day: '2026-06-04', units: 5 },
  { store: 'S1', product: 'P2', category: 'bakery', day: '2026-06-03', units: 1 },
  { store: 'S2', product: 'P1', category: 'dairy', day: '2026-06-02', units: 2 },
  { store: 'S2', product: 'P1', category: 'dairy', day: '2026-06-05', units: 4 },
];

test('the standard pipeline runs its nine steps in order', () => {
  assert.deepEqual(
    standardPipeline.nodes.map((n) => n.name),
    [
      'snapshot',
      'validate',
      'prepare',
      'partition',
      'train',
      'evaluate',
      'fit',
      'register',
      'batch-forecast',
    ],
  );
});

test('validate reports rows, range and missing-day share, and refuses an empty snapshot without retry', async () => {
  const dir = tempDir('std-validate');
  const snap = writeSnapshot(dir, sales);
  const out = (await runStep('validate', { sales: snap.path })) as {
    report: Record<string, unknown>;
  };
  // 3 series over 5 days = 15 store-product-days, 5 with a sale.
  const { missingDayShare, ...rest } = out.report as { missingDayShare: number };
  assert.deepEqual(rest, { rows: 5, series: 3, from: '2026-06-01', to: '2026-06-05', days: 5 });
  assert.ok(Math.abs(missingDayShare - 10 / 15) < 1e-12, String(missingDayShare));
  const empty = writeSnapshot(dir, { store: [], product: [], category: [], day: [], units: [] });
  await assert.rejects(
    async () => runStep('validate', { sales: empty.path }),
    (e: unknown) => e instanceof StepError && !e.retryable && e.code === 'EMPTY_SNAPSHOT',
  );
});

test('prepare zero-fills each store × product from its first sale to the last day; partition groups them', async () => {
  const dir = tempDir('std-prepare');
  const snap = writeSnapshot(dir, sales);
  const seriesFile = join(dir, 'series.json');
  await runStep('prepare', { sales: snap.path, checked: {} }, { series: seriesFile });
  const series = JSON.parse(readFileSync(seriesFile, 'utf8')) as { id: string; start: string; y: number[] }[];
  const byId = new Map(series.map((s) => [s.id, s]));
  assert.deepEqual(byId.get('S1/P1'), { ...byId.get('S1/P1'), start: '2026-06-01', y: [3, 0, 0, 5, 0] });
  assert.deepEqual(byId.get('S1/P2')?.y, [1, 0, 0]);
  assert.deepEqual(byId.get('S2/P1')?.y, [2, 0, 0, 4]);

  const base = { name: 'd', horizon: 7, algorithms: { ets: {} } };
  const group = async (partitionBy: string) => {
    const config = JSON.parse(JSON.stringify(parsePipelineConfig({ ...base, partitionBy })));
    const out = (await runStep('partition', { series: seriesFile, config })) as {
      segments: Record<string, string[]>;
    };
    return out.segments;
  };
  assert.deepEqual(await group('none'), { all: ['S1/P1', 'S1/P2', 'S2/P1'] });
  assert.deepEqual(await group('store'), { S1: ['S1/P1', 'S1/P2'], S2: ['S2/P1'] });
  assert.deepEqual(await group('category'), { dairy: ['S1/P1', 'S2/P1'], bakery: ['S1/P2'] });
  const classes = await group('demand_class');
  assert.deepEqual(Object.values(classes).flat().sort(), ['S1/P1', 'S1/P2', 'S2/P1']);
  assert.ok(Object.keys(classes).every((c) => ['smooth', 'erratic', 'intermittent', 'lumpy'].includes(c)));
});
