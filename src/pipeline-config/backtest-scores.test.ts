import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BacktestSeries, backtestSeries } from '../evaluation/backtest.js';
import { modelCatalog } from '../models/model-catalog.js';
import { foldScores, meanOfFolds, seriesFoldScores, volumeWeight } from './backtest-scores.js';

const layout = { horizon: 7, folds: 2, seasonLength: 7, freq: 'D' as const };

// A fast seller (~100 a day) and a slow one (~2 a day), both with noise the naive model misses.
const heavy: BacktestSeries = {
  id: 'heavy',
  y: Float64Array.from({ length: 70 }, (_, t) => 100 + ((t * 37) % 23) - 11),
};
const light: BacktestSeries = {
  id: 'light',
  y: Float64Array.from({ length: 70 }, (_, t) => ([0, 1, 5, 0, 2, 6, 0][t % 7] as number) + ((t * 13) % 3)),
};

test('volume weight: the units sold in the 28 days before the origin', () => {
  const y = Float64Array.from({ length: 40 }, (_, t) => t);
  assert.equal(volumeWeight(y, 30), (2 + 29) * 14);
  assert.equal(volumeWeight([1, Number.NaN, 3], 3), 4);
  assert.equal(volumeWeight([5, 5], 0), 0);
});

test('WRMSSE: a heavy series dominates the weighted mean of per-series RMSSE; RMSSE weighs series alike', () => {
  const results = [heavy, light].flatMap((s) => backtestSeries(s, ['naive'], layout, modelCatalog));
  const scores = seriesFoldScores(results, [heavy, light], layout, 'rmsse');
  const [h, l] = scores;
  assert.ok(h && l);
  // The per-series values are the backtest's own RMSSE, fold by fold (oldest first).
  assert.deepEqual(
    h.values,
    results[0]?.folds.map((f) => f.metrics.rmsse),
  );
  assert.deepEqual(h.weights, [volumeWeight(heavy.y, 56), volumeWeight(heavy.y, 63)]);
  assert.ok((h.weights[1] ?? 0) > 20 * (l.weights[1] ?? 0));
  // The two series score differently, so their weighting matters.
  assert.ok(Math.abs((h.values[1] ?? 0) - (l.values[1] ?? 0)) > 0.2, JSON.stringify(scores));

  const plain = foldScores(scores, 2, false);
  const weighted = foldScores(scores, 2, true);
  for (let k = 0; k < 2; k++) {
    const hv = h.values[k] as number;
    const lv = l.values[k] as number;
    const hw = h.weights[k] as number;
    const lw = l.weights[k] as number;
    assert.equal(plain[k], (hv + lv) / 2);
    assert.ok(Math.abs((weighted[k] as number) - (hw * hv + lw * lv) / (hw + lw)) < 1e-12);
    // Within 5 % of the gap between the two series from the heavy one's: it all but decides the score.
    assert.ok(Math.abs((weighted[k] as number) - hv) < 0.05 * Math.abs(hv - lv), `fold ${k}`);
  }
  assert.notEqual(meanOfFolds(weighted), meanOfFolds(plain));
});

test('fold scores skip series without a fold or an error, and a fold nobody scored is NaN', () => {
  const short: BacktestSeries = { id: 'short', y: Float64Array.from({ length: 16 }, (_, t) => 3 + (t % 3)) };
  const results = [heavy, short].flatMap((s) => backtestSeries(s, ['naive'], layout, modelCatalog));
  const scores = seriesFoldScores(results, [heavy, short], layout, 'mase');
  // The 16-day series' oldest fold trains on 2 days, too few to scale its error; its newest lines up
  // with the heavy series' newest.
  assert.ok(Number.isNaN(scores[1]?.values[0]));
  assert.ok(Number.isFinite(scores[1]?.values[1]));
  assert.equal(foldScores(scores, 2, true)[0], scores[0]?.values[0]);
  const none = foldScores([{ seriesId: 'x', values: [Number.NaN], weights: [5] }], 1, true);
  assert.ok(Number.isNaN(none[0]));
  assert.ok(Number.isNaN(foldScores([{ seriesId: 'x', values: [1], weights: [0] }], 1, true)[0]));
  assert.ok(Number.isNaN(meanOfFolds([Number.NaN])));
});
