/**
 * @module serving/series-predictor
 * Predicts many bundle series for one request shape (horizon and quantile levels), in this thread or
 * on worker threads. Every prediction goes through `predictBundleSeries`, so the numbers are the same
 * wherever they are computed (same code, same engine, seeded simulations); a series that cannot answer
 * the shape (an external trainer's forecasts that are too short) yields a failure for that series
 * only, never for the others.
 */
import { availableParallelism } from 'node:os';
import { chunk, poolSize, runInWorkers } from '../evaluation/worker-pool.js';
import { type BundleSeries, ModelBundleError, predictBundleSeries } from '../models/model-bundle.js';
import { modelCatalog } from '../models/model-catalog.js';

/** What is asked of every series: days ahead and quantile levels (ascending, distinct). */
export interface ForecastShape {
  horizon: number;
  quantiles: readonly number[];
}

export type SeriesPrediction =
  | {
      ok: true;
      algorithm: string;
      dates: string[];
      mean: number[];
      /** One array per level of the shape, in the shape's order. */
      quantiles: number[][];
    }
  | { ok: false; code: string; message: string };

export interface PredictOptions {
  /**
   * Worker threads to use; 0 predicts in this thread. Default: in this thread for up to 32 series,
   * otherwise one fewer than the available cores (at least one), so the calling thread keeps serving.
   */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The task a forecast worker receives. */
export interface PredictTask {
  series: BundleSeries[];
  shape: ForecastShape;
}

/** Series per round of workers: cancellation is checked between rounds. */
const ROUND_SIZE = 2_000;
/** In-thread work between two yields to the event loop, in milliseconds. */
const SLICE_MS = 20;

/** Predicts one series; a failure is returned, not thrown. */
export function predictSeries(series: BundleSeries, shape: ForecastShape): SeriesPrediction {
  try {
    const f = predictBundleSeries(series, shape, modelCatalog);
    return {
      ok: true,
      algorithm: f.algorithm,
      dates: f.dates,
      mean: f.mean,
      quantiles: shape.quantiles.map((q) => f.quantiles.get(q) ?? []),
    };
  } catch (error) {
    const code =
      error instanceof ModelBundleError
        ? error.code
        : typeof (error as { code?: unknown }).code === 'string'
          ? (error as { code: string }).code
          : 'PREDICTION_FAILED';
    return { ok: false, code, message: (error as Error).message };
  }
}

/**
 * Predicts every series for `shape`, keeping their order.
 *
 * @example
 * const predictions = await predictAllSeries(bundle.series, { horizon: 28, quantiles: [0.1, 0.5, 0.9] });
 */
export async function predictAllSeries(
  series: readonly BundleSeries[],
  shape: ForecastShape,
  options: PredictOptions = {},
): Promise<SeriesPrediction[]> {
  const workers = options.workers ?? (series.length <= 32 ? 0 : Math.max(1, availableParallelism() - 1));
  return workers === 0
    ? predictInThread(series, shape, options)
    : predictInWorkers(series, shape, workers, options);
}

async function predictInThread(
  series: readonly BundleSeries[],
  shape: ForecastShape,
  options: PredictOptions,
): Promise<SeriesPrediction[]> {
  const out: SeriesPrediction[] = [];
  let sliceStart = performance.now();
  for (const s of series) {
    options.signal?.throwIfAborted();
    out.push(predictSeries(s, shape));
    options.onProgress?.(out.length, series.length);
    // Simulated intervals can take tens of milliseconds per series: let other work run in between.
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return out;
}

async function predictInWorkers(
  series: readonly BundleSeries[],
  shape: ForecastShape,
  workers: number,
  options: PredictOptions,
): Promise<SeriesPrediction[]> {
  const out: SeriesPrediction[] = [];
  const url = new URL('./series-forecast-worker.js', import.meta.url);
  for (let start = 0; start < series.length; start += ROUND_SIZE) {
    options.signal?.throwIfAborted();
    const round = series.slice(start, start + ROUND_SIZE);
    const size = poolSize(round.length, workers);
    const tasks: PredictTask[] = chunk(round, size).map((part) => ({ series: part, shape }));
    const results = await runInWorkers<PredictTask, SeriesPrediction[]>(url, tasks, {
      size,
      // Chunks are of about equal size and finish in any order: count done ones by their share.
      onProgress: (done) =>
        options.onProgress?.(start + Math.round((round.length * done) / tasks.length), series.length),
    });
    for (const r of results) out.push(...r);
  }
  options.signal?.throwIfAborted();
  return out;
}
