/**
 * @module models/mstl
 * MSTL as R's forecast::mstl and forecast.mstl (the stlf approach): a series is split into trend,
 * one seasonal component per season length (STL iterated over the periods) and remainder; the
 * seasonally adjusted series (trend + remainder) is forecast by automatic non-seasonal ETS ("ZZN"),
 * and each seasonal component is carried forward by repeating its last cycle.
 */

import { etsFitFromState, etsModel } from './ets.js';
import type { EtsFit } from './ets-fit.js';
import { etsPointForecast } from './ets-forecast.js';
import type {
  FittedModel,
  Forecast,
  Frequency,
  HyperParameterSpec,
  HyperParameters,
  Json,
  LocalFitInput,
  LocalModel,
} from './model.js';
import { withDefaults } from './model.js';
import { checkRequest, normalQuantile } from './optim/gaussian.js';
import { stl } from './stl.js';

/** MSTL could not be fitted or a stored state is unusable; `code` is stable. */
export class MstlError extends Error {
  override readonly name = 'MstlError';
  constructor(
    readonly code: 'invalid-periods' | 'no-data' | 'invalid-state',
    message: string,
  ) {
    super(message);
  }
}

/** Trend, one seasonal component per kept period (shortest first) and remainder. */
export interface MstlDecomposition {
  /** Periods actually used, ascending; those of at least half the series length are dropped. */
  periods: number[];
  /** STL seasonal window used for each period. */
  sWindows: number[];
  trend: Float64Array;
  seasonal: Float64Array[];
  remainder: Float64Array;
}

export interface MstlOptions {
  /**
   * Seasonal window of the shortest period; each longer period's window is 4 larger, R's default
   * s.window = 7 + 4 * seq(6) (11, 15, 19, …).
   */
  sWindow?: number;
  /** Passes over all periods (R's `iterate`, default 2). */
  iterations?: number;
}

/**
 * Periods MSTL keeps for a series of length n, as R's mstl: above 1, below n / 2, ascending, unique.
 *
 * @example
 * keptPeriods([365.25, 7], 400); // [7]
 */
export function keptPeriods(periods: readonly number[], n: number): number[] {
  const kept = periods.filter((p) => p > 1 && p < n / 2);
  return [...new Set(kept)].sort((a, b) => a - b);
}

/**
 * forecast::mstl without Box-Cox: STL (robust = FALSE) on each period in turn, shortest first,
 * each time on the data with the other periods' current seasonal estimates removed; `iterations`
 * passes. The trend is that of the last STL fit. NaN is not allowed (fill gaps first). With no
 * usable period there is no seasonal part and trend = y (R smooths with supsmu there instead;
 * MSTL's forecast does not depend on that split).
 *
 * @example
 * const d = mstlDecompose(y, [48, 336]); // d.seasonal[0] is the daily cycle of half-hourly data
 */
export function mstlDecompose(
  y: Float64Array,
  periods: readonly number[],
  options: MstlOptions = {},
): MstlDecomposition {
  const n = y.length;
  for (const v of y) {
    if (!Number.isFinite(v)) {
      throw new MstlError('no-data', 'mstlDecompose needs finite values; fill missing values first');
    }
  }
  const kept = keptPeriods(periods, n);
  const base = options.sWindow ?? 11;
  const sWindows = kept.map((_, i) => base + 4 * i);
  const iterations = Math.max(1, Math.round(options.iterations ?? 2));
  const seasonal: Float64Array[] = kept.map(() => new Float64Array(n));
  if (kept.length === 0) {
    return { periods: kept, sWindows, trend: Float64Array.from(y), seasonal, remainder: new Float64Array(n) };
  }
  const deseas = Float64Array.from(y);
  let trend: Float64Array = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < kept.length; k++) {
      const s = seasonal[k]!;
      for (let i = 0; i < n; i++) deseas[i] = deseas[i]! + s[i]!;
      const fit = stl(deseas, kept[k]!, sWindows[k]!);
      seasonal[k] = fit.seasonal;
      trend = fit.trend;
      for (let i = 0; i < n; i++) deseas[i] = deseas[i]! - fit.seasonal[i]!;
    }
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = deseas[i]! - trend[i]!;
  return { periods: kept, sWindows, trend, seasonal, remainder };
}

/** Season lengths 'auto' gives per frequency (R's msts conventions; 365.25 keeps leap years). */
const AUTO_PERIODS: Record<Frequency, number[]> = { D: [7, 365.25], W: [52], M: [12], Q: [4], Y: [] };

