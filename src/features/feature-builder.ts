/**
 * @module features/feature-builder
 * Builds the feature matrix of a global model from a panel of series, through one code path for
 * training and serving. A row is (series, forecast origin o, step h) and describes target period
 * t = o + h.
 *
 * Leakage rule: every feature derived from y for a row uses only y[0..o], the values known at the
 * forecast origin. A lag k is filled only when t - k <= o (else missing), rolling statistics end
 * at o, and the level used to scale them is the mean of the last values up to o. Only calendar,
 * holiday, covariate (price, promotion: known in advance) and static attribute features look at
 * period t itself. So changing y after the origin never changes a row's features, and the
 * features served at origin o equal those a training row at origin o had.
 *
 * y-derived features are divided by the row's level (scale), so one model serves series of any
 * size; the model predicts y[t] / scale and the caller multiplies back.
 */

import type { Frequency, PanelSeries } from '../models/model.js';
import { calendarFeatures, dayNumber, periodDay, periodLength } from './calendar.js';
import { type CategoryDictionary, encodeCategory, fitCategories } from './categorical.js';
import { FeatureError } from './feature-error.js';
import { HolidayCalendar } from './holidays.js';

/** How features are computed; chosen before fitting, stored with the model. */
export interface FeatureConfig {
  freq: Frequency;
  /** Season length in periods (7 daily, 52 weekly, 12 monthly, 1 none). */
  seasonLength: number;
  /** Target-relative lags, e.g. [7, 14, 28] for daily data. */
  lags: number[];
  /** Windows (in periods, ending at the origin) for rolling mean and standard deviation. */
  rollingWindows: number[];
  /** Periods (ending at the origin) whose mean absolute value is the row's level. */
  scaleWindow: number;
  /** Attribute holding the series' country, for holidays. */
  countryAttribute: string;
}

/** A fitted feature specification: the config plus everything learned from the training panel. Plain JSON. */
export interface FeatureSpec {
  version: 1;
  config: FeatureConfig;
  covariates: string[];
  numericAttributes: string[];
  categoricalAttributes: string[];
  categories: CategoryDictionary;
  /** Holidays per country as day numbers (days since 1970-01-01). */
  holidays: Record<string, number[]>;
  featureNames: string[];
}

/** Rows of a feature matrix: series index, origin index (-1 = no history) and step (1-based). */
export interface FeatureRows {
  series: Int32Array;
  origin: Int32Array;
  step: Int32Array;
}

/** Column-major features (NaN = missing) plus what is needed to turn predictions back into units. */
export interface FeatureMatrix {
  names: string[];
  columns: Float32Array[];
  nRows: number;
  /** Level each row's y-features and target were divided by (NaN when unknown). */
  scale: Float64Array;
  /** y[t] / scale, NaN where y[t] is unknown (serving rows, missing values). */
  target: Float64Array;
}

/**
 * Learns the covariate names, attribute kinds and category codes of a training panel.
 *
 * @example
 * const spec = fitFeatureSpec(series, { freq: 'D', seasonLength: 7, lags: [7, 14, 28],
 *   rollingWindows: [7, 28], scaleWindow: 28, countryAttribute: 'country' }, holidays);
 */
