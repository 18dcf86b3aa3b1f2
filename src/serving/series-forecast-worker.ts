/**
 * @module serving/series-forecast-worker
 * Worker-thread entry: predicts a chunk of model-bundle series for one request shape.
 */
import { parentPort } from 'node:worker_threads';
import { errorPayload } from '../evaluation/worker-pool.js';
import { type PredictTask, predictSeries } from './series-predictor.js';

parentPort?.on('message', ({ id, task }: { id: number; task: PredictTask }) => {
  try {
    parentPort?.postMessage({ id, result: task.series.map((s) => predictSeries(s, task.shape)) });
  } catch (error) {
    parentPort?.postMessage({ id, error: errorPayload(error) });
  }
});
