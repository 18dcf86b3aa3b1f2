import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { parseModelBundle } from '../models/model-bundle.js';
import { readSnapshot } from '../pipeline/snapshot.js';
import { ingestDemoData, runCli } from './run-cli.js';

const b = testBackend();
const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

interface TrainJson {
  runId: string;
  status: string;
  steps: { name: string; status: string; error: string | null }[];
  selection: { segment: string; model: string; series: number; score: number; seasonalNaive: number }[];
  evaluation: { metric: string; overall: { chosen: number; seasonalNaive: number } } | null;
  registration: { model: string; version: number; trackingRunId: string } | null;
  forecastsPath: string | null;
}

interface RunJson {
  steps: Record<
    string,
    {
      attempts: number;
      error?: { code: string; retryable: boolean };
      outputs?: { params: Record<string, unknown> };
    }
  >;
}

// Both example trainers beside one cheap built-in; relative command paths resolve against `cwd`.
const CONFIG = `name: e2e-external
horizon: 7
metric: wrmsse
backtest: { folds: 2 }
algorithms:
  moving-average: { trials: 1 }
trainers:
  python-xgboost:
    command: [/usr/bin/python3, examples/trainers/python-xgboost/train.py]
    cwd: ${repoRoot}
    timeoutSeconds: 120
    modelFile: model.json
    params: { n_estimators: 60 }
  r-forecast:
    command: [Rscript, examples/trainers/r-forecast/train.R]
    cwd: ${repoRoot}
    timeoutSeconds: 120
    modelFile: model.rds
    params: { model: ANA }
data: { days: 120 }
partitionBy: store
`;

/** A config whose only candidate (besides seasonal naive) is the trainer `command`. */
const onlyTrainer = (name: string, command: string, timeoutSeconds = 60) => `name: ${name}
horizon: 7
backtest: { folds: 2 }
trainers:
  suspect: { command: [${command}], timeoutSeconds: ${timeoutSeconds}, modelFile: model.json }
data: { days: 120 }
`;

