import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExternalTrainerError, runExternalTrainer } from './external-trainer.js';
import { shiftDate, type TrainerSeries, type TrainingRequest } from './trainer-contract.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const root = mkdtempSync(join(tmpdir(), 'shelfcast-trainers-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runNo = 0;
const workDir = (): string => join(root, `run-${++runNo}`);

/** Writes a node script trainer whose body sees `spec` (parsed spec.json), `fs` and `csvRows(fn)`. */
function nodeTrainer(body: string): string[] {
  const path = join(root, `trainer-${++runNo}.mjs`);
  writeFileSync(
    path,
    `import fs from 'node:fs';
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const split = (l) => [...l.matchAll(/(?:"((?:[^"]|"")*)"|([^,]*))(?:,|$)/g)].map((m) => m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
const train = fs.readFileSync(spec.train_path, 'utf8').trim().split('\\n').slice(1).map(split);
function lastValue(id) { const rows = train.filter((r) => r[0] === id); return Number(rows[rows.length - 1][2]); }
function csvRows(fn) {
  const lines = [['series_id', 'date', 'mean', ...spec.quantile_columns].join(',')];
  for (const [id, dates] of Object.entries(spec.future_dates))
    dates.forEach((d, h) => { const r = fn(id, d, h); if (r) lines.push([JSON.stringify(id), d, ...r].join(',')); });
  fs.writeFileSync(spec.forecasts_path, lines.join('\\n') + '\\n');
}
${body}
`,
  );
  return [process.execPath, path];
}

const panel: TrainerSeries[] = [
  { id: 'A', start: '2026-01-01', y: [5, 6, 7, 8, 9, 10] },
  { id: 'B,2', start: '2026-01-03', y: [1, Number.NaN, 3, 2] },
];
const request = (extra: Partial<TrainingRequest> = {}): TrainingRequest => ({
  series: panel,
  freq: 'D',
  seasonLength: 1,
  horizon: 3,
  quantiles: [0.1, 0.9],
  params: { alpha: 0.5 },
  modelFile: 'model.txt',
  ...extra,
});

