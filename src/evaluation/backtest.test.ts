import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalModel } from '../models/model.js';
import { ModelCatalog } from '../models/model-catalog.js';
import { BacktestError, foldOrigins } from './backtest.js';
import { runBacktest } from './backtest-runner.js';

/** Test models: forecasts from the training data by a rule simple enough to compute by hand. */
function ruleModel(
  name: string,
  minLength: number,
  rule: (y: Float64Array, step: number, m: number) => number,
): LocalModel {
  return {
    kind: 'local',
    name,
    description: 'test model',
    hyperparameters: [],
    minLength: () => minLength,
    fit: ({ y, seasonLength }) => ({ model: name, params: {}, state: { y: [...y], m: seasonLength } }),
    predict: (fitted, { horizon }) => {
      const { y, m } = fitted.state as { y: number[]; m: number };
      const arr = Float64Array.from(y);
      return {
        mean: Float64Array.from({ length: horizon }, (_, h) => rule(arr, h, m)),
        quantiles: new Map(),
      };
    },
  };
}
const naive = ruleModel('naive', 1, (y) => y[y.length - 1] as number);
const seasonalNaive = ruleModel('seasonal-naive', 2, (y, h, m) => y[y.length - m + (h % m)] as number);
const meanOfAll = ruleModel('needs-ten', 10, (y) => y.reduce((a, b) => a + b, 0) / y.length);
const catalog = new ModelCatalog([naive, seasonalNaive, meanOfAll]);
const y = Float64Array.from({ length: 12 }, (_, i) => i + 1);

describe('fold origins', () => {
  it('steps back from the series end, oldest first', () => {
    assert.deepEqual(foldOrigins(20, { horizon: 4, folds: 3, step: 2 }), [12, 14, 16]);
    assert.deepEqual(foldOrigins(20, { horizon: 4, folds: 2 }), [12, 16]);
    assert.deepEqual(foldOrigins(6, { horizon: 4, folds: 3 }), [2]);
  });
});

describe('runBacktest', () => {
  const options = {
    horizon: 2,
    folds: 2,
    seasonLength: 1,
    freq: 'D' as const,
    quantiles: [0.1, 0.9],
    catalog,
  };

  it('computes per-fold and per-series metrics by rolling origin', async () => {
    const report = await runBacktest([{ id: 'lin', y }], { ...options, models: ['naive'] });
    const r = report.series.find((s) => s.model === 'naive');
    assert.ok(r);
    assert.deepEqual(
      r.folds.map((f) => f.origin),
      [8, 10],
    );
    // Fold 1: train 1..8 → 8, 8 vs 9, 10; fold 2: 10, 10 vs 11, 12. In-sample naive MAE is 1.
    assert.deepEqual([...(r.folds[0]?.mean ?? [])], [8, 8]);
    assert.deepEqual([...(r.folds[1]?.residuals ?? [])], [1, 2]);
    assert.equal(r.summary.mase, 1.5);
    assert.equal(r.summary.wape, 6 / 42);
    assert.equal(r.summary.bias, -6 / 42);
    assert.equal(r.summary.windows, 2);
  });

  it('always adds seasonal naive and aggregates per model', async () => {
    const report = await runBacktest(
      [
        { id: 'a', y },
        { id: 'b', y: Float64Array.from(y, (v) => v * 2) },
      ],
      { ...options, models: ['naive'] },
    );
    assert.deepEqual(report.models, ['naive', 'seasonal-naive']);
    const agg = report.aggregate.find((a) => a.model === 'naive');
    assert.equal(agg?.series, 2);
    assert.equal(agg?.mase, 1.5); // scale-free: the doubled series has the same MASE
    assert.ok(report.aggregate.some((a) => a.model === 'seasonal-naive'));
  });

  it('gives models without intervals conformal ones from earlier folds only', async () => {
    const report = await runBacktest([{ id: 'lin', y }], { ...options, models: ['naive'] });
    const r = report.series.find((s) => s.model === 'naive');
    // Fold 1 has no earlier residuals: no interval. Fold 2 uses fold 1's residuals (1, 2):
    // [10 − 1, 10 + 1] ∋ 11 and [10 − 2, 10 + 2] ∋ 12.
    assert.ok(Number.isNaN(r?.folds[0]?.metrics.coverage));
    assert.equal(r?.folds[1]?.metrics.coverage, 1);
    assert.equal(r?.summary.coverage, 1);
    assert.ok((r?.summary.nominalCoverage ?? 0) - 0.8 < 1e-12);
  });

  it('falls back to a simpler model on short training windows and says so', async () => {
    const report = await runBacktest([{ id: 'lin', y }], { ...options, models: ['needs-ten'] });
    const r = report.series.find((s) => s.model === 'needs-ten');
    assert.equal(r?.folds[0]?.used, 'naive');
    assert.match(r?.folds[0]?.note ?? '', /needs-ten needs 10 observations, series has 8/);
    assert.equal(r?.folds[1]?.used, 'needs-ten');
    assert.equal(r?.notes.length, 1);
  });

  it('refuses bad options and unknown models before doing work', async () => {
    await assert.rejects(
      runBacktest([{ id: 'a', y }], { ...options, horizon: 0, models: [] }),
      BacktestError,
    );
    await assert.rejects(
      runBacktest([{ id: 'a', y }], { ...options, models: ['nope'] }),
      /unknown model "nope"/,
    );
  });
});
