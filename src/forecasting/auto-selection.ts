/**
 * @module forecasting/auto-selection
 * The `auto` model: per series, the Syntetos–Boylan class routes the series to continuous or
 * intermittent-demand candidates, a short rolling-origin backtest scores each candidate, and the best
 * one is fitted on the whole history. Continuous series are scored by MASE; intermittent and lumpy
 * ones by RMSSE, because MAE is minimised by the median, which is 0 for intermittent demand, so MASE
 * would crown a useless all-zero forecast (the M5 organisers chose RMSSE for the same reason).
 */
import { type BacktestOptions, backtestSeries, type SeriesBacktest } from '../evaluation/backtest.js';
import type { ModelCatalog } from '../models/model-catalog.js';

/** Syntetos–Boylan–Croston demand classes (ADI cut-off 1.32, CV² cut-off 0.49). */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';

export interface DemandProfile {
  demandClass: DemandClass;
  /** Average inter-demand interval: periods per non-zero demand. */
  adi: number;
  /** Squared coefficient of variation of the non-zero demand sizes. */
  cv2: number;
}

/**
 * Classifies a demand history (Syntetos, Boylan & Croston 2005). Missing values are ignored; a
 * history without any demand counts as lumpy (nothing but zeros).
 *
 * @example
 * classifyDemand(Float64Array.from([0, 0, 3, 0, 0, 0, 4, 0])).demandClass; // 'intermittent'
 */
export function classifyDemand(y: ArrayLike<number>): DemandProfile {
  let observed = 0;
  const sizes: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isFinite(v)) continue;
    observed++;
    if (v !== 0) sizes.push(v);
  }
  if (sizes.length === 0) return { demandClass: 'lumpy', adi: Number.POSITIVE_INFINITY, cv2: 0 };
  const adi = observed / sizes.length;
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const variance = sizes.length > 1 ? sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1) : 0;
  const cv2 = mean !== 0 ? variance / (mean * mean) : 0;
  const intermittent = adi >= 1.32;
  const variable = cv2 >= 0.49;
  const demandClass: DemandClass = intermittent
    ? variable
      ? 'lumpy'
      : 'intermittent'
    : variable
      ? 'erratic'
      : 'smooth';
  return { demandClass, adi, cv2 };
}

export interface AutoCandidates {
  /** For smooth and erratic series. */
  continuous: readonly string[];
  /** For intermittent and lumpy series. */
  intermittent: readonly string[];
}

/** Default candidate lists; names missing from the catalog are skipped. */
export const DEFAULT_AUTO_CANDIDATES: AutoCandidates = {
  continuous: ['ets', 'theta', 'seasonal-naive', 'naive'],
  intermittent: ['sba', 'croston', 'tsb', 'adida', 'naive'],
};

export interface AutoChoice {
  model: string;
  profile: DemandProfile;
  /** Selection metric: MASE or RMSSE; MAE or RMSE when the series' scale is 0. */
  metric: 'mase' | 'rmsse' | 'mae' | 'rmse';
  /** Candidate → score (NaN when it could not be scored). */
  scores: Record<string, number>;
  /** The chosen model's backtest, whose residuals calibrate conformal intervals. */
  backtest: SeriesBacktest | undefined;
  note?: string;
}

/**
 * Chooses a model for one series by backtest among the candidates for its demand class.
 *
 * @example
 * const choice = chooseModel({ id: 'a', y }, { horizon: 13, folds: 3, seasonLength: 52, freq: 'W' }, modelCatalog);
 */
export function chooseModel(
  series: { id: string; y: Float64Array },
  options: BacktestOptions,
  catalog: ModelCatalog,
  candidates: AutoCandidates = DEFAULT_AUTO_CANDIDATES,
): AutoChoice {
  const profile = classifyDemand(series.y);
  const intermittent = profile.demandClass === 'intermittent' || profile.demandClass === 'lumpy';
  let names = (intermittent ? candidates.intermittent : candidates.continuous).filter((n) => catalog.has(n));
  if (names.length === 0)
    names = [...candidates.continuous, ...candidates.intermittent].filter((n) => catalog.has(n));
  const scaled = intermittent ? 'rmsse' : 'mase';
  const results = backtestSeries(series, names, options, catalog);
  // A candidate that only ran as a fallback did not earn its score: it stays unscored.
  const ran = results.filter((r) => r.folds.some((f) => f.used === r.model));
  // Within one series the scale only converts units; when it is undefined (a history that repeats
  // exactly with the season) rank by the unscaled error instead.
  const metric: AutoChoice['metric'] = ran.some((r) => !Number.isFinite(r.summary[scaled]))
    ? intermittent
      ? 'rmse'
      : 'mae'
    : scaled;
  const scores: Record<string, number> = {};
  for (const r of results) scores[r.model] = Number.NaN;
  let best: SeriesBacktest | undefined;
  for (const r of ran) {
    const score = r.summary[metric];
    scores[r.model] = score;
    if (Number.isFinite(score) && (!best || score < (scores[best.model] as number))) best = r;
  }
  if (best) return { model: best.model, profile, metric, scores, backtest: best };
  const model = names[0] ?? 'naive';
  return {
    model,
    profile,
    metric,
    scores,
    backtest: results.find((r) => r.model === model),
    note: `auto: too little history to compare candidates; used ${model}`,
  };
}
