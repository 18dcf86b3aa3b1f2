/**
 * @module forecasting/auto-selection
 * The `auto` model: per series, the Syntetos–Boylan class routes the series to candidates (smooth:
 * continuous models; intermittent and lumpy: intermittent-demand methods plus smoothers that cope
 * with zeros, without the naive forecasts; erratic: both lists), a short rolling-origin backtest scores each candidate, and the best
 * one is fitted on the whole history. Continuous series are scored by MASE; intermittent and lumpy
 * ones by RMSSE, because MAE is minimised by the median, which is 0 for intermittent demand, so MASE
 * would crown a useless all-zero forecast (the M5 organisers chose RMSSE for the same reason).
 */
import { type BacktestOptions, backtestSeries, type SeriesBacktest } from '../evaluation/backtest.js';
import { classifyDemand, type DemandClassification } from '../models/intermittency.js';
import type { ModelCatalog } from '../models/model-catalog.js';

export type { DemandClass } from '../models/intermittency.js';

export interface AutoCandidates {
  /** For smooth and erratic series. */
  continuous: readonly string[];
  /** For intermittent and lumpy series. */
  intermittent: readonly string[];
}

/** Default candidate lists; names missing from the catalog are skipped. */
export const DEFAULT_AUTO_CANDIDATES: AutoCandidates = {
  // The equal-weight combination is a candidate beside its members: on M4 weekly it beat each of
  // them and the published Theta and Damped benchmarks (bench/m4-weekly.js, docs/benchmarks.md).
  continuous: [
    'ets',
    'theta',
    'optimised-theta',
    'ensemble-mean:ets+theta+optimised-theta',
    'seasonal-naive',
    'naive',
  ],
  // Smoothers that cope with zeros stay in the race: on the demo data ETS beat every Croston-type
  // method on intermittent series (bench/accuracy-demo.js), so the backtest, not the class, decides.
  intermittent: ['sba', 'tsb', 'adida', 'croston', 'ets', 'theta', 'moving-average'],
};

/** Relative backtest score within which a combination is preferred to the single best candidate. */
export const COMBINATION_MARGIN = 0.1;

export interface AutoChoice {
  model: string;
  profile: DemandClassification;
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
  const pool =
    profile.demandClass === 'erratic'
      ? [...candidates.continuous, ...candidates.intermittent]
      : intermittent
        ? candidates.intermittent
        : candidates.continuous;
  let names = [...new Set(pool)].filter((n) => catalog.has(n));
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
  // A few backtest folds are a noisy judge; a combination that scores within the margin of the
  // winner is the safer choice (the "forecast combination puzzle": picking the apparent best
  // model rarely beats the equal-weight average out of sample).
  const combination = ran.find((r) => r.model.startsWith('ensemble-'));
  if (best && combination && best !== combination) {
    const c = scores[combination.model] as number;
    if (Number.isFinite(c) && c <= (scores[best.model] as number) * (1 + COMBINATION_MARGIN))
      best = combination;
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
