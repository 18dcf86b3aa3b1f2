/**
 * @module forecasting/series-loader
 * Turns a long-format file (one row per series and date; CSV, JSON Lines or Parquet) into evenly spaced
 * series. Columns `series_id,date,value` by default, renamable; further columns become static
 * static attributes of the series when they hold one value per series (store format, category), which
 * global models use as features. Columns whose value changes within a series (price, promotion) are
 * listed in `timeVaryingColumns` and not used: as a static attribute their last value would leak the
 * future into a backtest.
 *
 * Gaps: a period with no row becomes NaN ("unknown", the default: models and metrics skip it) or 0
 * with `fill: 'zero'` (for demand data where a missing row means nothing was sold). Several rows for
 * one series and date are summed (transactions of one day), and counted in the summary.
 */
import { openRecordSource } from '../io/record-source.js';
import type { Frequency } from '../models/model.js';
import { DEFAULT_SEASON_LENGTH, inferFrequency, PeriodCalendar, parseDay } from './calendar.js';
import { ForecastingError } from './forecasting-error.js';

export interface LoadOptions {
  /** Series id column, or several comma-separated (`store_code,sku`) joined with '/'. */
  idCol?: string;
  dateCol?: string;
  valueCol?: string;
  /** Frequency; inferred from the dates when absent. */
  freq?: Frequency;
  /** Season length; the frequency's default (D 7, W 52, M 12, Q 4, Y 1) when absent. */
  seasonLength?: number;
  /** Missing periods: 'nan' (default) or 'zero'. */
  fill?: 'nan' | 'zero';
}

/** One evenly spaced series. */
export interface LoadedSeries {
  id: string;
  /** ISO date of y[0]. */
  start: string;
  /** Period index of y[0] on the panel's calendar. */
  startIndex: number;
  y: Float64Array;
  attributes: Record<string, string | number>;
}

export interface LoadedPanel {
  series: LoadedSeries[];
  freq: Frequency;
  /** Whether the frequency was inferred (false: given by the caller). */
  freqInferred: boolean;
  seasonLength: number;
  calendar: PeriodCalendar;
  rows: number;
  /** Rows whose value was empty (kept as missing). */
  emptyValues: number;
  /** Rows that repeated a series and period already seen (summed). */
  duplicates: number;
  /** Periods filled because no row existed for them. */
  filledPeriods: number;
  /** Extra columns holding one value per series, passed on as attributes. */
  attributeColumns: string[];
  /** Extra columns whose value changes within a series; left out. */
  timeVaryingColumns: string[];
}

interface Collected {
  days: number[];
  values: number[];
  attributes: Record<string, string | number>;
}

/**
 * Accumulates rows of a long table and builds the panel. Feed it the header, then rows.
 *
 * @example
 * const c = new SeriesCollector(['series_id', 'date', 'value']);
 * c.add(['a', '2024-01-01', '3'], 2);
 * const panel = c.finish({ freq: 'D' });
 */
export class SeriesCollector {
  readonly #idIndexes: number[];
  readonly #dateIndex: number;
  readonly #valueIndex: number;
  readonly #attributeIndexes: { name: string; index: number }[];
  readonly #series = new Map<string, Collected>();
  readonly #file: string | undefined;
  readonly #decimalComma: boolean;
  readonly #timeVarying = new Set<string>();
  #rows = 0;
  #empty = 0;

  constructor(header: readonly string[], options: LoadOptions = {}, file?: string, decimalComma = false) {
    this.#file = file;
    this.#decimalComma = decimalComma;
    const find = (name: string, flag: string): number => {
      const index = header.indexOf(name);
      if (index < 0) {
        throw new ForecastingError(
          'FORECAST_MISSING_COLUMN',
          `has no column "${name}" (columns: ${header.join(', ')}); name the right one with ${flag}`,
          file ?? 'input',
        );
      }
      return index;
    };
    this.#idIndexes = (options.idCol ?? 'series_id').split(',').map((name) => find(name.trim(), '--id-col'));
    this.#dateIndex = find(options.dateCol ?? 'date', '--date-col');
    this.#valueIndex = find(options.valueCol ?? 'value', '--value-col');
    this.#attributeIndexes = header
      .map((name, index) => ({ name, index }))
      .filter(
        ({ index }) =>
          !this.#idIndexes.includes(index) && index !== this.#dateIndex && index !== this.#valueIndex,
      );
  }

