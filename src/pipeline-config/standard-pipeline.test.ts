import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { backtestSeries } from '../evaluation/backtest.js';
import { tempDir } from '../io/testing/temp-dir.js';
import { parseModelBundle } from '../models/model-bundle.js';
import { modelCatalog } from '../models/model-catalog.js';
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

// A failed trainer's work folder is kept under the temporary folder for inspection: keep this file's
// inside a folder removed when the test process exits.
process.env.TMPDIR = tempDir('std-tmp');

// A trainer in Node (so the test needs no Python or R): every step repeats the last value, ±1.
const naiveTrainer = join(tempDir('std-trainer'), 'naive-trainer.mjs');
writeFileSync(
  naiveTrainer,
  `import fs from 'node:fs';
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const last = new Map();
for (const line of fs.readFileSync(spec.train_path, 'utf8').trim().split('\\n').slice(1)) {
  const [id, , v] = line.split(',');
  if (v !== '') last.set(id, Number(v));
}
const rows = [['series_id', 'date', 'mean', ...spec.quantile_columns].join(',')];
for (const [id, dates] of Object.entries(spec.future_dates))
  for (const d of dates) rows.push([id, d, last.get(id), ...spec.quantiles.map((q) => last.get(id) + (q < 0.5 ? -1 : q > 0.5 ? 1 : 0))].join(','));
fs.writeFileSync(spec.forecasts_path, rows.join('\\n'));
fs.writeFileSync(spec.model_path, JSON.stringify({ last: Object.fromEntries(last) }));
`,
);

/** Two prepared series, 49 days to 2026-06-30: S1/P1 sells ~100 a day, S2/P1 ~2. */
function preparedSeries(dir: string): string {
  const file = join(dir, 'series.json');
  const y = (f: (t: number) => number) => Array.from({ length: 49 }, (_, t) => f(t));
  writeFileSync(
    file,
    JSON.stringify([
      {
        id: 'S1/P1',
        store: 'S1',
        product: 'P1',
        category: 'dairy',
        start: '2026-05-13',
        y: y((t) => 100 + ((t * 37) % 23) - 11),
      },
      {
        id: 'S2/P1',
        store: 'S2',
        product: 'P1',
        category: 'dairy',
        start: '2026-05-13',
        y: y((t) => ([0, 1, 5, 0, 2, 6, 0][t % 7] as number) + ((t * 13) % 3)),
      },
    ]),
  );
  return file;
}

const trainerConfig = (command: string[], extra: Record<string, unknown> = {}) =>
  JSON.parse(
    JSON.stringify(
      parsePipelineConfig({
        name: 'd',
        horizon: 7,
        backtest: { folds: 2 },
        trainers: { nodey: { command, timeoutSeconds: 30, modelFile: 'model.json' } },
        ...extra,
      }),
    ),
  );

test('train backtests a trainer per segment on the same folds and score as a built-in; fit puts its forecasts and model file in the bundle', async () => {
  const dir = tempDir('std-train-ext');
  const series = preparedSeries(dir);
  const config = trainerConfig([process.execPath, naiveTrainer], { algorithms: { naive: {} } });
  const backtests = join(dir, 'trainer-backtests.json');
  const { selection } = (await runStep(
    'train',
    { series, segments: { all: ['S1/P1', 'S2/P1'] }, config },
    { trainerBacktests: backtests },
  )) as { selection: { model: string; candidates: { model: string; score: number }[] }[] };
  const scores = new Map(selection[0]?.candidates.map((c) => [c.model, c.score]));
  // The trainer repeats the last value, as the built-in naive model does: the same folds give the same score.
  assert.ok(Number.isFinite(scores.get('external:nodey')));
  assert.ok(Math.abs((scores.get('external:nodey') ?? 0) - (scores.get('naive') ?? 1)) < 1e-12);
  const stored = JSON.parse(readFileSync(backtests, 'utf8')) as Record<string, Record<string, unknown[]>>;
  assert.equal(stored.all?.nodey?.length, 2);

  const bundleFile = join(dir, 'bundle.json');
  const models = join(dir, 'models');
  mkdirSync(models);
  const pick = [{ segment: 'all', series: ['S1/P1', 'S2/P1'], model: 'external:nodey', params: {} }];
  await runStep('fit', { series, selection: pick, config }, { bundle: bundleFile, models });
  const bundle = parseModelBundle(readFileSync(bundleFile));
  assert.deepEqual(
    bundle.series.map((s) => s.kind === 'precomputed' && [s.store, s.algorithm, s.lastDay, s.mean]),
    [
      ['S1', 'external:nodey', '2026-06-30', Array(7).fill(100 + ((48 * 37) % 23) - 11)],
      ['S2', 'external:nodey', '2026-06-30', Array(7).fill(0 + ((48 * 13) % 3))],
    ],
  );
  const [file] = bundle.modelFiles ?? [];
  assert.ok(file);
  assert.equal(file.path, 'model/trainers/nodey/all/model.json');
  const bytes = readFileSync(join(models, file.path));
  assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256);
  assert.deepEqual(JSON.parse(bytes.toString()), {
    last: { 'S1/P1': 100 + ((48 * 37) % 23) - 11, 'S2/P1': 0 },
  });
});