export function fitFeatureSpec(
  series: readonly PanelSeries[],
  config: FeatureConfig,
  holidays?: ReadonlyMap<string, ReadonlySet<string>>,
): FeatureSpec {
  for (const lag of config.lags) {
    if (!(Number.isInteger(lag) && lag >= 1))
      throw new FeatureError('FEATURE_BAD_SPEC', `lag ${lag} must be an integer >= 1`);
  }
  for (const w of [...config.rollingWindows, config.scaleWindow]) {
    if (!(Number.isInteger(w) && w >= 1))
      throw new FeatureError('FEATURE_BAD_SPEC', `window ${w} must be an integer >= 1`);
  }
  const covariates = [...new Set(series.flatMap((s) => Object.keys(s.covariates ?? {})))].sort();
  const attributeNames = [...new Set(series.flatMap((s) => Object.keys(s.attributes)))].sort();
  const numericAttributes = attributeNames.filter((a) =>
    series.every((s) => s.attributes[a] === undefined || typeof s.attributes[a] === 'number'),
  );
  const categoricalAttributes = attributeNames.filter((a) => !numericAttributes.includes(a));
  const calendar = new HolidayCalendar(holidays ?? new Map());
  const featureNames = [
    'horizon',
    'day_of_week',
    'day_of_month',
    'month',
    'week_of_year',
    'is_weekend',
    'holiday_count',
    'days_to_holiday',
    'days_since_holiday',
    'history_length_log',
    'level_log',
    'last_value',
    'last_same_season',
    ...config.lags.map((k) => `lag_${k}`),
    ...config.rollingWindows.flatMap((w) => [`rolling_mean_${w}`, `rolling_std_${w}`]),
    ...covariates.flatMap((c) => [`cov_${c}`, `cov_${c}_relative`]),
    ...numericAttributes.map((a) => `attr_${a}`),
    ...categoricalAttributes.map((a) => `attr_${a}`),
  ];
  return {
    version: 1,
    config: { ...config, lags: [...config.lags], rollingWindows: [...config.rollingWindows] },
    covariates,
    numericAttributes,
    categoricalAttributes,
    categories: fitCategories(
      series.map((s) => s.attributes),
      categoricalAttributes,
    ),
    holidays: calendar.toJson(),
    featureNames,
  };
}

/**
 * Rows that forecast steps 1..horizon from the end of each series (origin = last index; a series
 * without values gets origin -1 and only calendar, covariate and attribute features).
 *
 * @example
 * const m = buildFeatures(spec, series, servingRows(series, 28));
 */
export function servingRows(series: readonly PanelSeries[], horizon: number): FeatureRows {
  const n = series.length * horizon;
  const rows: FeatureRows = { series: new Int32Array(n), origin: new Int32Array(n), step: new Int32Array(n) };
  let r = 0;
  for (const [s, ser] of series.entries()) {
    for (let h = 1; h <= horizon; h++, r++) {
      rows.series[r] = s;
      rows.origin[r] = ser.y.length - 1;
      rows.step[r] = h;
    }
  }
  return rows;
}

/** Statistics of y up to one origin, shared by that origin's rows. */
interface OriginStats {
  scale: number;
  observed: number;
  rollMean: Float64Array;
  rollStd: Float64Array;
}

function originStats(y: Float64Array, o: number, config: FeatureConfig): OriginStats {
  const windows = config.rollingWindows;
  const rollMean = new Float64Array(windows.length).fill(Number.NaN);
  const rollStd = new Float64Array(windows.length).fill(Number.NaN);
  let observed = 0;
  for (let i = 0; i <= o; i++) if (!Number.isNaN(y[i]!)) observed++;
  if (observed === 0) return { scale: Number.NaN, observed, rollMean, rollStd };
  let s = 0;
  let c = 0;
  for (let i = o; i >= 0 && i > o - config.scaleWindow; i--) {
    const v = y[i]!;
    if (!Number.isNaN(v)) {
      s += Math.abs(v);
      c++;
    }
  }
  let scale = c > 0 ? s / c : 0;
  if (!(scale > 0)) {
    // A recent run of zeros (or gaps): fall back to the whole history's level, then to 1.
    let all = 0;
    for (let i = 0; i <= o; i++) if (!Number.isNaN(y[i]!)) all += Math.abs(y[i]!);
    scale = all > 0 ? all / observed : 1;
  }
  for (const [k, w] of windows.entries()) {
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (let i = o; i >= 0 && i > o - w; i--) {
      const v = y[i]!;
      if (!Number.isNaN(v)) {
        sum += v / scale;
        sq += (v / scale) ** 2;
        n++;
      }
    }
    if (n > 0) {
      const mean = sum / n;
      rollMean[k] = mean;
      rollStd[k] = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : Number.NaN;
    }
  }
  return { scale, observed, rollMean, rollStd };
}

/**
 * Computes the feature matrix for the given rows, for training and for serving alike.
 * `coldScale[s]` is the level to use for series s when it has no values up to the origin
 * (e.g. estimated from its attributes); without it such rows get a NaN scale.
 *
 * @example
 * const m = buildFeatures(spec, series, servingRows(series, 28));
 * // m.columns[j][r] is feature m.names[j] of row r
 */
