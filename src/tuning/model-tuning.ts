/**
 * @module tuning/model-tuning
 * Hyperparameter search for forecasting models: one model's hyperparameters tuned on a panel of
 * series by rolling-origin backtest (mean MASE or RMSSE over series, reported per fold so that bad
 * trials are pruned after the first folds), and `selectPerSegment`, which tunes every candidate model
 * per segment (product category, demand class, …) and picks the best by backtest score, always with
 * the seasonal naive baseline reported beside it.
 */
import type { BacktestSeries, SeriesBacktest } from '../evaluation/backtest.js';
import type { BacktestTask } from '../evaluation/backtest-worker.js';
import { nanMean } from '../evaluation/point-metrics.js';
import { inSampleScale } from '../evaluation/scaled-metrics.js';
import { chunk, runInWorkers } from '../evaluation/worker-pool.js';
import type { Frequency, HyperParameters, LocalModel } from '../models/model.js';
import { type ModelCatalog, modelCatalog, SEASONAL_NAIVE } from '../models/model-catalog.js';
import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { type SearchSpaceConfig, searchedParameters, searchSpace } from './search-space.js';
import { runStudy, type StudyResult, type TrialRecord, type TrialReporter } from './study.js';
import { type SuccessiveHalvingOptions, SuccessiveHalvingPruner } from './successive-halving-pruner.js';
import { TpeSampler } from './tpe-sampler.js';
import { TuningError } from './tuning-error.js';

/** Scaled error the search minimises. */
export type TuningMetric = 'mase' | 'rmsse';

export interface BacktestScoreOptions {
  horizon: number;
  /** Rolling origins; each is one pruning step. */
  folds: number;
  /** Periods between origins (default: the horizon). */
  step?: number;
  seasonLength: number;
  freq: Frequency;
  /** Lag of the naive forecast that scales the metric (default: the season length). */
  scaleLag?: number;
  /** Default 'mase'; prefer 'rmsse' for intermittent demand, where MASE rewards forecasting zero. */
  metric?: TuningMetric;
  catalog?: ModelCatalog;
  /**
   * Worker threads per fold evaluation (default 1 = this thread). Above 1 each fold's series are
   * backtested on the evaluation worker pool; only the built-in catalog runs there.
   */
  workers?: number;
}

export interface TuneModelOptions extends BacktestScoreOptions {
  /** Catalog name of a local model. */
  model: string;
  /** Narrows the model's declared hyperparameters (ranges, choices, fixed values). */
  space?: SearchSpaceConfig;
  /** Fix parameters `space` does not name at their defaults (default true when `space` is given). */
  fixUnlisted?: boolean;
  sampler?: 'tpe' | 'random' | 'grid';
  seed?: number;
  /** Values per numeric parameter for the grid sampler (default 5). */
  gridPoints?: number;
  /** Random trials before TPE models the results (default min(10, maxTrials / 3)). */
  startupTrials?: number;
  /** Trial budget (default 30, or the grid's size). */
  maxTrials?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** Successive halving over folds (default on with eta 2 when folds ≥ 2); false turns it off. */
  pruning?: boolean | SuccessiveHalvingOptions;
  /** Sees every finished trial (complete, pruned or failed), e.g. for a progress bar. */
  onTrial?: (trial: TrialRecord) => void;
  /** Stops the search between trials: the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ModelTuningResult {
  model: string;
  metric: TuningMetric;
  /** Best complete trial's parameters (the declared defaults filled in). */
  bestParams?: HyperParameters;
  bestScore: number;
  study: StudyResult;
}

/**
 * Scores one model with fixed hyperparameters on a panel: the mean over folds of the mean over
 * series of the fold's scaled error. `onFold(k, runningMean)` sees the running mean after each fold.
 *
 * @example
 * const score = await backtestScore(series, 'moving-average', { window: 14 }, { horizon: 7, folds: 3, seasonLength: 7, freq: 'D' });
 */
export async function backtestScore(
  series: readonly BacktestSeries[],
  modelName: string,
  params: HyperParameters,
  options: BacktestScoreOptions,
  onFold?: (fold: number, runningMean: number) => void,
): Promise<number> {
  const catalog = options.catalog ?? modelCatalog;
  const model = catalog.local(modelName);
  const metric = options.metric ?? 'mase';
  const step = options.step ?? options.horizon;
  const useWorkers = (options.workers ?? 1) > 1 && catalog === modelCatalog;
  const foldScores: number[] = [];
  for (let k = 0; k < options.folds; k++) {
    const back = (options.folds - 1 - k) * step;
    const perSeries = useWorkers
      ? await foldScoresInWorkers(series, model.name, params, options, back, metric)
      : series.map((s) => foldScore(s, model, params, options, back, metric, catalog));
    const foldMean = nanMean(perSeries);
    if (Number.isNaN(foldMean)) continue;
    foldScores.push(foldMean);
    onFold?.(k + 1, nanMean(foldScores));
  }
  if (foldScores.length === 0) {
    throw new TuningError(
      'TUNING_BAD_OPTIONS',
      `${modelName} could not be scored on any fold: the series are too short or constant; use fewer folds or a shorter horizon`,
    );
  }
  return nanMean(foldScores);
}

