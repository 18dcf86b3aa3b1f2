import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../io/testing/temp-dir.js';
import { modelCatalog } from '../models/model-catalog.js';
import { searchSpace } from '../tuning/search-space.js';
import {
  configHash,
  loadPipelineConfig,
  parsePipelineConfig,
  parsePipelineConfigText,
  toSearchSpaceConfig,
} from './pipeline-config.js';
import { PipelineConfigError } from './pipeline-config-error.js';

const exampleFile = resolve(
  fileURLToPath(import.meta.url),
  '../../../examples/pipelines/demand-forecast.yaml',
);

const minimal = { name: 'demand', horizon: 14, algorithms: { ets: {} } };

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parsePipelineConfig(input);
  } catch (error) {
    assert.ok(error instanceof PipelineConfigError, String(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    return [...error.issues];
  }
  assert.fail('the config was accepted');
}

test('the shipped example config is valid and its search spaces are accepted by the tuner', async () => {
  const config = await loadPipelineConfig(exampleFile);
  assert.equal(config.name, 'demand-forecast');
  assert.equal(config.metric, 'mase');
  assert.deepEqual(config.quantiles, [0.1, 0.5, 0.9]);
  assert.ok(Object.keys(config.algorithms).length >= 2);
  for (const [name, algorithm] of Object.entries(config.algorithms)) {
    const space = searchSpace(modelCatalog.get(name).hyperparameters, toSearchSpaceConfig(algorithm), {
      fixUnlisted: true,
    });
    assert.ok(space.parameters.length >= 0);
  }
  assert.deepEqual(config.algorithms.ets?.space.model, ['ANN', 'AAN', 'ANA']);
  assert.deepEqual(config.algorithms['moving-average']?.space.window, { min: 7, max: 28 });
});

test('the shipped external-trainer example is valid and names the example trainers by paths that exist', async () => {
  const file = resolve(exampleFile, '../demand-forecast-external.yaml');
  const config = await loadPipelineConfig(file);
  assert.equal(config.metric, 'wrmsse');
  assert.deepEqual(Object.keys(config.trainers).sort(), ['python-xgboost', 'r-forecast']);
  for (const trainer of Object.values(config.trainers)) {
    assert.equal(trainer.cwd, resolve(file, '..'));
    const script = trainer.command[1] ?? '';
    assert.ok(existsSync(resolve(trainer.cwd ?? '', script)), script);
  }
});

test('a minimal config gets the documented defaults', () => {
  const config = parsePipelineConfig(minimal);
  assert.equal(config.target, 'units');
  assert.equal(config.granularity, 'store-product-day');
  assert.equal(config.seasonLength, 7);
  assert.equal(config.metric, 'mase');
  assert.equal(config.backtest.folds, 3);
  assert.equal(config.backtest.step, undefined);
  assert.equal(config.partitionBy, 'none');
  assert.equal(config.promotion.margin, 0.02);
  assert.equal(config.algorithms.ets?.trials, 1);
  assert.equal(config.algorithms.ets?.sampler, 'tpe');
  assert.deepEqual(config.data, {});
});

test('a bad categorical choice is reported with its path and the allowed values', () => {
  const issues = issuesOf({ ...minimal, algorithms: { ets: { space: { model: ['ANN', 'XYZ'] } } } });
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, 'algorithms.ets.space.model');
  assert.match(issues[0]?.message ?? '', /^expected one of .*"ANN".*got "XYZ"/);
});

test('an unknown model, an unknown hyperparameter and an out-of-range bound are each reported at their path', () => {
  const issues = issuesOf({
    ...minimal,
    algorithms: {
      prophet: { trials: 2 },
      ets: { space: { alpha: 0.3 } },
      'moving-average': { space: { window: { min: 0, max: 10 } } },
    },
  });
  const byPath = new Map(issues.map((i) => [i.path, i.message]));
  assert.match(byPath.get('algorithms.prophet') ?? '', /not a local model.*ets/);
  assert.match(
    byPath.get('algorithms.ets.space.alpha') ?? '',
    /unknown hyperparameter; expected one of model, damped/,
  );
  assert.match(byPath.get('algorithms.moving-average.space.window') ?? '', /min 0 lies outside/);
  assert.equal(issues.length, 3);
});

