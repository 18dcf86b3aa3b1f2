/**
 * @module evaluation/backtest
 * Rolling-origin evaluation (never a random split): each fold trains on everything before its origin
 * and forecasts the next `horizon` periods; origins step back from the end of each series by `step`.
 * Results per series, per fold and aggregated per model. This file holds the per-series work, which
 * runs alike in the main thread and in worker threads (see `backtest-runner`).
 */
import { conformalCalibration, orderQuantiles, withConformalIntervals } from '../models/conformal.js';
import type {
  Forecast,
  Frequency,
  GlobalModel,
  HyperParameters,
  LocalModel,
  PanelSeries,
} from '../models/model.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import { smape, wapeParts } from './percentage-metrics.js';
import { mae, nanMean, rmse } from './point-metrics.js';
import { intervalCoverage, meanPinballLoss } from './quantile-metrics.js';
import { inSampleScale } from './scaled-metrics.js';

/** One series to evaluate: evenly spaced values, NaN where missing. */
export interface BacktestSeries {
  id: string;
  y: Float64Array;
  /** ISO date of y[0]; global models use it for calendar features. */
  start?: string;
  attributes?: Record<string, string | number>;
}

export interface BacktestOptions {
  horizon: number;
  /** Number of forecast origins (folds). */
  folds: number;
  /** Periods between consecutive origins (default: the horizon, so test windows do not overlap). */
  step?: number;
  seasonLength: number;
  freq: Frequency;
  /** Quantile levels for pinball loss and coverage (default 0.1, 0.5, 0.9). */
  quantiles?: readonly number[];
  /** Lag of the naive forecast that scales MASE/RMSSE (default: the season length; M4 used 1). */
  scaleLag?: number;
  /** Hyperparameters per model name. */
  params?: Readonly<Record<string, HyperParameters>>;
  /** Give models with their own intervals conformal ones too (default: only models without). */
  conformalForAll?: boolean;
}

/** Metrics of one forecast window. Scaled pinball is pinball loss / in-sample naive MAE. */
export interface WindowMetrics {
  mae: number;
  rmse: number;
  mase: number;
  rmsse: number;
  smape: number;
  /** Σ|e|, Σ(f − a), Σ|a|: pooled into WAPE and relative bias. */
  absError: number;
  error: number;
  absActual: number;
  pinball: number;
  coverage: number;
}

export interface FoldResult {
  fold: number;
  /** Index of the first forecast period in the series. */
  origin: number;
  /** Model actually fitted (differs from the requested one after a fallback). */
  used: string;
  note?: string;
  /** Point forecast over the window. */
  mean: Float64Array;
  /** actual − forecast per step (NaN where the actual is missing). */
  residuals: Float64Array;
  metrics: WindowMetrics;
}

/** Summary over folds (per series) or over series (per model). */
export interface SummaryMetrics {
  mase: number;
  rmsse: number;
  smape: number;
  /** Pooled Σ|e| / Σ|a|. */
  wape: number;
  /** Pooled Σ(f − a) / Σ|a|; positive = over-forecast. */
  bias: number;
  mae: number;
  rmse: number;
  /** Mean scaled pinball loss over the quantile levels. */
  pinball: number;
  /** Share of actuals inside the outermost quantile pair. */
  coverage: number;
  /** Nominal coverage of that pair (e.g. 0.8 for 0.1–0.9). */
  nominalCoverage: number;
  windows: number;
}

export interface SeriesBacktest {
  seriesId: string;
  model: string;
  folds: FoldResult[];
  summary: SummaryMetrics;
  /** Fallback notes and skipped folds, de-duplicated. */
  notes: string[];
}

export interface ModelSummary extends SummaryMetrics {
  model: string;
  series: number;
}

export const DEFAULT_QUANTILES: readonly number[] = [0.1, 0.5, 0.9];

export class BacktestError extends Error {
  override readonly name = 'BacktestError';
  constructor(
    readonly code: 'BACKTEST_BAD_OPTIONS',
    message: string,
  ) {
    super(message);
  }
}

export function validateBacktestOptions(options: BacktestOptions): void {
  const { horizon, folds } = options;
  const step = options.step ?? horizon;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new BacktestError('BACKTEST_BAD_OPTIONS', `horizon must be a whole number ≥ 1, got ${horizon}`);
  if (!Number.isInteger(folds) || folds < 1)
    throw new BacktestError('BACKTEST_BAD_OPTIONS', `folds must be a whole number ≥ 1, got ${folds}`);
  if (!Number.isInteger(step) || step < 1)
    throw new BacktestError('BACKTEST_BAD_OPTIONS', `step must be a whole number ≥ 1, got ${step}`);
  for (const q of options.quantiles ?? []) {
    if (!(q > 0 && q < 1))
      throw new BacktestError('BACKTEST_BAD_OPTIONS', `quantile levels must lie in (0, 1), got ${q}`);
  }
}