function foldScore(
  series: BacktestSeries,
  model: LocalModel,
  params: HyperParameters,
  options: BacktestScoreOptions,
  back: number,
  metric: TuningMetric,
  catalog: ModelCatalog,
): number {
  const h = options.horizon;
  const origin = series.y.length - h - back;
  if (origin < 1) return Number.NaN;
  const train = series.y.subarray(0, origin);
  const actual = series.y.subarray(origin, origin + h);
  let mean: Float64Array;
  try {
    const { fitted, used } = catalog.fitWithFallback(model, {
      y: train,
      seasonLength: options.seasonLength,
      freq: options.freq,
      params,
    });
    mean = used.predict(fitted, { horizon: h, quantiles: [] }).mean;
  } catch {
    return Number.NaN;
  }
  const lag = options.scaleLag ?? options.seasonLength;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < h; i++) {
    const e = (actual[i] as number) - (mean[i] as number);
    if (!Number.isFinite(e)) continue;
    sum += metric === 'mase' ? Math.abs(e) : e * e;
    n++;
  }
  if (n === 0) return Number.NaN;
  const scale = inSampleScale(train, lag, metric === 'mase' ? 1 : 2);
  if (!(scale > 0)) return Number.NaN;
  return metric === 'mase' ? sum / n / scale : Math.sqrt(sum / n / scale);
}

/** One fold through the evaluation worker pool: each series cut so its last window is this fold's. */
async function foldScoresInWorkers(
  series: readonly BacktestSeries[],
  modelName: string,
  params: HyperParameters,
  options: BacktestScoreOptions,
  back: number,
  metric: TuningMetric,
): Promise<number[]> {
  const cut = series
    .filter((s) => s.y.length - options.horizon - back >= 1)
    .map((s) => ({ id: s.id, y: s.y.slice(0, s.y.length - back) }));
  const workers = options.workers ?? 1;
  const tasks: BacktestTask[] = chunk(cut, workers).map((c) => ({
    series: c,
    models: [modelName],
    options: {
      horizon: options.horizon,
      folds: 1,
      seasonLength: options.seasonLength,
      freq: options.freq,
      quantiles: [0.5],
      ...(options.scaleLag !== undefined ? { scaleLag: options.scaleLag } : {}),
      params: { [modelName]: params },
    },
  }));
  const out = await runInWorkers<BacktestTask, SeriesBacktest[]>(
    new URL('../evaluation/backtest-worker.js', import.meta.url),
    tasks,
    { size: workers },
  );
  return out.flat().map((r) => r.folds[0]?.metrics[metric] ?? Number.NaN);
}

/**
 * Tunes one model's hyperparameters on a panel by rolling-origin backtest.
 *
 * @example
 * const result = await tuneModel(series, {
 *   model: 'moving-average', space: { window: { min: 2, max: 60 } },
 *   horizon: 7, folds: 4, seasonLength: 7, freq: 'D', maxTrials: 25, seed: 1,
 * });
 * result.bestParams; // { window: … }
 */