test('a global model is refused as an algorithm: the tuner searches local models only', () => {
  const global = modelCatalog.list().find((e) => e.kind === 'global');
  assert.ok(global, 'the catalog has a global model');
  const issues = issuesOf({ ...minimal, algorithms: { [global.name]: {} } });
  assert.equal(issues[0]?.path, `algorithms.${global.name}`);
});

test('schema errors name every bad key: enum, type, unknown key, range, dates, quantile order', () => {
  const issues = issuesOf({
    name: 'Demand Forecast',
    horizon: 'two weeks',
    metric: 'mape',
    quantiles: [0.9, 0.5],
    backtest: { folds: 0, stride: 7 },
    algorithms: { ets: { trials: 2.5 } },
    data: { from: '2026-07-01', to: '2026-06-01', stores: [] },
    partitionBy: 'region',
    promotion: { margin: -0.1 },
  });
  const byPath = new Map(issues.map((i) => [i.path, i.message]));
  assert.match(byPath.get('name') ?? '', /lowercase/);
  assert.match(byPath.get('horizon') ?? '', /expected int|expected number/);
  assert.equal(byPath.get('metric'), 'expected one of "mase", "rmsse", "wrmsse"');
  assert.match(byPath.get('quantiles') ?? '', /increasing/);
  assert.ok(byPath.has('backtest.folds'));
  assert.match(byPath.get('backtest.stride') ?? '', /unknown key/);
  assert.ok(byPath.has('algorithms.ets.trials'));
  assert.match(byPath.get('data.from') ?? '', /after to/);
  assert.ok(byPath.has('data.stores'));
  assert.match(byPath.get('partitionBy') ?? '', /"demand_class"/);
  assert.ok(byPath.has('promotion.margin'));
});

test('catalog problems are reported together with schema problems elsewhere in the file', () => {
  const issues = issuesOf({ name: 'demand', horizon: 0, algorithms: { ets: { space: { model: 'XYZ' } } } });
  assert.deepEqual(issues.map((i) => i.path).sort(), ['algorithms.ets.space.model', 'horizon']);
});

test('missing required keys and an empty algorithm list are reported', () => {
  const issues = issuesOf({ algorithms: {} });
  const paths = issues.map((i) => i.path).sort();
  assert.deepEqual(paths, ['algorithms', 'horizon', 'name']);
  assert.match(issues.find((i) => i.path === 'horizon')?.message ?? '', /^required/);
});

test('a bad date and from together with days are refused', () => {
  const issues = issuesOf({ ...minimal, data: { from: '2026-13-01', days: 30 } });
  const paths = issues.map((i) => i.path);
  assert.ok(paths.includes('data.from'), paths.join(','));
  const both = issuesOf({ ...minimal, data: { from: '2026-01-01', days: 30 } });
  assert.deepEqual(
    both.map((i) => i.path),
    ['data.days'],
  );
});

test('JSON is accepted, YAML syntax errors give the line, and a missing file says so', async () => {
  const config = parsePipelineConfigText(JSON.stringify(minimal));
  assert.equal(config.horizon, 14);
  assert.throws(
    () => parsePipelineConfigText('name: demand\nhorizon: [14\n', { file: 'x.yaml' }),
    (e: unknown) =>
      e instanceof PipelineConfigError && e.code === 'CONFIG_SYNTAX' && /x\.yaml line \d+/.test(e.message),
  );
  const dir = tempDir('pipeline-config');
  await assert.rejects(
    loadPipelineConfig(join(dir, 'absent.yaml')),
    (e: unknown) => e instanceof PipelineConfigError && e.code === 'CONFIG_NOT_FOUND',
  );
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: demand\nhorizon: 14\nalgorithms:\n  ets:\n    space:\n      damped: sometimes\n');
  await assert.rejects(loadPipelineConfig(bad), (e: unknown) => {
    assert.ok(e instanceof PipelineConfigError);
    assert.match(e.message, /bad\.yaml/);
    assert.match(e.message, /algorithms\.ets\.space\.damped: expected one of "auto", "always", "never"/);
    return true;
  });
});

