/**
 * @module forecasting/forecast-worker
 * Worker-thread entry: forecasts a chunk of series with the built-in model catalog.
 */
import { parentPort } from 'node:worker_threads';
import { errorPayload } from '../evaluation/worker-pool.js';
import { modelCatalog } from '../models/model-catalog.js';
import { type ForecastOptions, type ForecastSeriesInput, forecastSeries } from './forecast-engine.js';

parentPort?.on(
  'message',
  ({ id, task }: { id: number; task: { series: ForecastSeriesInput[]; options: ForecastOptions } }) => {
    try {
      parentPort?.postMessage({
        id,
        result: task.series.flatMap((s) => forecastSeries(s, task.options, modelCatalog)),
      });
    } catch (error) {
      parentPort?.postMessage({ id, error: errorPayload(error) });
    }
  },
);