/** True while a process runs; a zombie (killed, not yet reaped by its new parent) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<ExternalTrainerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ExternalTrainerError, `expected ExternalTrainerError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('external trainer', () => {
  it('returns the forecasts, model bytes and hash of a trainer that follows the contract', async () => {
    const command = nodeTrainer(`
      // Last value plus the step, from train.csv, so the test sees the training set was read.
      csvRows((id, d, h) => { const m = lastValue(id) + h; return [m, m - 1, m + 1]; });
      fs.writeFileSync(spec.model_path, 'params=' + JSON.stringify(spec.params));
      console.log('fitted', Object.keys(spec.future_dates).length, 'series');`);
    const dir = workDir();
    const result = await runExternalTrainer(request(), { command, workDir: dir, timeoutSeconds: 20 });
    assert.deepEqual([...result.forecasts.keys()], ['A', 'B,2']);
    const a = result.forecasts.get('A');
    assert.deepEqual(a?.dates, ['2026-01-07', '2026-01-08', '2026-01-09']);
    assert.deepEqual([...(a?.mean ?? [])], [10, 11, 12]);
    assert.deepEqual([...(a?.quantiles.get(0.1) ?? [])], [9, 10, 11]);
    assert.deepEqual([...(a?.quantiles.get(0.9) ?? [])], [11, 12, 13]);
    assert.deepEqual([...(result.forecasts.get('B,2')?.mean ?? [])], [2, 3, 4]);
    assert.equal(result.model.toString(), 'params={"alpha":0.5}');
    assert.equal(result.modelSha256, createHash('sha256').update('params={"alpha":0.5}').digest('hex'));
    assert.deepEqual(result.notes, []);
    assert.match(readFileSync(result.logPath, 'utf8'), /fitted 2 series/);
    // The missing value is an empty field; the quoted id survives the round trip.
    assert.match(readFileSync(join(dir, 'train.csv'), 'utf8'), /^"B,2",2026-01-04,$/m);
  });

  it('reports a crash with the exit code and the last stderr lines', async () => {
    const command = nodeTrainer(
      `console.error('loading data'); console.error('ValueError: bad input'); process.exit(3);`,
    );
    const err = await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 }),
      'TRAINER_CRASHED',
      /exited with code 3[\s\S]*ValueError: bad input/,
    );
    assert.equal(err.context.exitCode, 3);
  });

  it('kills the whole process group on timeout', async () => {
    const pidFile = join(root, 'grandchild.pid');
    const command = nodeTrainer(`
      import('node:child_process').then(({ spawn }) => {
        const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        fs.writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));
      });
      setInterval(() => {}, 1000);`);
    const started = Date.now();
    await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 1 }),
      'TRAINER_TIMED_OUT',
      /timed out after 1 s/,
    );
    assert.ok(Date.now() - started < 10_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(isAlive(grandchild), false, 'the trainer’s own child must be killed too');
  });

  it('rejects a missing series with the file and what is missing', async () => {
    const command = nodeTrainer(
      `csvRows((id) => id === 'A' ? [1, 0, 2] : null); fs.writeFileSync(spec.model_path, 'm');`,
    );
    await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 }),
      'TRAINER_OUTPUT_MALFORMED',
      /forecasts\.csv: series "B,2" has no row for 2026-01-07 and 2 other date/,
    );
  });

  it('rejects NaN with its line and column', async () => {
    const command = nodeTrainer(
      `csvRows((id, d, h) => h === 1 && id === 'A' ? [1, 'NaN', 2] : [1, 0, 2]); fs.writeFileSync(spec.model_path, 'm');`,
    );
    const err = await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 }),
      'TRAINER_OUTPUT_MALFORMED',
      /line 3, column "q0\.1": value "NaN" is not a finite number/,
    );
    assert.equal(err.context.location?.line, 3);
  });

  it('rejects a missing quantile column', async () => {
    // The trainer writes only q0.1 and q0.9 although q0.5 was requested too.
    const command = nodeTrainer(`
      const lines = ['series_id,date,mean,q0.1,q0.9'];
      for (const [id, dates] of Object.entries(spec.future_dates)) for (const d of dates) lines.push([JSON.stringify(id), d, 1, 0, 2].join(','));
      fs.writeFileSync(spec.forecasts_path, lines.join('\\n'));
      fs.writeFileSync(spec.model_path, 'm');`);
    await rejectsWith(
      runExternalTrainer(request({ quantiles: [0.1, 0.5, 0.9] }), {
        command,
        workDir: workDir(),
        timeoutSeconds: 20,
      }),
      'TRAINER_OUTPUT_MALFORMED',
      /line 1: missing column "q0\.5"/,
    );
  });

  it('rejects crossing quantiles instead of sorting them', async () => {
    const command = nodeTrainer(`csvRows(() => [5, 7, 3]); fs.writeFileSync(spec.model_path, 'm');`);
    await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 }),
      'TRAINER_OUTPUT_MALFORMED',
      /line 2, column "q0\.9": quantiles cross: q0\.1=7 > q0\.9=3/,
    );
  });

  it('clips negative values to 0 and says so', async () => {
    const command = nodeTrainer(
      `csvRows((id, d, h) => [h - 1, h - 2, h]); fs.writeFileSync(spec.model_path, 'm');`,
    );
    const result = await runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 });
    assert.deepEqual([...(result.forecasts.get('A')?.mean ?? [])], [0, 0, 1]);
    assert.deepEqual([...(result.forecasts.get('A')?.quantiles.get(0.1) ?? [])], [0, 0, 0]);
    // Per series: mean -1; q0.1 -2, -1 → 3 values, times two series.
    assert.deepEqual(result.notes, ['6 negative forecast value(s) clipped to 0']);
  });

  it('reports a missing model file and an unstartable command', async () => {
    const command = nodeTrainer(`csvRows(() => [1, 0, 2]);`);
    await rejectsWith(
      runExternalTrainer(request(), { command, workDir: workDir(), timeoutSeconds: 20 }),
      'TRAINER_OUTPUT_MISSING',
      /wrote no model file at .*model\.txt/,
    );
    await rejectsWith(
      runExternalTrainer(request(), { command: [join(root, 'no-such-program')], workDir: workDir() }),
      'TRAINER_NOT_STARTED',
      /could not start trainer/,
    );
  });
});

/** A small daily panel with a weekly cycle and trend; deterministic. */
function demoPanel(count = 4): TrainerSeries[] {
  return Array.from({ length: count }, (_, s) => ({
    id: `store-${s}`,
    start: '2026-01-05',
    y: Array.from({ length: 84 }, (_, t) => {
      const weekly = [1, 0.8, 0.9, 1, 1.3, 1.7, 1.4][t % 7] ?? 1;
      return Math.round((10 + 5 * s) * weekly * (1 + t / 400) + ((t * 7919 + s * 104729) % 5) - 2);
    }),
  }));
}

