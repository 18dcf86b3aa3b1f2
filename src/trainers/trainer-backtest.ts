/**
 * @module trainers/trainer-backtest
 * Rolling-origin backtest of an external trainer on the same folds and metrics as the built-in models
 * (`evaluation/backtest`), so its results sit beside theirs. One trainer run per fold covers every
 * series that has that fold, since a trainer may be a global model.
 */
import { join } from 'node:path';
import {
  type BacktestOptions,
  type BacktestSeries,
  DEFAULT_QUANTILES,
  type FoldResult,
  foldOrigins,
  type SeriesBacktest,
  summarise,
  windowMetrics,
} from '../evaluation/backtest.js';
import { nanMean } from '../evaluation/point-metrics.js';
import { type ExternalTrainerOptions, runExternalTrainer } from './external-trainer.js';
import type { TrainerSeries } from './trainer-contract.js';

export interface TrainerBacktestOptions extends BacktestOptions {
  /** Name the results carry in `model` (e.g. `python-xgboost`). */
  name: string;
  /** Trainer command and timeout; each fold runs in `<workRoot>/fold-<k>`. */
  trainer: Omit<ExternalTrainerOptions, 'workDir'>;
  workRoot: string;
  /** Model file name inside each fold's work directory. */
  modelFile?: string;
}

/**
 * The fold (0 = oldest of `options.folds`) a forecast origin belongs to in a series of `length`
 * periods, as `foldOrigins` lays them out (right-aligned: the last fold ends at the series end).
 *
 * @example
 * foldIndex(20, 16, { horizon: 4, folds: 3, step: 2 }); // 2
 */
export function foldIndex(
  length: number,
  origin: number,
  options: { horizon: number; folds: number; step?: number },
): number {
  const back = (length - options.horizon - origin) / (options.step ?? options.horizon);
  return options.folds - 1 - back;
}

/**
 * A backtest's score as `tuning/backtestScore` computes it for a built-in model, so an external
 * trainer ranks beside the tuned models on equal terms: per fold the mean over series of `metric`,
 * then the mean over the folds that scored. NaN when no fold scored.
 *
 * @example
 * const score = backtestScoreOf(results, series, { horizon: 7, folds: 3 }, 'rmsse');
 */
export function backtestScoreOf(
  results: readonly Pick<SeriesBacktest, 'seriesId' | 'folds'>[],
  series: readonly BacktestSeries[],
  options: { horizon: number; folds: number; step?: number },
  metric: 'mase' | 'rmsse',
): number {
  const lengths = new Map(series.map((s) => [s.id, s.y.length]));
  const perFold: number[][] = Array.from({ length: options.folds }, () => []);
  for (const r of results)
    for (const f of r.folds) {
      const k = foldIndex(lengths.get(r.seriesId) ?? Number.NaN, f.origin, options);
      perFold[k]?.push(f.metrics[metric]);
    }
  return nanMean(perFold.map((values) => nanMean(values)));
}

/**
 * Backtests an external trainer: fold k (oldest first) forecasts, for every series long enough,
 * the window starting at `foldOrigins(series length)[…]`, exactly as `backtestSeries` does. Trainer
 * params come from `options.params[options.name]`. A fold whose trainer fails rejects the promise.
 *
 * @example
 * const results = await backtestExternalTrainer(series, {
 *   name: 'r-ets', horizon: 7, folds: 3, seasonLength: 7, freq: 'D', workRoot: '/tmp/bt',
 *   trainer: { command: ['Rscript', 'examples/trainers/r-forecast/train.R'], timeoutSeconds: 300 },
 * });
 */
export async function backtestExternalTrainer(
  series: readonly BacktestSeries[],
  options: TrainerBacktestOptions,
): Promise<SeriesBacktest[]> {
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  const h = options.horizon;
  const folds = new Map<string, FoldResult[]>();
  const notes = new Map<string, Set<string>>();
  const originsOf = new Map<string, number[]>();
  for (const s of series) {
    const origins = foldOrigins(s.y.length, options);
    // Right-align: the newest fold of every series is the last fold index, as in backtestSeries.
    originsOf.set(s.id, [...Array<number>(options.folds - origins.length).fill(-1), ...origins]);
    folds.set(s.id, []);
    notes.set(
      s.id,
      new Set(
        origins.length < options.folds
          ? [`series of ${s.y.length} periods holds ${origins.length} of ${options.folds} folds`]
          : [],
      ),
    );
  }
  for (let k = 0; k < options.folds; k++) {
    const members = series.filter((s) => (originsOf.get(s.id)?.[k] ?? -1) >= 1);
    if (members.length === 0) continue;
    const trainSet: TrainerSeries[] = members.map((s) => ({
      id: s.id,
      start: s.start ?? '2000-01-01',
      y: s.y.subarray(0, originsOf.get(s.id)?.[k] ?? 0),
    }));
    const result = await runExternalTrainer(
      {
        series: trainSet,
        freq: options.freq,
        seasonLength: options.seasonLength,
        horizon: h,
        quantiles,
        params: options.params?.[options.name] ?? {},
        ...(options.modelFile ? { modelFile: options.modelFile } : {}),
      },
      { ...options.trainer, workDir: join(options.workRoot, `fold-${k + 1}`) },
    );
    for (const s of members) {
      const origin = originsOf.get(s.id)?.[k] ?? 0;
      const fc = result.forecasts.get(s.id);
      if (!fc) continue;
      for (const note of result.notes) notes.get(s.id)?.add(`fold ${k + 1}: ${note}`);
      const train = s.y.subarray(0, origin);
      const actual = s.y.subarray(origin, origin + h);
      const residuals = new Float64Array(h);
      for (let i = 0; i < h; i++) residuals[i] = (actual[i] as number) - (fc.mean[i] as number);
      const own = folds.get(s.id) ?? [];
      own.push({
        fold: own.length + 1,
        origin,
        used: options.name,
        mean: fc.mean,
        residuals,
        metrics: windowMetrics(actual, fc, train, options.scaleLag ?? options.seasonLength, quantiles),
      });
    }
  }
  return series.map((s) => {
    const own = folds.get(s.id) ?? [];
    return {
      seriesId: s.id,
      model: options.name,
      folds: own,
      summary: summarise(
        own.map((f) => f.metrics),
        quantiles,
      ),
      notes: [...(notes.get(s.id) ?? [])],
    };
  });
}
