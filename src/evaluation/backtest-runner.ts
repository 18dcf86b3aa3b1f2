/**
 * @module evaluation/backtest-runner
 * Runs a backtest over a panel of series: local models per series on worker threads (sequentially for
 * small jobs), global models across the panel in this thread, and always the seasonal naive baseline.
 */
import { type ModelCatalog, modelCatalog, SEASONAL_NAIVE } from '../models/model-catalog.js';
import {
  aggregateByModel,
  type BacktestOptions,
  type BacktestSeries,
  backtestGlobal,
  backtestSeries,
  DEFAULT_QUANTILES,
  type ModelSummary,
  type SeriesBacktest,
  validateBacktestOptions,
} from './backtest.js';
import type { BacktestTask } from './backtest-worker.js';
import { chunk, poolSize, runInWorkers } from './worker-pool.js';

export interface RunBacktestOptions extends BacktestOptions {
  /** Model specs to evaluate; the seasonal naive baseline is added when absent. */
  models: readonly string[];
  /** Worker threads (default: available parallelism; 1 = in this thread). */
  workers?: number;
  /** Catalog to resolve models from; only the built-in catalog can run on worker threads. */
  catalog?: ModelCatalog;
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestReport {
  models: string[];
  series: SeriesBacktest[];
  aggregate: ModelSummary[];
}

/** Below this many series × models the job runs in this thread: starting workers would cost more. */
const SEQUENTIAL_LIMIT = 24;

/**
 * Backtests every model on every series.
 *
 * @example
 * const report = await runBacktest(series, { models: ['ets', 'theta'], horizon: 13, folds: 3, seasonLength: 52, freq: 'W' });
 * console.table(report.aggregate);
 */
export async function runBacktest(
  series: readonly BacktestSeries[],
  options: RunBacktestOptions,
): Promise<BacktestReport> {
  validateBacktestOptions(options);
  const catalog = options.catalog ?? modelCatalog;
  const models = [...new Set([...options.models, SEASONAL_NAIVE])];
  const globals = models.filter((m) => catalog.global(m));
  const locals = models.filter((m) => !catalog.global(m));
  for (const m of locals) catalog.local(m); // resolve early: an unknown name fails before any work
  const { models: _m, workers: _w, catalog: _c, onProgress, ...backtestOptions } = options;
  const total = series.length * locals.length;
  const workers =
    options.catalog && options.catalog !== modelCatalog ? 1 : poolSize(series.length, options.workers);

  let results: SeriesBacktest[];
  if (workers <= 1 || total <= SEQUENTIAL_LIMIT) {
    results = [];
    for (const [i, s] of series.entries()) {
      results.push(...backtestSeries(s, locals, backtestOptions, catalog));
      onProgress?.((i + 1) * locals.length, total);
    }
  } else {
    const chunks = chunk(series, workers);
    const tasks: BacktestTask[] = chunks.map((c) => ({
      series: c,
      models: locals,
      options: backtestOptions,
    }));
    let seriesDone = 0;
    const sizes = chunks.map((c) => c.length);
    const out = await runInWorkers<BacktestTask, SeriesBacktest[]>(
      new URL('./backtest-worker.js', import.meta.url),
      tasks,
      {
        size: workers,
        onProgress: (done) => {
          seriesDone = sizes.slice(0, done).reduce((a, b) => a + b, 0);
          onProgress?.(Math.min(total, seriesDone * locals.length), total);
        },
      },
    );
    results = out.flat();
  }
  for (const g of globals) {
    const model = catalog.global(g);
    if (model) results.push(...backtestGlobal(series, model, backtestOptions));
  }
  return {
    models,
    series: results,
    aggregate: aggregateByModel(results, options.quantiles ?? DEFAULT_QUANTILES),
  };
}