function requireTool(check: string[], install: string): void {
  const [cmd, ...args] = check;
  const r = spawnSync(cmd ?? '', args, { stdio: 'ignore' });
  if (r.status !== 0)
    assert.fail(
      `${check.join(' ')} failed: install the Debian package ${install} (CI installs it in .ci/run)`,
    );
}

function checkRealForecast(
  result: Awaited<ReturnType<typeof runExternalTrainer>>,
  panel: TrainerSeries[],
): void {
  assert.equal(result.forecasts.size, panel.length);
  for (const s of panel) {
    const fc = result.forecasts.get(s.id);
    assert.ok(fc, s.id);
    assert.equal(fc.dates[0], shiftDate(s.start, 'D', s.y.length));
    // The forecast level must be near the series' recent level (within 40 %), and the interval must hold the mean.
    const recent = (s.y as number[]).slice(-14).reduce((a, b) => a + b, 0) / 14;
    const mean = fc.mean.reduce((a, b) => a + b, 0) / fc.mean.length;
    assert.ok(Math.abs(mean - recent) / recent < 0.4, `${s.id}: mean ${mean} vs recent ${recent}`);
    const lo = fc.quantiles.get(0.1);
    const hi = fc.quantiles.get(0.9);
    assert.ok(lo && hi);
    for (let h = 0; h < fc.mean.length; h++) {
      assert.ok((lo[h] ?? 0) <= (fc.mean[h] ?? 0) + 1e-9 && (fc.mean[h] ?? 0) <= (hi[h] ?? 0) + 1e-9);
      assert.ok((hi[h] ?? 0) > (lo[h] ?? 0), 'intervals must have width');
    }
  }
  assert.ok(result.model.length > 0);
}

describe('example trainers', () => {
  it('python-xgboost: a global model on a small panel', { timeout: 60_000 }, async () => {
    requireTool(['/usr/bin/python3', '-c', 'import xgboost'], 'python3-xgboost');
    const panel = demoPanel();
    const script = join(repoRoot, 'examples/trainers/python-xgboost/train.py');
    const result = await runExternalTrainer(
      {
        series: panel,
        freq: 'D',
        seasonLength: 7,
        horizon: 14,
        quantiles: [0.1, 0.5, 0.9],
        params: { n_estimators: 60 },
        modelFile: 'model.json',
      },
      { command: ['/usr/bin/python3', script], workDir: workDir(), timeoutSeconds: 60 },
    );
    checkRealForecast(result, panel);
    assert.ok(existsSync(result.modelPath));
    assert.doesNotThrow(() => JSON.parse(result.model.toString('utf8')), 'model.json is the saved booster');
  });

  for (const method of ['ets', 'auto.arima'])
    it(`r-forecast: ${method} per series on a small panel`, { timeout: 60_000 }, async () => {
      requireTool(
        ['Rscript', '-e', 'library(forecast); library(jsonlite)'],
        'r-base-core and r-cran-forecast',
      );
      // auto.arima searches orders per series: two series keep the test within a few seconds.
      const panel = demoPanel(method === 'ets' ? 4 : 2);
      const script = join(repoRoot, 'examples/trainers/r-forecast/train.R');
      const result = await runExternalTrainer(
        {
          series: panel,
          freq: 'D',
          seasonLength: 7,
          horizon: 14,
          quantiles: [0.1, 0.5, 0.9],
          params: { method },
          modelFile: 'model.rds',
        },
        { command: ['Rscript', script], workDir: workDir(), timeoutSeconds: 60 },
      );
      checkRealForecast(result, panel);
      // RDS files are gzip-compressed by default.
      assert.equal(result.model.subarray(0, 2).toString('hex'), '1f8b');
    });
});
