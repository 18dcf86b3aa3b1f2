import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forecastPanel } from '../forecasting/forecast-engine.js';
import { runBacktest } from './backtest-runner.js';
import { runInWorkers, WorkerTaskError } from './worker-pool.js';

/** 30 seasonal weekly-ish series: enough to leave the sequential path. */
const series = Array.from({ length: 30 }, (_, k) => ({
  id: `s${k}`,
  y: Float64Array.from(
    { length: 40 },
    (_, i) => 50 + k + 10 * Math.sin((2 * Math.PI * i) / 4 + k) + ((i * 7 + k) % 5),
  ),
}));

describe('parallel execution', () => {
  it('backtests on worker threads with the same results as in-thread', async () => {
    const options = { models: ['naive'], horizon: 4, folds: 2, seasonLength: 4, freq: 'W' as const };
    const parallel = await runBacktest(series, { ...options, workers: 2 });
    const sequential = await runBacktest(series, { ...options, workers: 1 });
    assert.equal(parallel.series.length, 60);
    assert.deepEqual(
      parallel.series.map((s) => [s.seriesId, s.model, s.summary.mase]),
      sequential.series.map((s) => [s.seriesId, s.model, s.summary.mase]),
    );
    assert.deepEqual(parallel.aggregate, sequential.aggregate);
  });

  it('forecasts on worker threads with the same results as in-thread', async () => {
    const options = {
      models: ['seasonal-naive'],
      horizon: 4,
      seasonLength: 4,
      freq: 'W' as const,
      quantiles: [0.1, 0.9],
    };
    const parallel = await forecastPanel(series, { ...options, workers: 2 });
    const sequential = await forecastPanel(series, { ...options, workers: 1 });
    assert.equal(parallel.length, 30);
    assert.deepEqual(
      parallel.map((f) => [f.seriesId, [...f.mean], [...(f.quantiles.get(0.9) ?? [])]]),
      sequential.map((f) => [f.seriesId, [...f.mean], [...(f.quantiles.get(0.9) ?? [])]]),
    );
  });

  it('reports a failing task as a typed error with the worker’s code', async () => {
    const task = {
      series: [series[0]],
      models: ['no-such-model'],
      options: { horizon: 4, folds: 1, seasonLength: 4, freq: 'W' },
    };
    await assert.rejects(
      runInWorkers(new URL('./backtest-worker.js', import.meta.url), [task], { size: 1 }),
      (e: unknown) => e instanceof WorkerTaskError && e.code === 'MODEL_UNKNOWN',
    );
  });
});
