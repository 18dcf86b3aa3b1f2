import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type BacktestSeries, backtestSeries, foldOrigins } from '../evaluation/backtest.js';
import { modelCatalog } from '../models/model-catalog.js';
import { backtestScore } from '../tuning/model-tuning.js';
import { backtestExternalTrainer, backtestScoreOf, foldIndex } from './trainer-backtest.js';

const root = mkdtempSync(join(tmpdir(), 'shelfcast-trainer-bt-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A naive trainer: every step repeats the series' last training value, interval ±1.
const trainerPath = join(root, 'naive-trainer.mjs');
writeFileSync(
  trainerPath,
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
fs.writeFileSync(spec.model_path, 'naive');
`,
);

describe('external trainer backtest', () => {
  it('uses the same folds and point metrics as the built-in backtest', async () => {
    const series: BacktestSeries[] = [
      {
        id: 'long',
        start: '2026-01-01',
        y: Float64Array.from({ length: 40 }, (_, t) => 10 + ((t * 37) % 11)),
      },
      {
        id: 'short',
        start: '2026-01-15',
        y: Float64Array.from({ length: 20 }, (_, t) => 5 + ((t * 13) % 5)),
      },
    ];
    const options = { horizon: 5, folds: 4, seasonLength: 7, freq: 'D' as const };
    const workRoot = join(root, 'bt');
    const results = await backtestExternalTrainer(series, {
      ...options,
      name: 'node-naive',
      workRoot,
      trainer: { command: [process.execPath, trainerPath], timeoutSeconds: 20 },
    });
    assert.deepEqual(readdirSync(workRoot).sort(), ['fold-1', 'fold-2', 'fold-3', 'fold-4']);
    for (const [i, s] of series.entries()) {
      const ours = results[i];
      const [reference] = backtestSeries(s, ['naive'], options, modelCatalog);
      assert.ok(ours && reference);
      assert.equal(ours.model, 'node-naive');
      assert.deepEqual(
        ours.folds.map((f) => [f.fold, f.origin]),
        reference.folds.map((f) => [f.fold, f.origin]),
      );
      for (const [k, fold] of ours.folds.entries()) {
        assert.deepEqual([...fold.mean], [...(reference.folds[k]?.mean ?? [])]);
        assert.ok(fold.mean.every((v) => v === s.y[fold.origin - 1]));
      }
      assert.equal(ours.summary.mase, reference.summary.mase);
      assert.equal(ours.summary.wape, reference.summary.wape);
      // Pinball is NaN when a quantile is missing; otherwise finite wherever the scale is (as MASE).
      for (const f of ours.folds)
        assert.equal(Number.isFinite(f.metrics.pinball), Number.isFinite(f.metrics.mase));
      assert.ok(ours.folds.some((f) => Number.isFinite(f.metrics.pinball)));
    }
  });

  it('scores like the tuner scores a built-in model, so trainers and tuned models rank on equal terms', async () => {
    const series: BacktestSeries[] = [
      { id: 'a', start: '2026-01-01', y: Float64Array.from({ length: 45 }, (_, t) => 8 + ((t * 29) % 13)) },
      // Too short for the oldest fold: the fold means must skip it as the tuner does.
      { id: 'b', start: '2026-01-20', y: Float64Array.from({ length: 26 }, (_, t) => 4 + ((t * 7) % 5)) },
    ];
    const options = { horizon: 6, folds: 3, step: 4, seasonLength: 7, freq: 'D' as const };
    const results = await backtestExternalTrainer(series, {
      ...options,
      name: 'node-naive',
      workRoot: join(root, 'score'),
      trainer: { command: [process.execPath, trainerPath], timeoutSeconds: 20 },
    });
    for (const metric of ['mase', 'rmsse'] as const) {
      const ours = backtestScoreOf(results, series, options, metric);
      const tuner = await backtestScore(series, 'naive', {}, { ...options, metric });
      assert.ok(Number.isFinite(ours));
      assert.ok(Math.abs(ours - tuner) < 1e-12 * tuner, `${metric}: ${ours} vs ${tuner}`);
    }
  });

  it('numbers folds oldest first, right-aligned on the series end', () => {
    const layout = { horizon: 4, folds: 3, step: 2 };
    assert.deepEqual(
      foldOrigins(20, layout).map((o) => foldIndex(20, o, layout)),
      [0, 1, 2],
    );
    // A short series holding only the newest two folds.
    assert.deepEqual(
      foldOrigins(8, layout).map((o) => foldIndex(8, o, layout)),
      [1, 2],
    );
  });
});
