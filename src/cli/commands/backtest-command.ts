/**
 * @module cli/commands/backtest-command
 * `shelfcast backtest`: rolling-origin evaluation of chosen models (and `auto`) on a long-format file,
 * always beside the seasonal naive baseline; metrics per series and aggregated per model.
 */
import type { Command } from 'commander';
import { aggregateByModel, type ModelSummary, type SeriesBacktest } from '../../evaluation/backtest.js';
import { runBacktest } from '../../evaluation/backtest-runner.js';
import { backtestAuto } from '../../forecasting/auto-backtest.js';
import { AUTO } from '../../forecasting/forecast-engine.js';
import { SEASONAL_NAIVE } from '../../models/model-catalog.js';
import { formatTable, ProgressBar } from '../output.js';
import { positiveInt } from '../parse-options.js';
import {
  addSeriesInputOptions,
  listOption,
  loadPanel,
  quantileListOption,
  type SeriesInputOptions,
} from './forecast-command.js';

export interface BacktestCommandOptions extends SeriesInputOptions {
  horizon: number;
  folds: number;
  step?: number;
  models: string[];
  quantiles: number[];
  perSeries?: boolean;
  json?: boolean;
}

export interface BacktestCommandResult {
  freq: string;
  seasonLength: number;
  horizon: number;
  folds: number;
  step: number;
  aggregate: (ModelSummary & { maseVsSeasonalNaive: number })[];
  series: SeriesBacktest[];
}

export function registerBacktestCommand(program: Command): void {
  const command = program
    .command('backtest')
    .description(
      'Rolling-origin backtest of models on a long-format file, always beside seasonal naive: MASE, RMSSE, sMAPE, WAPE, bias, pinball, coverage.',
    )
    .requiredOption('--horizon <n>', 'periods forecast from each origin', positiveInt('--horizon'))
    .requiredOption('--folds <k>', 'number of forecast origins', positiveInt('--folds'));
  addSeriesInputOptions(command)
    .option('--step <s>', 'periods between origins (default: the horizon)', positiveInt('--step'))
    .option('--models <list>', "model names and/or 'auto', comma-separated", listOption, [AUTO])
    .option(
      '--quantiles <list>',
      'quantile levels for pinball loss and coverage',
      quantileListOption,
      [0.1, 0.5, 0.9],
    )
    .option('--per-series', 'also print the metrics of every series')
    .option('--json', 'print results as JSON (per series, per fold, aggregated)')
    .action(async (options: BacktestCommandOptions) => {
      await backtestCommand(options);
    });
}

/**
 * Runs `shelfcast backtest` and returns the result it printed.
 *
 * @example
 * const result = await backtestCommand({ input: 'sales.csv', horizon: 7, folds: 3, models: ['ets'], ... });
 */
export async function backtestCommand(
  options: BacktestCommandOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<BacktestCommandResult> {
  const panel = await loadPanel(options);
  const quantiles = [...options.quantiles].sort((a, b) => a - b);
  const common = {
    horizon: options.horizon,
    folds: options.folds,
    ...(options.step ? { step: options.step } : {}),
    seasonLength: panel.seasonLength,
    freq: panel.freq,
    quantiles,
    ...(options.workers ? { workers: options.workers } : {}),
  };
  const wantsAuto = options.models.includes(AUTO);
  const others = options.models.filter((m) => m !== AUTO);
  const series = panel.series.map((s) => ({ id: s.id, y: s.y, start: s.start, attributes: s.attributes }));
  const progress = new ProgressBar(
    'backtest',
    series.length * new Set([...others, SEASONAL_NAIVE]).size,
    !options.json,
  );
  const report = await runBacktest(series, {
    ...common,
    models: others,
    onProgress: (done) => progress.update(done, 'series × models'),
  });
  const results = [...report.series];
  progress.done();
  if (wantsAuto) {
    const autoProgress = new ProgressBar('backtest auto (folds)', options.folds, !options.json);
    results.push(...(await backtestAuto(series, common, (fold) => autoProgress.update(fold))));
    autoProgress.done();
  }
  const aggregate = aggregateByModel(results, quantiles);
  const baseline = aggregate.find((a) => a.model === SEASONAL_NAIVE)?.mase ?? Number.NaN;
  const result: BacktestCommandResult = {
    freq: panel.freq,
    seasonLength: panel.seasonLength,
    horizon: options.horizon,
    folds: options.folds,
    step: options.step ?? options.horizon,
    aggregate: aggregate
      .map((a) => ({ ...a, maseVsSeasonalNaive: a.mase / baseline }))
      .sort((a, b) => a.mase - b.mase),
    series: results,
  };
  write(
    options.json
      ? `${JSON.stringify(backtestJson(result), null, 2)}\n`
      : formatBacktest(result, options.perSeries ?? false),
  );
  return result;
}

/** JSON shape: fold forecasts are left out (they can be large), metrics per fold are kept. */
export function backtestJson(r: BacktestCommandResult) {
  return {
    freq: r.freq,
    seasonLength: r.seasonLength,
    horizon: r.horizon,
    folds: r.folds,
    step: r.step,
    aggregate: r.aggregate,
    series: r.series.map((s) => ({
      seriesId: s.seriesId,
      model: s.model,
      metrics: s.summary,
      notes: s.notes,
      folds: s.folds.map((f) => ({
        fold: f.fold,
        origin: f.origin,
        used: f.used,
        note: f.note ?? null,
        metrics: f.metrics,
      })),
    })),
  };
}

export function formatBacktest(r: BacktestCommandResult, perSeries: boolean): string {
  const lines = [
    `Rolling-origin backtest: ${r.folds} folds, horizon ${r.horizon}, step ${r.step}, frequency ${r.freq}, season ${r.seasonLength}; scaled by the in-sample seasonal naive.`,
    '',
    formatTable(
      ['model', 'series', 'MASE', 'vs snaive', 'RMSSE', 'sMAPE %', 'WAPE %', 'bias %', 'pinball', 'coverage'],
      r.aggregate.map((a) => [
        a.model,
        a.series,
        a.mase,
        a.maseVsSeasonalNaive,
        a.rmsse,
        a.smape,
        a.wape * 100,
        a.bias * 100,
        a.pinball,
        Number.isFinite(a.coverage)
          ? `${(a.coverage * 100).toFixed(1)}% / ${(a.nominalCoverage * 100).toFixed(0)}%`
          : '',
      ]),
    ),
  ];
  if (perSeries) {
    lines.push(
      '',
      formatTable(
        ['series', 'model', 'MASE', 'RMSSE', 'sMAPE %', 'WAPE %', 'bias %', 'windows', 'note'],
        r.series.map((s) => [
          s.seriesId,
          s.model,
          s.summary.mase,
          s.summary.rmsse,
          s.summary.smape,
          s.summary.wape * 100,
          s.summary.bias * 100,
          s.summary.windows,
          s.notes.join('; '),
        ]),
      ),
    );
  }
  const noted = r.series.filter((s) => s.notes.length > 0).length;
  if (noted > 0 && !perSeries)
    lines.push(
      '',
      `${noted} series × model results carry notes (fallbacks, missing folds); see --per-series or --json.`,
    );
  return `${lines.join('\n')}\n`;
}