// Forecasts every day as the mean of the series' last 28 days, quantiles ±20 %.
const MEAN_TRAINER = `import csv, json, sys
spec = json.load(open(sys.argv[1]))
values = {}
for row in csv.DictReader(open(spec["train_path"])):
    values.setdefault(row["series_id"], []).append(float(row["value"] or 0))
with open(spec["forecasts_path"], "w") as out:
    out.write(",".join(["series_id", "date", "mean"] + spec["quantile_columns"]) + "\\n")
    for sid, dates in spec["future_dates"].items():
        recent = values[sid][-28:]
        mean = sum(recent) / len(recent)
        for d in dates:
            qs = [mean * (0.8 if q < 0.5 else 1.2 if q > 0.5 else 1.0) for q in spec["quantiles"]]
            out.write(",".join([sid, d, str(mean)] + [str(q) for q in qs]) + "\\n")
open(spec["model_path"], "w").write(json.dumps({"window": 28}))
`;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test(`[${b}] shelfcast train with the Python and R example trainers: backtested per segment, a segment won by a trainer served from its forecasts, its model file stored with the version; failing trainers register nothing`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const home = storage.env.SHELFCAST_HOME;
  // TMPDIR inside home: a failed trainer's kept work folder is cleaned up with it.
  const env = { ...storage.env, SHELFCAST_HOME: home, TMPDIR: home };
  const cli = (args: string[]) => runCli(args, env, 300_000);

  await ingestDemoData(env, { stores: 2, products: 6, days: 150 });
  const config = join(home, 'external.yaml');
  writeFileSync(config, CONFIG);

  const trained = await cli(['train', '--config', config, '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const a = JSON.parse(trained.stdout) as TrainJson;
  assert.equal(a.status, 'succeeded');
  const run = JSON.parse(readFileSync(join(home, 'pipeline-runs', a.runId, 'run.json'), 'utf8')) as RunJson;
  const selection = run.steps.train?.outputs?.params.selection as {
    segment: string;
    model: string;
    series: string[];
    candidates: { model: string; score: number }[];
  }[];
  assert.deepEqual(selection.map((s) => s.segment).sort(), ['JP-OSA-01', 'NL-UTC-01']);
  for (const s of selection) {
    // Every segment backtested both trainers on the built-ins' folds: finite scores beside theirs.
    const scores = new Map(s.candidates.map((c) => [c.model, c.score]));
    for (const model of [
      'external:python-xgboost',
      'external:r-forecast',
      'moving-average',
      'seasonal-naive',
    ])
      assert.ok(Number.isFinite(scores.get(model)), `${s.segment} ${model}: ${JSON.stringify(s.candidates)}`);
    assert.equal(s.model, s.candidates[0]?.model);
  }
  assert.equal(a.evaluation?.metric, 'wrmsse');
  assert.ok(Number.isFinite(a.evaluation?.overall.chosen));

  const external = selection.filter((s) => s.model.startsWith('external:'));
  assert.ok(external.length >= 1, `no segment was won by a trainer: ${JSON.stringify(selection)}`);

  // The registered version's artifact: precomputed series for the trainer's segments, and the hashes
  // of the trainer's model files, each stored in the artifact store and logged under the run.
  const shown = await cli(['models', 'show', 'e2e-external@1', '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const version = JSON.parse(shown.stdout) as {
    artifact: { sha256: string; uri: string };
    lineage: { runId: string };
  };
  const bundle = parseModelBundle(readFileSync(version.artifact.uri));
  for (const s of selection) {
    const entries = bundle.series.filter((e) => e.segment === s.segment);
    assert.equal(entries.length, s.series.length);
    for (const e of entries) {
      if (!s.model.startsWith('external:')) {
        assert.equal(e.kind, 'fitted');
        continue;
      }
      assert.ok(e.kind === 'precomputed', JSON.stringify(e).slice(0, 200));
      assert.equal(e.algorithm, s.model);
      assert.equal(e.lastDay, '2026-06-30');
      assert.equal(e.mean.length, 7);
      assert.deepEqual(Object.keys(e.quantiles).sort(), ['0.1', '0.5', '0.9']);
      for (let h = 0; h < 7; h++)
        assert.ok((e.quantiles['0.1']?.[h] ?? -1) <= (e.quantiles['0.9']?.[h] ?? -2), JSON.stringify(e));
    }
  }
  const runArtifacts = await cli(['runs', 'show', version.lineage.runId, '--json']);
  assert.equal(runArtifacts.code, 0, runArtifacts.stderr);
  const logged = new Map(
    (JSON.parse(runArtifacts.stdout) as { artifacts: { path: string; sha256: string }[] }).artifacts.map(
      (x) => [x.path, x.sha256],
    ),
  );
  assert.deepEqual(
    (bundle.modelFiles ?? []).map((f) => `${f.trainer} ${f.segment}`).sort(),
    external.map((s) => `${s.model.slice('external:'.length)} ${s.segment}`).sort(),
  );
  for (const file of bundle.modelFiles ?? []) {
    const name = file.trainer === 'r-forecast' ? 'model.rds' : 'model.json';
    assert.equal(file.path, `model/trainers/${file.trainer}/${file.segment}/${name}`);
    assert.equal(logged.get(file.path), file.sha256);
    const stored = join(home, 'artifacts', 'sha256', file.sha256.slice(0, 2), file.sha256);
    assert.equal(sha256(stored), file.sha256);
    assert.equal(readFileSync(stored).byteLength, file.sizeBytes);
  }

  // Batch forecasts of a trainer's segment are its forecasts, as the bundle holds them.
  const forecasts = (await readSnapshot(a.forecastsPath ?? '')) as {
    store: string;
    product: string;
    day: string;
    model: string;
    mean: number;
  }[];
  for (const e of bundle.series) {
    if (e.kind !== 'precomputed') continue;
    const rows = forecasts.filter((r) => r.store === e.store && r.product === e.product);
    assert.deepEqual(
      rows.map((r) => [r.model, r.mean]),
      e.mean.map((m) => [e.algorithm, m]),
    );
    assert.equal(rows[0]?.day, '2026-07-01');
  }

  // Failing trainers: the step fails with the runner's code, without retry; the registry is untouched.
  const scripts = mkdtempSync(join(home, 'trainers-'));
  const meanTrainer = join(scripts, 'mean.py');
  writeFileSync(meanTrainer, MEAN_TRAINER);
  const script = (name: string, body: string) => {
    const path = join(scripts, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const failures = [
    {
      name: 'crashing',
      config: onlyTrainer('e2e-crash', script('crash.sh', 'echo "boom: no data for you" >&2\nexit 3')),
      step: 'train',
      code: 'TRAINER_CRASHED',
      message:
        /external trainer "suspect" failed while backtesting segment "all".*exited with code 3.*boom: no data for you/s,
    },
    {
      name: 'hanging',
      config: onlyTrainer('e2e-hang', script('hang.sh', 'sleep 120'), 1),
      step: 'train',
      code: 'TRAINER_TIMED_OUT',
      message: /timed out after 1 s and was killed/,
    },
    {
      name: 'crashing on the full-history fit only',
      // Its backtests succeed with a 28-day mean, which beats seasonal naive on the demo's noisy
      // days, so it wins; the final fit forecasts from 2026-07-01 on, and that run crashes.
      config: onlyTrainer(
        'e2e-fit-crash',
        script(
          'fit-crash.sh',
          `if grep -q '"2026-07-01"' "$1"; then echo "refusing the final fit" >&2; exit 4; fi\nexec /usr/bin/python3 ${meanTrainer} "$1"`,
        ),
      ),
      step: 'fit',
      code: 'TRAINER_CRASHED',
      message:
        /failed while fitting segment "all" on its full history.*exited with code 4.*refusing the final fit/s,
    },
  ];
  for (const f of failures) {
    const file = join(home, `${f.code}-${f.step}.yaml`);
    writeFileSync(file, f.config);
    const started = Date.now();
    const r = await cli(['train', '--config', file, '--json']);
    assert.notEqual(r.code, 0, `${f.name}: ${r.stdout}`);
    const out = JSON.parse(r.stdout) as TrainJson;
    assert.equal(out.status, 'failed', f.name);
    const failed = out.steps.filter((s) => s.status === 'failed');
    assert.deepEqual(
      failed.map((s) => s.name),
      [f.step],
      `${f.name}: ${JSON.stringify(out.steps)}`,
    );
    assert.match(failed[0]?.error ?? '', f.message, f.name);
    assert.match(failed[0]?.error ?? '', new RegExp(`\\[${f.code}\\]`), f.name);
    for (const later of ['register', 'batch-forecast'])
      assert.equal(out.steps.find((s) => s.name === later)?.status, 'skipped', `${f.name}: ${later}`);
    assert.equal(out.registration, null);
    const record = JSON.parse(
      readFileSync(join(home, 'pipeline-runs', out.runId, 'run.json'), 'utf8'),
    ) as RunJson;
    assert.deepEqual(
      [record.steps[f.step]?.attempts, record.steps[f.step]?.error?.retryable],
      [1, false],
      f.name,
    );
    // The message names the trainer's log, kept for inspection.
    const log = /\(?(?:full log|trainer log|log): ([^\s)]+trainer\.log)/.exec(failed[0]?.error ?? '')?.[1];
    assert.ok(log && existsSync(log), `${f.name}: ${failed[0]?.error}`);
    if (f.code === 'TRAINER_TIMED_OUT') assert.ok(Date.now() - started < 60_000, 'the hang was cut short');
  }
  const registered = JSON.parse((await cli(['models', 'list', '--json'])).stdout) as {
    name: string;
    versionCount: number;
  }[];
  assert.deepEqual(
    registered.map((m) => [m.name, m.versionCount]),
    [['e2e-external', 1]],
  );
});
