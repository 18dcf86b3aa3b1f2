/**
 * @module evaluation/backtest-worker
 * Worker-thread entry: backtests a chunk of series against the built-in model catalog.
 */
import { parentPort } from 'node:worker_threads';
import { modelCatalog } from '../models/model-catalog.js';
import {
  type BacktestOptions,
  type BacktestSeries,
  backtestSeries,
  type SeriesBacktest,
} from './backtest.js';
import { errorPayload } from './worker-pool.js';

export interface BacktestTask {
  series: BacktestSeries[];
  models: string[];
  options: BacktestOptions;
}

parentPort?.on('message', ({ id, task }: { id: number; task: BacktestTask }) => {
  try {
    const result: SeriesBacktest[] = task.series.flatMap((s) =>
      backtestSeries(s, task.models, task.options, modelCatalog),
    );
    parentPort?.postMessage({ id, result });
  } catch (error) {
    parentPort?.postMessage({ id, error: errorPayload(error) });
  }
});
