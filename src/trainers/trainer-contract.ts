/**
 * @module trainers/trainer-contract
 * The file contract between shelfcast and an external trainer (a command in any language, locally a
 * subprocess, later a container image). shelfcast writes a work directory holding `train.csv` (history,
 * one row per series and period), `future.csv` when there are known-in-advance features, and `spec.json` (what to forecast and where to write it); the trainer
 * writes `forecasts.csv` and a model file at the paths the spec names, and exits 0.
 * CSV keeps R and Python trainers free of extra packages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frequency, HyperParameters, PanelSeries } from '../models/model.js';

/** Version of the work-directory layout; a trainer may refuse a version it does not know. */
export const TRAINER_CONTRACT_VERSION = 1;

/** File names inside the work directory. */
export const TRAIN_FILE = 'train.csv';
export const SPEC_FILE = 'spec.json';
export const FORECASTS_FILE = 'forecasts.csv';
export const LOG_FILE = 'trainer.log';
export const FUTURE_FILE = 'future.csv';

/** One series handed to a trainer. */
export interface TrainerSeries {
  id: string;
  /** ISO date (YYYY-MM-DD) of the first value. */
  start: string;
  /** Evenly spaced history; NaN where missing (written as an empty field). */
  y: Float64Array | readonly number[];
  /** Numeric features aligned with `y` (same length), written as extra columns of `train.csv`. */
  features?: Record<string, Float64Array | readonly number[]>;
  /** Known-in-advance feature values for the forecast dates (`horizon` values each), written to `future.csv`. */
  futureFeatures?: Record<string, Float64Array | readonly number[]>;
}

/** What shelfcast asks of a trainer. */
export interface TrainingRequest {
  series: readonly TrainerSeries[];
  freq: Frequency;
  seasonLength: number;
  horizon: number;
  /** Quantile levels in (0, 1); the trainer writes one column `q<level>` per level (e.g. `q0.1`). */
  quantiles: readonly number[];
  params: HyperParameters;
  /** Model file name inside the work directory (the trainer picks the format). */
  modelFile?: string;
}

/** The content of `spec.json`. */
export interface TrainerSpec {
  contract_version: number;
  horizon: number;
  quantiles: number[];
  /** Exact `forecasts.csv` column name for each quantile level, in the order of `quantiles`. */
  quantile_columns: string[];
  freq: Frequency;
  season_length: number;
  params: HyperParameters;
  /** Series id → the `horizon` dates (YYYY-MM-DD) the trainer must forecast, in order. */
  future_dates: Record<string, string[]>;
  /** Names of the feature columns of `train.csv` after series_id,date,value. */
  feature_columns: string[];
  /** Absolute paths; `future_path` is null when no series has future feature values. */
  train_path: string;
  future_path: string | null;
  forecasts_path: string;
  model_path: string;
}

/** Column name of a quantile level in `forecasts.csv`: 0.1 → `q0.1`. */
export function quantileColumn(level: number): string {
  return `q${level}`;
}

function addMonthsUtc(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const day = date.getUTCDate();
  // Clamp to the target month's last day so 31 Jan + 1 month is 28/29 Feb, not 2/3 Mar.
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(day, last)));
}

/**
 * The date `steps` periods after `start` at frequency `freq`.
 *
 * @example
 * shiftDate('2026-01-31', 'M', 1); // '2026-02-28'
 */