  add(values: readonly (string | null)[], line: number): void {
    this.#rows++;
    // A composite key (e.g. store and product) joins its parts with '/'.
    const parts = this.#idIndexes.map((i) => values[i]);
    const id = parts.some((p) => p === null || p === undefined || p === '') ? null : parts.join('/');
    const dateText = values[this.#dateIndex];
    if (id === null || id === undefined || id === '') {
      throw new ForecastingError(
        'FORECAST_BAD_VALUE',
        'has an empty series id; every row needs one',
        this.#file ?? 'input',
        line,
      );
    }
    const day = dateText ? parseDay(dateText) : Number.NaN;
    if (!Number.isFinite(day)) {
      throw new ForecastingError(
        'FORECAST_BAD_DATE',
        `date "${dateText ?? ''}" is not a YYYY-MM-DD date`,
        this.#file ?? 'input',
        line,
      );
    }
    const raw = values[this.#valueIndex];
    let value = Number.NaN;
    if (raw === null || raw === undefined || raw.trim() === '' || raw.trim().toUpperCase() === 'NA') {
      this.#empty++;
    } else {
      value = Number(this.#decimalComma ? raw.replace(',', '.') : raw);
      if (!Number.isFinite(value)) {
        throw new ForecastingError(
          'FORECAST_BAD_VALUE',
          `value "${raw}" is not a number`,
          this.#file ?? 'input',
          line,
        );
      }
    }
    let s = this.#series.get(id);
    if (!s) {
      s = { days: [], values: [], attributes: {} };
      this.#series.set(id, s);
    }
    s.days.push(day);
    s.values.push(value);
    for (const { name, index } of this.#attributeIndexes) {
      const v = values[index];
      if (v === null || v === undefined || v === '') continue;
      const n = Number(v);
      const value = Number.isFinite(n) && v.trim() !== '' ? n : v;
      const previous = s.attributes[name];
      if (previous !== undefined && previous !== value) this.#timeVarying.add(name);
      s.attributes[name] = value;
    }
  }

  finish(options: LoadOptions = {}): LoadedPanel {
    if (this.#series.size === 0)
      throw new ForecastingError(
        'FORECAST_NO_SERIES',
        'holds no rows: nothing to forecast',
        this.#file ?? 'input',
      );
    const freqInferred = options.freq === undefined;
    const freq = options.freq ?? inferFrequency([...this.#series.values()].map((s) => s.days));
    let anchor = Number.POSITIVE_INFINITY;
    for (const s of this.#series.values()) for (const d of s.days) if (d < anchor) anchor = d;
    const calendar = new PeriodCalendar(freq, anchor);
    const fillValue = options.fill === 'zero' ? 0 : Number.NaN;
    let duplicates = 0;
    let filled = 0;
    const series: LoadedSeries[] = [];
    for (const [id, s] of this.#series) {
      const indexes = s.days.map((d) => calendar.indexOf(d));
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const i of indexes) {
        if (i < lo) lo = i;
        if (i > hi) hi = i;
      }
      const y = new Float64Array(hi - lo + 1).fill(Number.NaN);
      const seen = new Uint8Array(y.length);
      for (const [k, index] of indexes.entries()) {
        const pos = index - lo;
        const v = s.values[k] as number;
        if (seen[pos]) {
          duplicates++;
          const prev = y[pos] as number;
          y[pos] = Number.isNaN(prev) ? v : Number.isNaN(v) ? prev : prev + v;
        } else {
          seen[pos] = 1;
          y[pos] = v;
        }
      }
      for (let i = 0; i < y.length; i++) {
        if (!seen[i]) {
          filled++;
          y[i] = fillValue;
        }
      }
      const attributes = Object.fromEntries(
        Object.entries(s.attributes).filter(([name]) => !this.#timeVarying.has(name)),
      );
      series.push({ id, start: calendar.dateOf(lo), startIndex: lo, y, attributes });
    }
    return {
      series,
      freq,
      freqInferred,
      seasonLength: options.seasonLength ?? DEFAULT_SEASON_LENGTH[freq],
      calendar,
      rows: this.#rows,
      emptyValues: this.#empty,
      duplicates,
      filledPeriods: filled,
      attributeColumns: this.#attributeIndexes.map((a) => a.name).filter((n) => !this.#timeVarying.has(n)),
      timeVaryingColumns: this.#attributeIndexes.map((a) => a.name).filter((n) => this.#timeVarying.has(n)),
    };
  }
}

/**
 * Loads a long-format CSV, JSON Lines or Parquet file into series.
 *
 * @example
 * const panel = await loadSeriesFile('sales.csv', { idCol: 'sku', dateCol: 'day', valueCol: 'units', fill: 'zero' });
 */
export async function loadSeriesFile(path: string, options: LoadOptions = {}): Promise<LoadedPanel> {
  const source = await openRecordSource(path);
  const collector = new SeriesCollector(source.header, options, path, source.decimalComma);
  for await (const batch of source.batches) for (const row of batch) collector.add(row.values, row.line);
  return collector.finish(options);
}