test('the config hash ignores key order and changes with any value', () => {
  const a = parsePipelineConfig({ name: 'demand', horizon: 14, algorithms: { ets: {}, theta: {} } });
  const b = parsePipelineConfig({ algorithms: { theta: {}, ets: {} }, horizon: 14, name: 'demand' });
  const c = parsePipelineConfig({ name: 'demand', horizon: 15, algorithms: { ets: {}, theta: {} } });
  assert.equal(configHash(a), configHash(b));
  assert.notEqual(configHash(a), configHash(c));
  assert.match(configHash(a), /^[0-9a-f]{64}$/);
});

test('external trainers: defaults, a trainers-only config, and every bad key at its path', () => {
  const config = parsePipelineConfig({
    name: 'demand',
    horizon: 14,
    trainers: { 'r-forecast': { command: ['Rscript', 'train.R'], params: { model: 'ANA' } } },
  });
  assert.deepEqual(config.algorithms, {});
  assert.deepEqual(config.trainers['r-forecast'], {
    command: ['Rscript', 'train.R'],
    timeoutSeconds: 600,
    params: { model: 'ANA' },
    modelFile: 'model.bin',
  });
  const issues = issuesOf({
    ...minimal,
    trainers: {
      'Py XGB': { command: ['python3'] },
      empty: { command: [] },
      slow: { command: ['x'], timeoutSeconds: 0, image: '', modelFile: '../model.bin', shell: true },
    },
  });
  const byPath = new Map(issues.map((i) => [i.path, i.message]));
  assert.match(byPath.get('trainers.Py XGB') ?? '', /lowercase letters, digits and dashes/);
  assert.match(byPath.get('trainers.empty.command') ?? '', /program and its arguments/);
  assert.ok(byPath.has('trainers.slow.timeoutSeconds'));
  assert.ok(byPath.has('trainers.slow.image'));
  assert.match(byPath.get('trainers.slow.modelFile') ?? '', /plain file name/);
  assert.match(byPath.get('trainers.slow.shell') ?? '', /unknown key/);
  assert.equal(issues.length, 6, JSON.stringify(issues));
  assert.deepEqual(
    issuesOf({ name: 'demand', horizon: 14, trainers: {} }).map((i) => i.path),
    ['algorithms'],
  );
});

test('a config file runs its trainers in its own folder and fingerprints their scripts', async () => {
  const dir = tempDir('pipeline-config-trainers');
  const script = join(dir, 'train.py');
  writeFileSync(script, 'print(1)\n');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    'name: demand\nhorizon: 7\ntrainers:\n  local: { command: [python3, train.py] }\n  elsewhere: { command: [python3, train.py], cwd: sub }\n',
  );
  const first = await loadPipelineConfig(file);
  assert.equal(first.trainers.local?.cwd, dir);
  assert.equal(first.trainers.elsewhere?.cwd, join(dir, 'sub'));
  // `sub/train.py` does not exist: that trainer's fingerprint covers the argument text only.
  assert.notEqual(first.trainers.local?.codeSha256, first.trainers.elsewhere?.codeSha256);
  // Reparsed as the pipeline steps do: the resolved config is stable.
  assert.deepEqual(parsePipelineConfig(JSON.parse(JSON.stringify(first))), first);
  writeFileSync(script, 'print(2)\n');
  const edited = await loadPipelineConfig(file);
  assert.notEqual(edited.trainers.local?.codeSha256, first.trainers.local?.codeSha256);
  assert.equal(edited.trainers.elsewhere?.codeSha256, first.trainers.elsewhere?.codeSha256);
  assert.notEqual(configHash(edited), configHash(first));
});