export function shiftDate(start: string, freq: Frequency, steps: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new TypeError(`not an ISO date: "${start}"`);
  const out =
    freq === 'D'
      ? new Date(d.getTime() + steps * 86_400_000)
      : freq === 'W'
        ? new Date(d.getTime() + steps * 7 * 86_400_000)
        : addMonthsUtc(d, steps * (freq === 'M' ? 1 : freq === 'Q' ? 3 : 12));
  return out.toISOString().slice(0, 10);
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function numberField(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : String(v);
}

/** The dates a trainer must forecast for one series: the `horizon` periods after its last value. */
export function futureDates(series: TrainerSeries, freq: Frequency, horizon: number): string[] {
  const n = series.y.length;
  return Array.from({ length: horizon }, (_, h) => shiftDate(series.start, freq, n + h));
}

/**
 * The trainer view of a global model's panel: history as `y`, each covariate split into its history
 * part (a feature column) and its next `horizon` values (a future feature). Static attributes that are
 * numbers become constant feature columns; string attributes are not passed.
 *
 * @example
 * const series = panelToTrainerSeries(panel, 28);
 */
export function panelToTrainerSeries(panel: readonly PanelSeries[], horizon: number): TrainerSeries[] {
  return panel.map((p) => {
    const n = p.y.length;
    const features: Record<string, Float64Array> = {};
    const futureFeatures: Record<string, Float64Array> = {};
    for (const [name, values] of Object.entries(p.attributes))
      if (typeof values === 'number') features[name] = new Float64Array(n).fill(values);
    for (const [name, values] of Object.entries(p.covariates ?? {})) {
      if (values.length < n + horizon)
        throw new RangeError(
          `covariate "${name}" of series "${p.id}" has ${values.length} values; it needs ${n + horizon} (history + horizon)`,
        );
      features[name] = values.subarray(0, n);
      futureFeatures[name] = values.subarray(n, n + horizon);
    }
    return { id: p.id, start: p.start, y: p.y, features, futureFeatures };
  });
}

/**
 * Writes `train.csv` and `spec.json` into `workDir` (created if missing) and returns the spec.
 *
 * @example
 * const spec = writeTrainingSet('/tmp/run1', {
 *   series: [{ id: 'S1', start: '2026-01-01', y: [3, 4, 5] }],
 *   freq: 'D', seasonLength: 7, horizon: 2, quantiles: [0.1, 0.9], params: {},
 * });
 * spec.future_dates.S1; // ['2026-01-04', '2026-01-05']
 */
export function writeTrainingSet(workDir: string, request: TrainingRequest): TrainerSpec {
  if (!Number.isInteger(request.horizon) || request.horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${request.horizon}`);
  for (const q of request.quantiles)
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile levels must be in (0, 1), got ${q}`);
  const ids = new Set<string>();
  const featureNames: string[] = [];
  for (const s of request.series) {
    if (ids.has(s.id)) throw new RangeError(`series id "${s.id}" appears twice; ids must be unique`);
    ids.add(s.id);
    for (const [name, values] of Object.entries(s.features ?? {})) {
      if (values.length !== s.y.length)
        throw new RangeError(
          `feature "${name}" of series "${s.id}" has ${values.length} values, y has ${s.y.length}`,
        );
      if (!featureNames.includes(name)) featureNames.push(name);
    }
  }
  const futureNames: string[] = [];
  for (const s of request.series)
    for (const [name, values] of Object.entries(s.futureFeatures ?? {})) {
      if (values.length !== request.horizon)
        throw new RangeError(
          `future feature "${name}" of series "${s.id}" has ${values.length} values, horizon is ${request.horizon}`,
        );
      if (!featureNames.includes(name))
        throw new RangeError(
          `future feature "${name}" of series "${s.id}" has no history; add it to features`,
        );
      if (!futureNames.includes(name)) futureNames.push(name);
    }
  for (const reserved of ['series_id', 'date', 'value'])
    if (featureNames.includes(reserved)) throw new RangeError(`feature name "${reserved}" is reserved`);

  mkdirSync(workDir, { recursive: true });
  const lines = [['series_id', 'date', 'value', ...featureNames].map(csvField).join(',')];
  const future: Record<string, string[]> = {};
  for (const s of request.series) {
    const id = csvField(s.id);
    for (let t = 0; t < s.y.length; t++) {
      const row = [id, shiftDate(s.start, request.freq, t), numberField(s.y[t])];
      for (const f of featureNames) row.push(numberField(s.features?.[f]?.[t]));
      lines.push(row.join(','));
    }
    future[s.id] = futureDates(s, request.freq, request.horizon);
  }
  const trainPath = join(workDir, TRAIN_FILE);
  writeFileSync(trainPath, `${lines.join('\n')}\n`);
  let futurePath: string | null = null;
  if (futureNames.length > 0) {
    const rows = [['series_id', 'date', ...futureNames].map(csvField).join(',')];
    for (const s of request.series) {
      const dates = future[s.id] ?? [];
      for (let h = 0; h < dates.length; h++)
        rows.push(
          [csvField(s.id), dates[h], ...futureNames.map((f) => numberField(s.futureFeatures?.[f]?.[h]))].join(
            ',',
          ),
        );
    }
    futurePath = join(workDir, FUTURE_FILE);
    writeFileSync(futurePath, `${rows.join('\n')}\n`);
  }

  const spec: TrainerSpec = {
    contract_version: TRAINER_CONTRACT_VERSION,
    horizon: request.horizon,
    quantiles: [...request.quantiles],
    quantile_columns: request.quantiles.map(quantileColumn),
    freq: request.freq,
    season_length: request.seasonLength,
    params: request.params,
    future_dates: future,
    feature_columns: featureNames,
    train_path: trainPath,
    future_path: futurePath,
    forecasts_path: join(workDir, FORECASTS_FILE),
    model_path: join(workDir, request.modelFile ?? 'model.bin'),
  };
  writeFileSync(join(workDir, SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  return spec;
}
