/**
 * @module forecasting/forecast-engine
 * Forecasts a panel of series with chosen models or `auto`: fitting with fallback for short series,
 * intervals from the model or, where it has none, split-conformal from backtest residuals, and
 * quantiles that never cross and never go below 0 for non-negative data. Per-series work runs on
 * worker threads for larger panels.
 */
import {
  type BacktestOptions,
  backtestGlobal,
  backtestSeries,
  type SeriesBacktest,
  transpose,
} from '../evaluation/backtest.js';
import { chunk, poolSize, runInWorkers } from '../evaluation/worker-pool.js';
import { conformalCalibration, orderQuantiles, withConformalIntervals } from '../models/conformal.js';
import type { Forecast, Frequency, HyperParameters, PanelSeries } from '../models/model.js';
import { type ModelCatalog, modelCatalog } from '../models/model-catalog.js';
import {
  type AutoCandidates,
  chooseModel,
  DEFAULT_AUTO_CANDIDATES,
  type DemandClass,
} from './auto-selection.js';
import { ForecastingError } from './forecasting-error.js';

export const AUTO = 'auto';

export interface ForecastOptions {
  horizon: number;
  freq: Frequency;
  seasonLength: number;
  /** Quantile levels in (0, 1). */
  quantiles: readonly number[];
  /** Model specs, or `['auto']`. */
  models: readonly string[];
  /** Conformal intervals for models without their own ('missing', default) or for every model ('all'). */
  conformal?: 'missing' | 'all';
  /** Backtest folds for `auto` selection and for conformal calibration (default 3). */
  folds?: number;
  /** Candidates for `auto`. */
  autoCandidates?: AutoCandidates;
  params?: Readonly<Record<string, HyperParameters>>;
  /** Worker threads (default: available parallelism; 1 = in this thread). */
  workers?: number;
  catalog?: ModelCatalog;
  onProgress?: (done: number, total: number) => void;
}

export interface ForecastSeriesInput {
  id: string;
  y: Float64Array;
  start?: string;
  attributes?: Record<string, string | number>;
}

export interface SeriesForecast {
  seriesId: string;
  /** Model spec asked for (`auto`, `ets`, ...). */
  requested: string;
  /** Model that produced the forecast; empty when none could. */
  model: string;
  demandClass?: DemandClass;
  /** Fallbacks, skipped intervals, selection remarks. */
  note?: string;
  /** For `auto`: score of every candidate by the selection metric. */
  selection?: { metric: 'mase' | 'rmsse' | 'mae' | 'rmse'; scores: Record<string, number> };
  mean: Float64Array;
  quantiles: Map<number, Float64Array>;
  /** Whether the quantiles came from conformal calibration. */
  conformal: boolean;
}

/** Below this many series the panel runs in this thread. */
const SEQUENTIAL_LIMIT = 8;

export function validateForecastOptions(options: ForecastOptions): void {
  if (!Number.isInteger(options.horizon) || options.horizon < 1) {
    throw new ForecastingError(
      'FORECAST_BAD_OPTIONS',
      `horizon must be a whole number ≥ 1, got ${options.horizon}`,
    );
  }
  if (!Number.isInteger(options.seasonLength) || options.seasonLength < 1) {
    throw new ForecastingError(
      'FORECAST_BAD_OPTIONS',
      `season length must be a whole number ≥ 1, got ${options.seasonLength}`,
    );
  }
  for (const q of options.quantiles) {
    if (!(q > 0 && q < 1))
      throw new ForecastingError('FORECAST_BAD_OPTIONS', `quantile levels must lie in (0, 1), got ${q}`);
  }
  if (options.models.length === 0)
    throw new ForecastingError('FORECAST_BAD_OPTIONS', 'no model given; pass --models auto or model names');
}

/**
 * Forecasts one series with every requested local model.
 *
 * @example
 * const [fc] = forecastSeries({ id: 'a', y }, { horizon: 7, freq: 'D', seasonLength: 7, quantiles: [0.1, 0.9], models: ['auto'] }, modelCatalog);
 */
