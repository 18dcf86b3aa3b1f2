/**
 * @module cli/commands/forecast-command
 * `shelfcast forecast`: forecasts every series of a long-format file with chosen models or `auto`,
 * writing one CSV row per series, model and step (series_id,date,model,mean,q…,note).
 * Also holds the input options that `backtest` shares.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isFrequency } from '../../forecasting/calendar.js';
import { AUTO, forecastPanel, type SeriesForecast } from '../../forecasting/forecast-engine.js';
import { type LoadedPanel, loadSeriesFile } from '../../forecasting/series-loader.js';
import type { Frequency } from '../../models/model.js';
import { CliError } from '../cli-error.js';
import { ProgressBar } from '../output.js';
import { positiveInt } from '../parse-options.js';

/** Options every command reading a long-format series file takes. */
export interface SeriesInputOptions {
  input: string;
  freq?: Frequency;
  seasonLength?: number;
  idCol: string;
  dateCol: string;
  valueCol: string;
  fill: 'nan' | 'zero';
  workers?: number;
}

export interface ForecastCommandOptions extends SeriesInputOptions {
  horizon: number;
  models: string[];
  quantiles: number[];
  conformal: 'missing' | 'all';
  out?: string;
  json?: boolean;
}

/** Adds --input, --freq, --season-length, column names, --fill and --workers to a command. */
export function addSeriesInputOptions(command: Command): Command {
  return command
    .requiredOption(
      '--input <file>',
      'long-format CSV, JSON Lines or Parquet file: one row per series and date',
    )
    .option('--freq <freq>', 'D, W, M, Q or Y (default: inferred from the dates)', frequencyOption)
    .option(
      '--season-length <n>',
      'periods per season (default: D 7, W 52, M 12, Q 4, Y 1)',
      positiveInt('--season-length'),
    )
    .option(
      '--id-col <name>',
      'series id column, or several comma-separated (e.g. store_code,sku)',
      'series_id',
    )
    .option('--date-col <name>', 'date column (YYYY-MM-DD)', 'date')
    .option('--value-col <name>', 'value column', 'value')
    .option(
      '--fill <how>',
      "periods without a row: 'nan' (unknown, default) or 'zero' (no demand)",
      fillOption,
      'nan',
    )
    .option('--workers <n>', 'worker threads (default: available CPU cores)', positiveInt('--workers'));
}

export function registerForecastCommand(program: Command): void {
  const command = program
    .command('forecast')
    .description(
      'Forecast every series of a long-format file; prints CSV rows series_id,date,model,mean,q…,note.',
    )
    .requiredOption('--horizon <n>', 'periods to forecast', positiveInt('--horizon'));
  addSeriesInputOptions(command)
    .option(
      '--models <list>',
      "'auto' or model names separated by commas (see `shelfcast models available`)",
      listOption,
      [AUTO],
    )
    .option(
      '--quantiles <list>',
      'quantile levels in (0, 1), comma-separated',
      quantileListOption,
      [0.1, 0.5, 0.9],
    )
    .option(
      '--conformal <which>',
      "conformal intervals for models without their own ('missing') or for all ('all')",
      conformalOption,
      'missing',
    )
    .option('--out <file>', 'write the CSV here instead of stdout')
    .option('--json', 'print a JSON summary (with --out) or the forecasts as JSON (without)')
    .action(async (options: ForecastCommandOptions) => {
      await forecastCommand(options);
    });
}

/**
 * Runs `shelfcast forecast`. `write` receives stdout text (tests capture it).
 *
 * @example
 * await forecastCommand({ input: 'sales.csv', horizon: 14, models: ['auto'], quantiles: [0.5, 0.9], ... });
 */