/**
 * Forecast origins for a series of `length` periods, oldest first: the last fold's window ends at the
 * series end; earlier ones step back by `step`. Origins leaving no training data are dropped.
 *
 * @example
 * foldOrigins(20, { horizon: 4, folds: 3, step: 2 }); // [12, 14, 16]
 */
export function foldOrigins(
  length: number,
  options: { horizon: number; folds: number; step?: number },
): number[] {
  const step = options.step ?? options.horizon;
  const origins: number[] = [];
  for (let k = options.folds - 1; k >= 0; k--) {
    const origin = length - options.horizon - k * step;
    if (origin >= 1) origins.push(origin);
  }
  return origins;
}

/**
 * Backtests local models on one series.
 *
 * @example
 * const results = backtestSeries({ id: 'a', y }, ['ets', 'seasonal-naive'], { horizon: 7, folds: 3, seasonLength: 7, freq: 'D' }, modelCatalog);
 */
export function backtestSeries(
  series: BacktestSeries,
  modelSpecs: readonly string[],
  options: BacktestOptions,
  catalog: ModelCatalog,
): SeriesBacktest[] {
  return modelSpecs.map((spec) => backtestModel(series, catalog.local(spec), options, catalog));
}

function backtestModel(
  series: BacktestSeries,
  model: LocalModel,
  options: BacktestOptions,
  catalog: ModelCatalog,
): SeriesBacktest {
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  const h = options.horizon;
  const folds: FoldResult[] = [];
  const notes = new Set<string>();
  const pastResiduals: Float64Array[] = [];
  const origins = foldOrigins(series.y.length, options);
  if (origins.length < options.folds)
    notes.add(`series of ${series.y.length} periods holds ${origins.length} of ${options.folds} folds`);
  for (const [k, origin] of origins.entries()) {
    const train = series.y.subarray(0, origin);
    const actual = series.y.subarray(origin, origin + h);
    let outcome: ReturnType<ModelCatalog['fitWithFallback']>;
    try {
      outcome = catalog.fitWithFallback(model, {
        y: train,
        seasonLength: options.seasonLength,
        freq: options.freq,
        params: options.params?.[model.name] ?? {},
      });
    } catch (error) {
      notes.add(`fold ${k + 1} skipped: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (outcome.note) notes.add(outcome.note);
    let fc: Forecast = outcome.used.predict(outcome.fitted, { horizon: h, quantiles });
    // Models without analytic intervals get conformal ones from the folds before this one only, so
    // the evaluation never sees its own window's errors.
    const missing = quantiles.some((q) => !fc.quantiles.has(q));
    if ((missing || options.conformalForAll) && pastResiduals.length > 0) {
      fc = withConformalIntervals(fc, conformalCalibration(transpose(pastResiduals, h)), quantiles, {
        replaceAll: options.conformalForAll ?? false,
      });
    } else {
      fc = orderQuantiles(fc);
    }
    const residuals = new Float64Array(h);
    for (let i = 0; i < h; i++) residuals[i] = (actual[i] as number) - (fc.mean[i] as number);
    pastResiduals.push(residuals);
    folds.push({
      fold: k + 1,
      origin,
      used: outcome.used.name,
      ...(outcome.note ? { note: outcome.note } : {}),
      mean: fc.mean,
      residuals,
      metrics: windowMetrics(actual, fc, train, options.scaleLag ?? options.seasonLength, quantiles),
    });
  }
  return {
    seriesId: series.id,
    model: model.name,
    folds,
    summary: summarise(
      folds.map((f) => f.metrics),
      quantiles,
    ),
    notes: [...notes],
  };
}

/** Metrics of one forecast window against its actuals, scaled by the training part before it. */
export function windowMetrics(
  actual: Float64Array,
  fc: Forecast,
  train: Float64Array,
  scaleLag: number,
  quantiles: readonly number[],
): WindowMetrics {
  const scale1 = inSampleScale(train, scaleLag, 1);
  const scale2 = inSampleScale(train, scaleLag, 2);
  const absMae = mae(actual, fc.mean);
  const parts = wapeParts(actual, fc.mean);
  const levels = new Map<number, Float64Array>();
  for (const q of quantiles) {
    const values = fc.quantiles.get(q);
    if (values) levels.set(q, values);
  }
  const lo = fc.quantiles.get(Math.min(...quantiles));
  const hi = fc.quantiles.get(Math.max(...quantiles));
  const pinball = levels.size === quantiles.length ? meanPinballLoss(actual, levels) : Number.NaN;
  const rootMse = rmse(actual, fc.mean);
  return {
    mae: absMae,
    rmse: rootMse,
    mase: scale1 > 0 ? absMae / scale1 : Number.NaN,
    rmsse: scale2 > 0 ? rootMse / Math.sqrt(scale2) : Number.NaN,
    smape: smape(actual, fc.mean),
    ...parts,
    pinball: scale1 > 0 ? pinball / scale1 : Number.NaN,
    coverage: lo && hi && quantiles.length >= 2 ? intervalCoverage(actual, lo, hi) : Number.NaN,
  };
}

/** Averages scaled metrics and pools WAPE/bias sums over windows. */
export function summarise(
  windows: readonly WindowMetrics[],
  quantiles: readonly number[] = DEFAULT_QUANTILES,
): SummaryMetrics {
  const pick = (k: keyof WindowMetrics) => nanMean(windows.map((w) => w[k]));
  let absError = 0;
  let error = 0;
  let absActual = 0;
  for (const w of windows) {
    absError += w.absError;
    error += w.error;
    absActual += w.absActual;
  }
  return {
    mase: pick('mase'),
    rmsse: pick('rmsse'),
    smape: pick('smape'),
    wape: absActual > 0 ? absError / absActual : Number.NaN,
    bias: absActual > 0 ? error / absActual : Number.NaN,
    mae: pick('mae'),
    rmse: pick('rmse'),
    pinball: pick('pinball'),
    coverage: pick('coverage'),
    nominalCoverage: quantiles.length >= 2 ? Math.max(...quantiles) - Math.min(...quantiles) : Number.NaN,
    windows: windows.length,
  };
}

/**
 * Aggregates per-series results per model: scaled metrics are the mean over series of each series'
 * mean over folds; WAPE and bias are pooled over all windows of all series.
 */
export function aggregateByModel(
  results: readonly SeriesBacktest[],
  quantiles: readonly number[] = DEFAULT_QUANTILES,
): ModelSummary[] {
  const byModel = new Map<string, SeriesBacktest[]>();
  for (const r of results) {
    const list = byModel.get(r.model) ?? [];
    list.push(r);
    byModel.set(r.model, list);
  }
  return [...byModel].map(([model, list]) => {
    const seriesMean = (k: keyof SummaryMetrics) => nanMean(list.map((r) => r.summary[k]));
    const pooled = summarise(
      list.flatMap((r) => r.folds.map((f) => f.metrics)),
      quantiles,
    );
    return {
      model,
      series: list.length,
      ...pooled,
      mase: seriesMean('mase'),
      rmsse: seriesMean('rmsse'),
      smape: seriesMean('smape'),
      pinball: seriesMean('pinball'),
      coverage: seriesMean('coverage'),
    };
  });
}

/** Residual windows (one per fold) → residuals grouped by horizon step. */
export function transpose(windows: readonly Float64Array[], horizon: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let h = 0; h < horizon; h++)
    out.push(Float64Array.from(windows, (w) => (w[h] ?? Number.NaN) as number));
  return out;
}

/**
 * Backtests a global model: per fold one fit across every series cut at its own origin, then a
 * forecast of each series. Runs in the calling thread (the model itself spans all series).
 */
export function backtestGlobal(
  series: readonly BacktestSeries[],
  model: GlobalModel,
  options: BacktestOptions,
): SeriesBacktest[] {
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  const h = options.horizon;
  const perSeries = new Map<string, SeriesBacktest>(
    series.map((s) => [
      s.id,
      { seriesId: s.id, model: model.name, folds: [], summary: summarise([], quantiles), notes: [] },
    ]),
  );
  for (let k = 0; k < options.folds; k++) {
    const back = (options.folds - 1 - k) * (options.step ?? h);
    const panel: PanelSeries[] = [];
    const cut = new Map<string, number>();
    for (const s of series) {
      const origin = s.y.length - h - back;
      if (origin < 2) continue;
      cut.set(s.id, origin);
      panel.push({
        id: s.id,
        start: s.start ?? '2000-01-03',
        y: s.y.slice(0, origin),
        attributes: s.attributes ?? {},
      });
    }
    if (panel.length === 0) continue;
    const fitted = model.fit({
      series: panel,
      freq: options.freq,
      seasonLength: options.seasonLength,
      params: { horizon: h, ...(options.params?.[model.name] ?? {}) },
    });
    const forecasts = model.predict(fitted, panel, { horizon: h, quantiles });
    for (const s of series) {
      const origin = cut.get(s.id);
      const raw = forecasts.get(s.id);
      const result = perSeries.get(s.id);
      if (origin === undefined || !raw || !result) continue;
      const fc = orderQuantiles(raw);
      const actual = s.y.subarray(origin, origin + h);
      const residuals = Float64Array.from(actual, (a, i) => a - (fc.mean[i] as number));
      result.folds.push({
        fold: k + 1,
        origin,
        used: model.name,
        mean: fc.mean,
        residuals,
        metrics: windowMetrics(
          actual,
          fc,
          s.y.subarray(0, origin),
          options.scaleLag ?? options.seasonLength,
          quantiles,
        ),
      });
    }
  }
  for (const r of perSeries.values())
    r.summary = summarise(
      r.folds.map((f) => f.metrics),
      quantiles,
    );
  return [...perSeries.values()];
}