export function forecastSeries(
  series: ForecastSeriesInput,
  options: ForecastOptions,
  catalog: ModelCatalog,
): SeriesForecast[] {
  const nonNegative = isNonNegative(series.y);
  const backtestOptions: BacktestOptions = {
    horizon: options.horizon,
    folds: options.folds ?? 3,
    seasonLength: options.seasonLength,
    freq: options.freq,
    quantiles: options.quantiles,
    ...(options.params ? { params: options.params } : {}),
  };
  const out: SeriesForecast[] = [];
  for (const spec of options.models) {
    if (catalog.global(spec)) continue;
    let modelName = spec;
    const notes: string[] = [];
    let backtest: SeriesBacktest | undefined;
    let demandClass: DemandClass | undefined;
    let selection: SeriesForecast['selection'];
    if (spec === AUTO) {
      const choice = chooseModel(
        series,
        backtestOptions,
        catalog,
        options.autoCandidates ?? DEFAULT_AUTO_CANDIDATES,
      );
      modelName = choice.model;
      backtest = choice.backtest;
      demandClass = choice.profile.demandClass;
      selection = { metric: choice.metric, scores: choice.scores };
      if (choice.note) notes.push(choice.note);
    }
    const model = catalog.local(modelName);
    let outcome: ReturnType<ModelCatalog['fitWithFallback']>;
    try {
      outcome = catalog.fitWithFallback(model, {
        y: series.y,
        seasonLength: options.seasonLength,
        freq: options.freq,
        params: options.params?.[modelName] ?? {},
      });
    } catch (error) {
      notes.push(`no forecast: ${error instanceof Error ? error.message : String(error)}`);
      out.push({
        seriesId: series.id,
        requested: spec,
        model: '',
        ...(demandClass ? { demandClass } : {}),
        note: notes.join('; '),
        mean: new Float64Array(options.horizon).fill(Number.NaN),
        quantiles: new Map(
          options.quantiles.map((q) => [q, new Float64Array(options.horizon).fill(Number.NaN)]),
        ),
        conformal: false,
      });
      continue;
    }
    if (outcome.note) notes.push(`fallback: ${outcome.note}`);
    let fc: Forecast = outcome.used.predict(outcome.fitted, {
      horizon: options.horizon,
      quantiles: options.quantiles,
    });
    const missing = options.quantiles.some((q) => !fc.quantiles.has(q));
    let conformal = false;
    if (missing || options.conformal === 'all') {
      // Residuals of the model actually used: the fallback's when the requested model could not fit.
      if (!backtest || backtest.model !== outcome.used.name)
        backtest = backtestSeries(series, [outcome.used.name], backtestOptions, catalog)[0];
      const windows = (backtest?.folds ?? []).map((f) => f.residuals);
      if (windows.length > 0) {
        fc = withConformalIntervals(
          fc,
          conformalCalibration(transpose(windows, options.horizon)),
          options.quantiles,
          {
            replaceAll: options.conformal === 'all',
          },
        );
        conformal = true;
        if (windows.length < 5)
          notes.push(`conformal intervals from only ${windows.length} backtest windows`);
      } else if (missing) {
        notes.push('no interval: too short for a backtest window');
      }
    }
    const clean = finish(fc, options, nonNegative);
    out.push({
      seriesId: series.id,
      requested: spec,
      model: outcome.used.name,
      ...(demandClass ? { demandClass } : {}),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      ...(selection ? { selection } : {}),
      mean: clean.mean,
      quantiles: clean.quantiles,
      conformal,
    });
  }
  return out;
}

/**
 * Forecasts a panel: local models per series (on worker threads for larger panels), global models
 * across the panel. Results come per series in input order, then per model in the order asked.
 *
 * @example
 * const forecasts = await forecastPanel(panel.series, { horizon: 28, freq: 'D', seasonLength: 7, quantiles: [0.5, 0.9], models: ['auto'] });
 */