/**
 * Reads the `seasonal_periods` hyperparameter: 'auto' (from the frequency, plus the series' season
 * length) or a comma-separated list such as "7,365.25" or "48,336".
 *
 * @example
 * parsePeriods('auto', 'D', 7); // [7, 365.25]
 * parsePeriods('12', 'M', 12); // [12]
 */
export function parsePeriods(text: string, freq: Frequency, seasonLength: number): number[] {
  if (text.trim() === 'auto') {
    const periods = [...(AUTO_PERIODS[freq] ?? [])];
    if (seasonLength > 1 && !periods.includes(seasonLength)) periods.push(seasonLength);
    return periods.sort((a, b) => a - b);
  }
  const parts = text.split(',').map((s) => s.trim());
  const periods = parts.map(Number);
  if (parts.length === 0 || periods.some((p) => !Number.isFinite(p) || p < 1)) {
    throw new MstlError(
      'invalid-periods',
      `seasonal_periods "${text}" is not "auto" or a comma-separated list of season lengths >= 1, e.g. "7,365.25"`,
    );
  }
  return periods;
}

/**
 * Forecast variances of a non-seasonal ETS fit, forecast's class 1 (additive error:
 * σ²(1 + Σ_{k<j} c_k²), c_k = α + β(φ + … + φ^k)) and class 2 (multiplicative error:
 * θ_j = μ_j² + σ² Σ_{k<j} c_k² θ_{j−k}, var = (1 + σ²)θ − μ²). Computed here rather than taken from
 * the ETS model's quantiles because those are clipped at zero, and the adjusted series' bounds
 * may be negative before the seasonal part is added back.
 */
function nonSeasonalVariance(fit: EtsFit, mu: Float64Array): Float64Array {
  const h = mu.length;
  const { alpha, beta, phi, sigma2 } = fit;
  const hasTrend = fit.spec.trend !== 'N';
  const c = new Float64Array(h);
  let phiPow = 1;
  let phiSum = 0;
  for (let k = 0; k < h; k++) {
    phiPow *= phi;
    phiSum += phiPow;
    c[k] = alpha + (hasTrend ? beta * phiSum : 0);
  }
  const variance = new Float64Array(h);
  if (fit.spec.error === 'A') {
    let acc = 0;
    for (let j = 0; j < h; j++) {
      variance[j] = sigma2 * (1 + acc);
      acc += c[j]! * c[j]!;
    }
    return variance;
  }
  const theta = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let acc = 0;
    for (let k = 1; k <= j; k++) acc += c[k - 1]! * c[k - 1]! * theta[j - k]!;
    theta[j] = mu[j]! * mu[j]! + sigma2 * acc;
    variance[j] = (1 + sigma2) * theta[j]! - mu[j]! * mu[j]!;
  }
  return variance;
}

/** R's approx(rule = 2): linear interpolation inside, the nearest observation at the ends. */
function fillGaps(y: Float64Array): Float64Array {
  const out = Float64Array.from(y);
  let prev = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) continue;
    if (prev < 0) out.fill(out[i]!, 0, i);
    else if (i - prev > 1) {
      const a = out[prev]!;
      const step = (out[i]! - a) / (i - prev);
      for (let j = prev + 1; j < i; j++) out[j] = a + step * (j - prev);
    }
    prev = i;
  }
  if (prev < 0) throw new MstlError('no-data', 'the series has no observed values; MSTL needs data');
  out.fill(out[prev]!, prev + 1);
  return out;
}

const hyperparameters: readonly HyperParameterSpec[] = [
  {
    name: 'seasonal_periods',
    type: 'categorical',
    choices: ['auto', '7', '7,365.25', '12', '52', '48,336'],
    default: 'auto',
    help: 'Season lengths, comma-separated (any list is accepted, e.g. "7,30.44,365.25"); "auto" takes them from the frequency: D → 7 and 365.25, W → 52, M → 12, Q → 4. Periods of at least half the series length are dropped.',
  },
  {
    name: 's_window',
    type: 'int',
    min: 5,
    max: 51,
    default: 11,
    help: 'STL seasonal window of the shortest period (odd; longer periods get 4 more each, as R 7 + 4·seq(6)). Larger means a more stable seasonal shape.',
  },
  {
    name: 'iterations',
    type: 'int',
    min: 1,
    max: 5,
    default: 2,
    help: 'Passes of STL over all the periods (R mstl iterate).',
  },
];

interface MstlState {
  periods: number[];
  sWindows: number[];
  /** The last cycle (trunc(period) values) of each seasonal component, oldest first. */
  lastCycles: number[][];
  ets: FittedModel;
}