test('a trainer that crashes in fit fails the step with its code and no retry', async () => {
  const dir = tempDir('std-fit-crash');
  const series = preparedSeries(dir);
  const config = trainerConfig([process.execPath, '-e', 'console.error("out of memory"); process.exit(9)']);
  const pick = [{ segment: 'all', series: ['S1/P1', 'S2/P1'], model: 'external:nodey', params: {} }];
  await assert.rejects(
    async () =>
      runStep('fit', { series, selection: pick, config }, { bundle: join(dir, 'bundle.json'), models: dir }),
    (e: unknown) => {
      assert.ok(e instanceof StepError, String(e));
      assert.equal(e.code, 'TRAINER_CRASHED');
      assert.equal(e.retryable, false);
      assert.match(
        e.message,
        /external trainer "nodey" failed while fitting segment "all".*code 9.*out of memory/s,
      );
      return true;
    },
  );
});

test('evaluate scores WRMSSE by unit volume: the fast seller dominates, where RMSSE weighs both alike', async () => {
  const dir = tempDir('std-evaluate');
  const series = preparedSeries(dir);
  const backtests = join(dir, 'none.json');
  writeFileSync(backtests, '{}');
  const selection = [{ segment: 'all', series: ['S1/P1', 'S2/P1'], model: 'naive', params: {} }];
  const evaluate = async (metric: string) =>
    (
      (await runStep('evaluate', {
        series,
        selection,
        config: trainerConfig(['x'], { metric, algorithms: { naive: {} }, trainers: {} }),
        trainerBacktests: backtests,
      })) as { evaluation: { metric: string; overall: { chosen: number }; segments: { folds: number[] }[] } }
    ).evaluation;
  const plain = await evaluate('rmsse');
  const weighted = await evaluate('wrmsse');
  assert.equal(weighted.metric, 'wrmsse');
  // Per-series RMSSE of the newest fold, from the backtest module directly.
  const all = JSON.parse(readFileSync(series, 'utf8')) as { id: string; y: number[] }[];
  const options = { horizon: 7, folds: 2, seasonLength: 7, freq: 'D' as const };
  const per = all.map((s) => {
    const [r] = backtestSeries({ id: s.id, y: Float64Array.from(s.y) }, ['naive'], options, modelCatalog);
    const fold = r?.folds.at(-1);
    const origin = fold?.origin ?? 0;
    return {
      rmsse: fold?.metrics.rmsse ?? Number.NaN,
      weight: s.y.slice(origin - 28, origin).reduce((a, b) => a + b, 0),
    };
  });
  const [fast, slow] = per as [(typeof per)[0], (typeof per)[0]];
  assert.ok(Math.abs((plain.segments[0]?.folds[1] ?? 0) - (fast.rmsse + slow.rmsse) / 2) < 1e-12);
  const expected = (fast.weight * fast.rmsse + slow.weight * slow.rmsse) / (fast.weight + slow.weight);
  assert.ok(Math.abs((weighted.segments[0]?.folds[1] ?? 0) - expected) < 1e-12);
  assert.ok(Math.abs(expected - fast.rmsse) < Math.abs(expected - slow.rmsse) / 10);
  assert.ok(Math.abs(weighted.overall.chosen - plain.overall.chosen) > 0.05);
});

test('a trainer writing malformed forecasts fails train with its code, the file and the missing column', async () => {
  const dir = tempDir('std-train-malformed');
  const series = preparedSeries(dir);
  const writeHeaderOnly = `const s = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
require('fs').writeFileSync(s.forecasts_path, 'series_id,date,mean\\n');
require('fs').writeFileSync(s.model_path, '{}');`;
  const config = trainerConfig([process.execPath, '-e', writeHeaderOnly]);
  await assert.rejects(
    async () =>
      runStep(
        'train',
        { series, segments: { all: ['S1/P1', 'S2/P1'] }, config },
        { trainerBacktests: join(dir, 'bt.json') },
      ),
    (e: unknown) => {
      assert.ok(e instanceof StepError, String(e));
      assert.deepEqual([e.code, e.retryable], ['TRAINER_OUTPUT_MALFORMED', false]);
      assert.match(
        e.message,
        /while backtesting segment "all".*forecasts\.csv, line 1: missing column "q0\.1"/s,
      );
      return true;
    },
  );
});