export async function forecastPanel(
  series: readonly ForecastSeriesInput[],
  options: ForecastOptions,
): Promise<SeriesForecast[]> {
  validateForecastOptions(options);
  const catalog = options.catalog ?? modelCatalog;
  for (const spec of options.models) if (spec !== AUTO && !catalog.global(spec)) catalog.local(spec);
  const { catalog: _c, onProgress, workers: _w, ...plain } = options;
  const workers =
    options.catalog && options.catalog !== modelCatalog ? 1 : poolSize(series.length, options.workers);
  let local: SeriesForecast[];
  if (workers <= 1 || series.length < SEQUENTIAL_LIMIT) {
    local = [];
    for (const [i, s] of series.entries()) {
      local.push(...forecastSeries(s, plain, catalog));
      onProgress?.(i + 1, series.length);
    }
  } else {
    const chunks = chunk(series, workers);
    const sizes = chunks.map((c) => c.length);
    const out = await runInWorkers<
      { series: ForecastSeriesInput[]; options: typeof plain },
      SeriesForecast[]
    >(
      new URL('./forecast-worker.js', import.meta.url),
      chunks.map((c) => ({ series: c, options: plain })),
      {
        size: workers,
        onProgress: (done) =>
          onProgress?.(
            sizes.slice(0, done).reduce((a, b) => a + b, 0),
            series.length,
          ),
      },
    );
    local = out.flat();
  }
  const globals = options.models.filter((m) => catalog.global(m));
  if (globals.length === 0) return local;
  const all = [...local];
  for (const spec of globals) all.push(...forecastGlobal(series, spec, options, catalog));
  const order = new Map(series.map((s, i) => [s.id, i]));
  const modelOrder = new Map(options.models.map((m, i) => [m, i]));
  return all.sort(
    (a, b) =>
      (order.get(a.seriesId) ?? 0) - (order.get(b.seriesId) ?? 0) ||
      (modelOrder.get(a.requested) ?? 0) - (modelOrder.get(b.requested) ?? 0),
  );
}

function forecastGlobal(
  series: readonly ForecastSeriesInput[],
  spec: string,
  options: ForecastOptions,
  catalog: ModelCatalog,
): SeriesForecast[] {
  const model = catalog.global(spec);
  if (!model) return [];
  const panel: PanelSeries[] = series.map((s) => ({
    id: s.id,
    start: s.start ?? '2000-01-03',
    y: s.y,
    attributes: s.attributes ?? {},
  }));
  const fitted = model.fit({
    series: panel,
    freq: options.freq,
    seasonLength: options.seasonLength,
    params: { horizon: options.horizon, ...(options.params?.[spec] ?? {}) },
  });
  const forecasts = model.predict(fitted, panel, { horizon: options.horizon, quantiles: options.quantiles });
  const needsConformal =
    options.conformal === 'all' ||
    [...forecasts.values()].some((fc) => options.quantiles.some((q) => !fc.quantiles.has(q)));
  const residuals = new Map<string, Float64Array[]>();
  if (needsConformal) {
    const bt = backtestGlobal(series, model, {
      horizon: options.horizon,
      folds: options.folds ?? 3,
      seasonLength: options.seasonLength,
      freq: options.freq,
      quantiles: options.quantiles,
    });
    for (const r of bt)
      residuals.set(
        r.seriesId,
        r.folds.map((f) => f.residuals),
      );
  }
  return series.map((s) => {
    let fc = forecasts.get(s.id) ?? {
      mean: new Float64Array(options.horizon).fill(Number.NaN),
      quantiles: new Map(),
    };
    const windows = residuals.get(s.id) ?? [];
    const conformal = needsConformal && windows.length > 0;
    if (conformal) {
      fc = withConformalIntervals(
        fc,
        conformalCalibration(transpose(windows, options.horizon)),
        options.quantiles,
        { replaceAll: options.conformal === 'all' },
      );
    }
    const clean = finish(fc, options, isNonNegative(s.y));
    return {
      seriesId: s.id,
      requested: spec,
      model: spec,
      mean: clean.mean,
      quantiles: clean.quantiles,
      conformal,
    };
  });
}

/** Orders quantiles, keeps only the requested levels and clips at 0 for non-negative data. */
function finish(fc: Forecast, options: ForecastOptions, nonNegative: boolean): Forecast {
  const clip = (a: Float64Array) => (nonNegative ? a.map((v) => Math.max(0, v)) : a);
  const ordered = orderQuantiles({
    mean: fc.mean,
    quantiles: new Map([...fc.quantiles].filter(([q]) => options.quantiles.includes(q))),
  });
  return {
    mean: clip(ordered.mean),
    quantiles: new Map([...ordered.quantiles].map(([q, v]) => [q, clip(v)])),
  };
}

function isNonNegative(y: Float64Array): boolean {
  for (const v of y) if (v < 0) return false;
  return true;
}