export async function forecastCommand(
  options: ForecastCommandOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<void> {
  const panel = await loadPanel(options);
  if (panel.timeVaryingColumns.length > 0 && !options.json) {
    process.stderr.write(
      `note: columns that change over time are not used as features yet: ${panel.timeVaryingColumns.join(', ')}\n`,
    );
  }
  const progress = new ProgressBar('forecast', panel.series.length, !options.json);
  const forecasts = await forecastPanel(panel.series, {
    horizon: options.horizon,
    freq: panel.freq,
    seasonLength: panel.seasonLength,
    quantiles: [...options.quantiles].sort((a, b) => a - b),
    models: options.models,
    conformal: options.conformal,
    ...(options.workers ? { workers: options.workers } : {}),
    onProgress: (done) => progress.update(done, 'series'),
  });
  progress.done('series');
  const levels = [...options.quantiles].sort((a, b) => a - b);
  const csv = forecastCsv(panel, forecasts, levels, options.horizon);
  if (options.out) writeFileSync(options.out, csv);
  if (options.json) {
    const summary = {
      input: options.input,
      freq: panel.freq,
      seasonLength: panel.seasonLength,
      horizon: options.horizon,
      series: panel.series.length,
      attributeColumns: panel.attributeColumns,
      timeVaryingColumns: panel.timeVaryingColumns,
      out: options.out ?? null,
      forecasts: options.out ? undefined : forecastsJson(panel, forecasts, levels, options.horizon),
      notes: forecasts
        .filter((f) => f.note)
        .map((f) => ({ seriesId: f.seriesId, model: f.model, note: f.note })),
    };
    write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (!options.out) {
    write(csv);
  } else {
    const noted = forecasts.filter((f) => f.note).length;
    process.stderr.write(
      `wrote ${options.out}: ${panel.series.length} series × ${options.horizon} steps (freq ${panel.freq}, season ${panel.seasonLength})${noted > 0 ? `; ${noted} forecasts carry a note` : ''}\n`,
    );
  }
}

/** Loads the input file, turning missing-frequency problems into usage errors. */
export async function loadPanel(options: SeriesInputOptions): Promise<LoadedPanel> {
  return loadSeriesFile(options.input, {
    idCol: options.idCol,
    dateCol: options.dateCol,
    valueCol: options.valueCol,
    fill: options.fill,
    ...(options.freq ? { freq: options.freq } : {}),
    ...(options.seasonLength ? { seasonLength: options.seasonLength } : {}),
  });
}

/** The CSV text: header, then one row per series, model and step. */
export function forecastCsv(
  panel: LoadedPanel,
  forecasts: readonly SeriesForecast[],
  levels: readonly number[],
  horizon: number,
): string {
  const lines = [['series_id', 'date', 'model', 'mean', ...levels.map((q) => `q${q}`), 'note'].join(',')];
  const startById = new Map(panel.series.map((s) => [s.id, s.startIndex + s.y.length]));
  for (const f of forecasts) {
    const first = startById.get(f.seriesId) ?? 0;
    for (let h = 0; h < horizon; h++) {
      lines.push(
        [
          csvField(f.seriesId),
          panel.calendar.dateOf(first + h),
          csvField(f.model),
          num(f.mean[h]),
          ...levels.map((q) => num(f.quantiles.get(q)?.[h])),
          csvField(f.note ?? ''),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function forecastsJson(
  panel: LoadedPanel,
  forecasts: readonly SeriesForecast[],
  levels: readonly number[],
  horizon: number,
) {
  const startById = new Map(panel.series.map((s) => [s.id, s.startIndex + s.y.length]));
  return forecasts.map((f) => {
    const first = startById.get(f.seriesId) ?? 0;
    return {
      seriesId: f.seriesId,
      requested: f.requested,
      model: f.model,
      demandClass: f.demandClass ?? null,
      note: f.note ?? null,
      selection: f.selection ?? null,
      dates: Array.from({ length: horizon }, (_, h) => panel.calendar.dateOf(first + h)),
      mean: Array.from(f.mean, round),
      quantiles: Object.fromEntries(
        levels.map((q) => [String(q), Array.from(f.quantiles.get(q) ?? [], round)]),
      ),
    };
  });
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
}

function num(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : String(Math.round(v * 1e4) / 1e4);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function frequencyOption(value: string): Frequency {
  const v = value.toUpperCase();
  if (!isFrequency(v)) throw new CliError(`--freq must be one of D, W, M, Q, Y, got '${value}'`);
  return v;
}

export function listOption(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new CliError('--models needs at least one name');
  return list;
}

export function quantileListOption(value: string): number[] {
  return value.split(',').map((s) => {
    const q = Number(s.trim());
    if (!(q > 0 && q < 1))
      throw new CliError(`--quantiles takes levels between 0 and 1 (exclusive), got '${s}'`);
    return q;
  });
}

function fillOption(value: string): 'nan' | 'zero' {
  if (value !== 'nan' && value !== 'zero')
    throw new CliError(`--fill must be 'nan' or 'zero', got '${value}'`);
  return value;
}

function conformalOption(value: string): 'missing' | 'all' {
  if (value !== 'missing' && value !== 'all')
    throw new CliError(`--conformal must be 'missing' or 'all', got '${value}'`);
  return value;
}