export async function tuneModel(
  series: readonly BacktestSeries[],
  options: TuneModelOptions,
): Promise<ModelTuningResult> {
  const catalog = options.catalog ?? modelCatalog;
  const model = catalog.local(options.model);
  if (series.length === 0)
    throw new TuningError('TUNING_BAD_OPTIONS', 'no series to tune on; pass a non-empty panel');
  const space = searchSpace(model.hyperparameters, options.space ?? {}, {
    fixUnlisted: options.fixUnlisted ?? options.space !== undefined,
  });
  const searched = searchedParameters(space).length;
  const seed = options.seed ?? 0;
  const maxTrials = options.maxTrials ?? 30;
  let sampler: Sampler;
  if (searched === 0 || options.sampler === 'grid') {
    sampler = new GridSampler(space, { points: options.gridPoints ?? 5, shuffleSeed: seed });
  } else if (options.sampler === 'random') {
    sampler = new RandomSampler(space, { seed });
  } else {
    sampler = new TpeSampler(space, {
      seed,
      startupTrials: options.startupTrials ?? Math.min(10, Math.max(2, Math.floor(maxTrials / 3))),
    });
  }
  const pruning = options.pruning ?? options.folds >= 2;
  const pruner =
    pruning === false
      ? undefined
      : new SuccessiveHalvingPruner({
          eta: 2,
          maxResource: options.folds,
          ...(typeof pruning === 'object' ? pruning : {}),
        });
  const metric = options.metric ?? 'mase';
  const study = await runStudy(
    (params: HyperParameters, reporter: TrialReporter) =>
      backtestScore(series, model.name, params, { ...options, catalog }, (fold, value) =>
        reporter.report(fold, value),
      ),
    {
      sampler,
      maxTrials: searched === 0 ? 1 : maxTrials,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(pruner ? { pruner } : {}),
      ...(options.onTrial ? { onTrial: options.onTrial } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return {
    model: model.name,
    metric,
    ...(study.best ? { bestParams: study.best.params } : {}),
    bestScore: study.best?.value ?? Number.NaN,
    study,
  };
}

/** A group of series tuned and judged together. */
export interface Segment {
  name: string;
  series: readonly BacktestSeries[];
}

export interface SelectPerSegmentOptions extends Omit<TuneModelOptions, 'model' | 'space'> {
  /** Candidate models (catalog names of local models). */
  models: readonly string[];
  /** Search space per model name; models not named search their declared space. */
  spaces?: Readonly<Record<string, SearchSpaceConfig>>;
  onModelTuned?: (segment: string, result: ModelTuningResult) => void;
}

export interface CandidateScore {
  model: string;
  params?: HyperParameters;
  /** Backtest score of the best trial (NaN when no trial completed). */
  score: number;
  trials: number;
  pruned: number;
  failed: number;
}

export interface SegmentSelection {
  segment: string;
  series: number;
  metric: TuningMetric;
  /** Best candidate by backtest score; absent when no candidate completed a trial. */
  best?: CandidateScore;
  /** Every candidate, best first. */
  candidates: CandidateScore[];
  /** The seasonal naive baseline on the same folds, untuned. */
  seasonalNaive: number;
  /** best / seasonal naive: below 1 means the choice beats the baseline. */
  relativeToSeasonalNaive: number;
}

/**
 * Runs a study per (segment, candidate model) and picks the best model per segment.
 *
 * @example
 * const picks = await selectPerSegment(
 *   [{ name: 'smooth', series: smooth }, { name: 'intermittent', series: sparse }],
 *   { models: ['ets', 'croston', 'tsb'], horizon: 14, folds: 3, seasonLength: 7, freq: 'D', metric: 'rmsse', maxTrials: 20 },
 * );
 * for (const p of picks) console.log(p.segment, p.best?.model, p.relativeToSeasonalNaive);
 */
export async function selectPerSegment(
  segments: readonly Segment[],
  options: SelectPerSegmentOptions,
): Promise<SegmentSelection[]> {
  if (options.models.length === 0)
    throw new TuningError('TUNING_BAD_OPTIONS', 'no candidate models; pass at least one in `models`');
  const catalog = options.catalog ?? modelCatalog;
  for (const m of options.models) catalog.local(m);
  const metric = options.metric ?? 'mase';
  const out: SegmentSelection[] = [];
  for (const segment of segments) {
    const candidates: CandidateScore[] = [];
    for (const model of options.models) {
      const { models: _m, spaces, onModelTuned, ...rest } = options;
      const space = spaces?.[model];
      const result = await tuneModel(segment.series, { ...rest, model, ...(space ? { space } : {}) });
      onModelTuned?.(segment.name, result);
      const count = (state: string) => result.study.trials.filter((t) => t.state === state).length;
      candidates.push({
        model,
        ...(result.bestParams ? { params: result.bestParams } : {}),
        score: result.bestScore,
        trials: result.study.trials.length,
        pruned: count('pruned'),
        failed: count('failed'),
      });
    }
    candidates.sort((a, b) => rankable(a.score) - rankable(b.score));
    let seasonalNaive = Number.NaN;
    try {
      seasonalNaive = await backtestScore(segment.series, SEASONAL_NAIVE, {}, { ...options, catalog });
    } catch {
      // A segment too short for the baseline still gets its selection; the ratio is then NaN.
    }
    const best = candidates.find((c) => Number.isFinite(c.score));
    out.push({
      segment: segment.name,
      series: segment.series.length,
      metric,
      ...(best ? { best } : {}),
      candidates,
      seasonalNaive,
      relativeToSeasonalNaive: best ? best.score / seasonalNaive : Number.NaN,
    });
  }
  return out;
}

function rankable(score: number): number {
  return Number.isFinite(score) ? score : Number.POSITIVE_INFINITY;
}
