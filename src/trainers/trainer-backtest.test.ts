import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type BacktestSeries, backtestSeries } from '../evaluation/backtest.js';
import { modelCatalog } from '../models/model-catalog.js';
import { backtestExternalTrainer } from './trainer-backtest.js';

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
});
