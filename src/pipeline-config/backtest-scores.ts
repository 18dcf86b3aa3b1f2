/**
 * @module pipeline-config/backtest-scores
 * How the standard pipeline's evaluation turns per-series backtests into one score per fold and
 * segment for the config's metric: MASE and RMSSE are plain means over series (as the tuner ranks
 * them), WRMSSE is the mean of per-series RMSSE weighted by each series' unit volume.
 *
 * The weights follow M5's WRMSSE at its bottom level (store × product), with two differences that
 * the data forces: M5 weighted by dollar sales, the snapshot holds units only, so a series weighs by
 * the units it sold; and they are taken per fold from the 28 days before that fold's origin (the
 * training history the forecast saw), as M5 took them from the 28 days before its test window.
 * Each series' RMSSE is scaled like every other RMSSE in the pipeline (in-sample seasonal naive,
 * lag = season length), where M5 used lag 1.
 */
import type { BacktestSeries } from '../evaluation/backtest.js';
import { nanMean } from '../evaluation/point-metrics.js';
import { foldIndex } from '../trainers/trainer-backtest.js';
import type { PipelineConfig } from './pipeline-config.js';

/** Trailing days of training history whose units weigh a series in WRMSSE (M5: 28). */
export const WRMSSE_WEIGHT_DAYS = 28;

/** A selection metric of the config. */
export type SelectionMetric = PipelineConfig['metric'];

/** The per-series error a metric is built from: WRMSSE weighs per-series RMSSE. */
export function seriesMetric(metric: SelectionMetric): 'mase' | 'rmsse' {
  return metric === 'mase' ? 'mase' : 'rmsse';
}

/** A backtest as stored or returned: per series, each fold's origin and scaled errors (null = NaN in JSON). */
export interface StoredSeriesBacktest {
  seriesId: string;
  folds: { origin: number; metrics: { mase: number | null; rmsse: number | null } }[];
}

/** One series' error and weight per fold (index 0 = oldest fold); NaN where the series has no such fold. */
export interface SeriesFoldScores {
  seriesId: string;
  values: number[];
  weights: number[];
}

export interface FoldLayout {
  horizon: number;
  folds: number;
  step?: number;
}

/** Units sold in the `days` periods before `origin` (missing values count as none sold). */
export function volumeWeight(y: ArrayLike<number>, origin: number, days = WRMSSE_WEIGHT_DAYS): number {
  let sum = 0;
  for (let t = Math.max(0, origin - days); t < origin; t++) {
    const v = y[t] as number;
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

/**
 * Lays a backtest out by fold with each series' error (`metric`) and volume weight per fold.
 *
 * @example
 * const scores = seriesFoldScores(report.series.filter((r) => r.model === 'ets'), panel, layout, 'rmsse');
 */
export function seriesFoldScores(
  results: readonly StoredSeriesBacktest[],
  series: readonly BacktestSeries[],
  layout: FoldLayout,
  metric: 'mase' | 'rmsse',
): SeriesFoldScores[] {
  const byId = new Map(series.map((s) => [s.id, s]));
  return results.map((r) => {
    const values = new Array<number>(layout.folds).fill(Number.NaN);
    const weights = new Array<number>(layout.folds).fill(Number.NaN);
    const y = byId.get(r.seriesId)?.y;
    if (y)
      for (const f of r.folds) {
        const k = foldIndex(y.length, f.origin, layout);
        if (!(k >= 0 && k < layout.folds)) continue;
        values[k] = f.metrics[metric] ?? Number.NaN;
        weights[k] = volumeWeight(y, f.origin);
      }
    return { seriesId: r.seriesId, values, weights };
  });
}

/**
 * The score of each fold: the mean over series of their errors, or with `weighted` the mean weighted
 * by volume (series without a finite error are left out and the weights renormalised, as M5 leaves
 * out series it cannot scale). NaN for a fold no series scored (or whose series sold nothing).
 *
 * @example
 * foldScores([{ seriesId: 'a', values: [1], weights: [90] }, { seriesId: 'b', values: [3], weights: [10] }], 1, true); // [1.2]
 */
export function foldScores(scores: readonly SeriesFoldScores[], folds: number, weighted: boolean): number[] {
  return Array.from({ length: folds }, (_, k) => {
    if (!weighted) return nanMean(scores.map((s) => s.values[k] ?? Number.NaN));
    let sum = 0;
    let total = 0;
    for (const s of scores) {
      const v = s.values[k] ?? Number.NaN;
      const w = s.weights[k] ?? Number.NaN;
      if (!Number.isFinite(v) || !Number.isFinite(w)) continue;
      sum += w * v;
      total += w;
    }
    return total > 0 ? sum / total : Number.NaN;
  });
}

/** Mean of the folds that scored, NaN when none did: the score of a backtest. */
export function meanOfFolds(folds: readonly number[]): number {
  return nanMean(folds);
}