export function buildFeatures(
  spec: FeatureSpec,
  series: readonly PanelSeries[],
  rows: FeatureRows,
  coldScale?: Float64Array,
): FeatureMatrix {
  const { config } = spec;
  const nRows = rows.series.length;
  const names = spec.featureNames;
  const columns = names.map(() => new Float32Array(nRows));
  const scale = new Float64Array(nRows);
  const target = new Float64Array(nRows);
  const calendar = HolidayCalendar.fromJson(spec.holidays);
  const startDays = series.map((s) => dayNumber(s.start));
  const season = config.seasonLength;
  const nLags = config.lags.length;
  const nWin = config.rollingWindows.length;
  let cached: { s: number; o: number; stats: OriginStats } | undefined;
  for (let r = 0; r < nRows; r++) {
    const s = rows.series[r]!;
    const o = rows.origin[r]!;
    const h = rows.step[r]!;
    const ser = series[s];
    if (!ser)
      throw new FeatureError('FEATURE_BAD_INPUT', `row ${r} refers to series ${s} of ${series.length}`);
    if (o >= ser.y.length || h < 1) {
      throw new FeatureError(
        'FEATURE_BAD_INPUT',
        `row ${r}: origin ${o} / step ${h} outside series '${ser.id}'`,
      );
    }
    const y = ser.y;
    const t = o + h;
    if (!cached || cached.s !== s || cached.o !== o) cached = { s, o, stats: originStats(y, o, config) };
    const st = cached.stats;
    const sc = st.observed > 0 ? st.scale : (coldScale?.[s] ?? Number.NaN);
    scale[r] = sc;
    target[r] = t < y.length ? y[t]! / sc : Number.NaN;

    const day = periodDay(startDays[s]!, t, config.freq);
    const cal = calendarFeatures(day);
    const country = ser.attributes[config.countryAttribute];
    const hol =
      country === undefined
        ? { count: Number.NaN, daysToNext: Number.NaN, daysSinceLast: Number.NaN }
        : calendar.features(String(country), day, periodLength(day, config.freq));
    let j = 0;
    columns[j++]![r] = h;
    columns[j++]![r] = cal.dayOfWeek;
    columns[j++]![r] = cal.dayOfMonth;
    columns[j++]![r] = cal.month;
    columns[j++]![r] = cal.weekOfYear;
    columns[j++]![r] = cal.isWeekend;
    columns[j++]![r] = hol.count;
    columns[j++]![r] = hol.daysToNext;
    columns[j++]![r] = hol.daysSinceLast;
    columns[j++]![r] = Math.log1p(st.observed);
    columns[j++]![r] = Math.log1p(sc);
    columns[j++]![r] = o >= 0 ? y[o]! / sc : Number.NaN;
    // Same phase of the season, as recent as the origin allows: t - season * ceil(h / season) <= o.
    const seasonal = season > 1 ? t - season * Math.ceil(h / season) : -1;
    columns[j++]![r] = seasonal >= 0 ? y[seasonal]! / sc : Number.NaN;
    for (let k = 0; k < nLags; k++) {
      const i = t - config.lags[k]!;
      columns[j++]![r] = i <= o && i >= 0 ? y[i]! / sc : Number.NaN;
    }
    for (let k = 0; k < nWin; k++) {
      columns[j++]![r] = st.rollMean[k]!;
      columns[j++]![r] = st.rollStd[k]!;
    }
    for (const name of spec.covariates) {
      const cov = ser.covariates?.[name];
      const v = cov && t < cov.length ? cov[t]! : Number.NaN;
      columns[j++]![r] = v;
      // Relative to its own recent level up to the origin: a price cut reads the same for every product.
      let sum = 0;
      let n = 0;
      if (cov) {
        for (let i = Math.min(o, cov.length - 1); i >= 0 && i > o - 28; i--) {
          if (!Number.isNaN(cov[i]!)) {
            sum += cov[i]!;
            n++;
          }
        }
      }
      columns[j++]![r] = n > 0 && sum !== 0 ? v / (sum / n) : Number.NaN;
    }
    for (const a of spec.numericAttributes) {
      const v = ser.attributes[a];
      columns[j++]![r] = typeof v === 'number' ? v : Number.NaN;
    }
    for (const a of spec.categoricalAttributes)
      columns[j++]![r] = encodeCategory(spec.categories, a, ser.attributes[a]);
  }
  return { names: [...names], columns, nRows, scale, target };
}
