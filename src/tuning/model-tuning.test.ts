import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BacktestSeries } from '../evaluation/backtest.js';
import { modelCatalog } from '../models/model-catalog.js';
import { backtestScore, selectPerSegment, tuneModel } from './model-tuning.js';
import { TuningRng } from './prng.js';

/**
 * A slowly drifting level plus a strong cycle of `period`: a moving average over exactly one cycle
 * (or a multiple, which lags the drifting level more) averages the cycle away; any other window leaves a
 * part of it in the forecast.
 */
function cyclic(seed: number, period: number, length: number): BacktestSeries {
  const rng = new TuningRng(seed);
  const phase = rng.integer(period);
  let level = 100;
  const y = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    level += 0.05 * rng.normal();
    y[t] = level + 20 * Math.sin((2 * Math.PI * (t + phase)) / period) + 0.2 * rng.normal();
  }
  return { id: `cyclic-${seed}`, y };
}

function intermittent(seed: number, length: number): BacktestSeries {
  const rng = new TuningRng(seed);
  const y = Float64Array.from({ length }, () => (rng.uniform() < 0.12 ? 1 + rng.integer(6) : 0));
  return { id: `sparse-${seed}`, y };
}

function weekly(seed: number, length: number): BacktestSeries {
  const rng = new TuningRng(seed);
  const pattern = [30, 35, 40, 45, 80, 120, 60];
  const y = Float64Array.from({ length }, (_, t) => (pattern[t % 7] as number) + 3 * rng.normal());
  return { id: `weekly-${seed}`, y };
}

test('tuning the moving average finds the window of the cycle', async () => {
  const panel = [1, 2, 3].map((s) => cyclic(s, 12, 180));
  // Horizon = one cycle, so each window's error is the cycle's variance plus the forecast's bias.
  const backtest = { horizon: 12, folds: 4, seasonLength: 1, freq: 'M' } as const;
  for (const seed of [1, 2, 3]) {
    const result = await tuneModel(panel, {
      model: 'moving-average',
      space: { window: { min: 2, max: 20 } },
      ...backtest,
      maxTrials: 25,
      seed,
    });
    assert.equal(result.bestParams?.window, 12, `seed ${seed}`);
    assert.ok(
      result.study.trials.some((t) => t.state === 'pruned'),
      'pruning never triggered',
    );
  }
  const result = await tuneModel(panel, {
    model: 'moving-average',
    space: { window: { min: 2, max: 20 } },
    ...backtest,
    maxTrials: 25,
    seed: 1,
  });
  // The reported score is the backtest score of those parameters.
  const rescored = await backtestScore(panel, 'moving-average', { window: 12 }, backtest);
  assert.ok(Math.abs(rescored - result.bestScore) < 1e-12);
  assert.ok(rescored < (await backtestScore(panel, 'moving-average', { window: 11 }, backtest)));
});

test('selectPerSegment picks an intermittent method for intermittent series and reports seasonal naive', async () => {
  const selections = await selectPerSegment(
    [
      { name: 'intermittent', series: [1, 2, 3, 4].map((s) => intermittent(s, 210)) },
      { name: 'weekly', series: [5, 6, 7].map((s) => weekly(s, 210)) },
    ],
    {
      models: ['naive', 'moving-average', 'croston', 'tsb', 'seasonal-naive'],
      spaces: {
        'moving-average': { window: { min: 1, max: 5 } },
        croston: { optimise: 'none' },
        tsb: { optimise: 'none' },
      },
      horizon: 14,
      folds: 3,
      seasonLength: 7,
      freq: 'D',
      metric: 'rmsse',
      maxTrials: 10,
      seed: 1,
    },
  );
  const sparse = selections.find((s) => s.segment === 'intermittent');
  const week = selections.find((s) => s.segment === 'weekly');
  assert.ok(sparse?.best && week?.best);
  assert.equal(modelCatalog.family(sparse.best.model), 'intermittent', JSON.stringify(sparse.candidates));
  assert.equal(week.best.model, 'seasonal-naive', JSON.stringify(week.candidates));
  assert.ok(Number.isFinite(sparse.seasonalNaive) && sparse.relativeToSeasonalNaive < 1);
  assert.equal(sparse.candidates.length, 5);
  assert.ok(sparse.candidates.every((c, i, all) => i === 0 || c.score >= (all[i - 1]?.score as number)));
});

test('fold scores computed on the evaluation worker pool equal those computed in this thread', async () => {
  const panel = [1, 2, 3, 4].map((s) => cyclic(s, 12, 120));
  const options = { horizon: 12, folds: 2, seasonLength: 1, freq: 'M' } as const;
  const folds: number[][] = [[], []];
  const inThread = await backtestScore(panel, 'moving-average', { window: 9 }, options, (_k, v) =>
    folds[0]?.push(v),
  );
  const inWorkers = await backtestScore(
    panel,
    'moving-average',
    { window: 9 },
    { ...options, workers: 2 },
    (_k, v) => folds[1]?.push(v),
  );
  assert.ok(Math.abs(inThread - inWorkers) < 1e-12, `${inThread} vs ${inWorkers}`);
  assert.equal(folds[1]?.length, 2);
  assert.ok(Math.abs((folds[0]?.[0] as number) - (folds[1]?.[0] as number)) < 1e-12);
});