function readState(state: Json): MstlState {
  const bad = (what: string): never => {
    throw new MstlError(
      'invalid-state',
      `stored MSTL state is missing or has a bad "${what}"; refit the model`,
    );
  };
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return bad('state');
  const numbers = (v: Json | undefined, what: string): number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : bad(what);
  const periods = numbers(state.periods, 'periods');
  const sWindows = numbers(state.sWindows, 'sWindows');
  const cycles = state.lastCycles;
  if (!Array.isArray(cycles) || cycles.length !== periods.length) return bad('lastCycles');
  const lastCycles = cycles.map((c, k) => {
    const values = numbers(c, 'lastCycles');
    if (values.length !== Math.trunc(periods[k]!)) bad('lastCycles');
    return values;
  });
  const ets = state.ets;
  if (ets === null || typeof ets !== 'object' || Array.isArray(ets)) return bad('ets');
  const params = ets.params;
  if (ets.model !== 'ets' || params === null || typeof params !== 'object' || Array.isArray(params)) {
    return bad('ets');
  }
  return {
    periods,
    sWindows,
    lastCycles,
    ets: { model: 'ets', params: params as HyperParameters, state: ets.state ?? null },
  };
}

/**
 * MSTL decomposition with ETS on the seasonally adjusted series (R: forecast(mstl(y), method = "ets")).
 *
 * @example
 * const fitted = mstlModel.fit({ y, seasonLength: 7, freq: 'D', params: { seasonal_periods: 'auto' } });
 * const fc = mstlModel.predict(fitted, { horizon: 28, quantiles: [0.1, 0.5, 0.9] });
 */
export const mstlModel: LocalModel = {
  kind: 'local',
  name: 'mstl',
  description:
    'Multiple seasonal-trend decomposition by Loess (R forecast::mstl): trend + one seasonal cycle per season length (e.g. weekly and yearly for daily data); automatic non-seasonal ETS forecasts the adjusted series, seasonal cycles repeat.',
  hyperparameters,
  minLength(seasonLength: number, params: HyperParameters): number {
    const text = String(withDefaults(hyperparameters, params).seasonal_periods);
    // Frequency is unknown here: with 'auto' the series' own season length is the shortest period.
    const periods = text.trim() === 'auto' ? [seasonLength] : parsePeriods(text, 'Y', seasonLength);
    const shortest = Math.min(...periods.filter((p) => p > 1));
    // Enough for the shortest cycle to be kept (n > 2p), else MSTL would be plain ETS.
    return Number.isFinite(shortest) ? Math.floor(2 * shortest) + 1 : 4;
  },
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(hyperparameters, input.params);
    const periods = parsePeriods(String(params.seasonal_periods), input.freq, input.seasonLength);
    const y = fillGaps(input.y);
    const d = mstlDecompose(y, periods, {
      sWindow: Number(params.s_window),
      iterations: Number(params.iterations),
    });
    const n = y.length;
    const adjusted = new Float64Array(n);
    for (let i = 0; i < n; i++) adjusted[i] = d.trend[i]! + d.remainder[i]!;
    // forecast.mstl: ets(model = "ZZN") on seasadj; the adjusted series has no season left.
    const ets = etsModel.fit({ y: adjusted, seasonLength: 1, freq: input.freq, params: { model: 'ZZN' } });
    const lastCycles = d.seasonal.map((s, k) => Array.from(s.subarray(n - Math.trunc(d.periods[k]!))));
    const state: MstlState = { periods: d.periods, sWindows: d.sWindows, lastCycles, ets };
    return { model: 'mstl', params, state: state as unknown as Json };
  },
  predict(fitted: FittedModel, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    const state = readState(fitted.state);
    const h = request.horizon;
    // Seasonal naive per component: step i repeats the value one cycle earlier.
    const seasonal = new Float64Array(h);
    for (const cycle of state.lastCycles) {
      for (let i = 0; i < h; i++) seasonal[i] = seasonal[i]! + cycle[i % cycle.length]!;
    }
    const fit = etsFitFromState(state.ets.state);
    if (fit.spec.season !== 'N') {
      throw new MstlError('invalid-state', 'stored MSTL state has a seasonal ETS model; refit the model');
    }
    const mu = etsPointForecast(fit, h);
    const variance = nonSeasonalVariance(fit, mu);
    // Clip only after the seasonal part is back: R's bounds are adjusted-series bounds + seasonal.
    const shift = (z: number): Float64Array =>
      mu.map((m, i) => Math.max(0, m + z * Math.sqrt(Math.max(variance[i]!, 0)) + seasonal[i]!));
    const quantiles = new Map<number, Float64Array>();
    for (const q of request.quantiles) quantiles.set(q, shift(normalQuantile(q)));
    return { mean: shift(0), quantiles };
  },
};
