/**
 * @module forecasting/auto-backtest
 * Backtests the `auto` model honestly: at each fold origin, selection runs again on the training part
 * only (its own inner backtest), so the evaluation never peeks at the window it scores.
 */
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
import { AUTO, type ForecastOptions, forecastPanel } from './forecast-engine.js';

/**
 * Rolling-origin backtest of `auto`, one forecast panel per fold.
 *
 * @example
 * const results = await backtestAuto(series, { horizon: 13, folds: 3, seasonLength: 52, freq: 'W' });
 */
export async function backtestAuto(
  series: readonly BacktestSeries[],
  options: BacktestOptions &
    Pick<ForecastOptions, 'workers' | 'autoCandidates' | 'catalog'> & { innerFolds?: number },
  onFold?: (fold: number, folds: number) => void,
): Promise<SeriesBacktest[]> {
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  const h = options.horizon;
  const folds = new Map<string, FoldResult[]>(series.map((s) => [s.id, []]));
  const notes = new Map<string, Set<string>>(series.map((s) => [s.id, new Set()]));
  for (let k = 0; k < options.folds; k++) {
    const back = (options.folds - 1 - k) * (options.step ?? h);
    const cut = series
      .map((s) => ({ s, origin: s.y.length - h - back }))
      .filter(({ s, origin }) => origin >= 1 && foldOrigins(s.y.length, options).includes(origin));
    const forecasts = await forecastPanel(
      cut.map(({ s, origin }) => ({
        id: s.id,
        y: s.y.slice(0, origin),
        ...(s.start ? { start: s.start } : {}),
        ...(s.attributes ? { attributes: s.attributes } : {}),
      })),
      {
        horizon: h,
        freq: options.freq,
        seasonLength: options.seasonLength,
        quantiles,
        models: [AUTO],
        folds: options.innerFolds ?? 3,
        ...(options.params ? { params: options.params } : {}),
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        ...(options.autoCandidates ? { autoCandidates: options.autoCandidates } : {}),
        ...(options.catalog ? { catalog: options.catalog } : {}),
      },
    );
    const byId = new Map(forecasts.map((f) => [f.seriesId, f]));
    for (const { s, origin } of cut) {
      const fc = byId.get(s.id);
      if (!fc || fc.model === '') continue;
      const actual = s.y.subarray(origin, origin + h);
      const residuals = Float64Array.from(actual, (a, i) => a - (fc.mean[i] as number));
      if (fc.note) notes.get(s.id)?.add(`fold ${k + 1}: ${fc.note}`);
      folds.get(s.id)?.push({
        fold: k + 1,
        origin,
        used: fc.model,
        ...(fc.note ? { note: fc.note } : {}),
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
    onFold?.(k + 1, options.folds);
  }
  return series.map((s) => {
    const f = folds.get(s.id) ?? [];
    return {
      seriesId: s.id,
      model: AUTO,
      folds: f,
      summary: summarise(
        f.map((x) => x.metrics),
        quantiles,
      ),
      notes: [...(notes.get(s.id) ?? [])],
    };
  });
}
