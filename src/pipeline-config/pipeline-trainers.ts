/**
 * @module pipeline-config/pipeline-trainers
 * External trainers as candidates of the standard pipeline: the `train` step backtests each one per
 * segment on the built-in models' folds, the `fit` step runs a segment's winning trainer once on the
 * full history. A trainer that crashes, hangs past its timeout or writes malformed output fails the
 * step with the runner's message and code, and no retry (the same input fails the same way).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestSeries, SeriesBacktest } from '../evaluation/backtest.js';
import { StepError } from '../pipeline/pipeline-error.js';
import {
  ExternalTrainerError,
  type ExternalTrainerOptions,
  type ExternalTrainerResult,
  runExternalTrainer,
} from '../trainers/external-trainer.js';
import { backtestExternalTrainer } from '../trainers/trainer-backtest.js';
import type { PipelineConfig, TrainerConfig } from './pipeline-config.js';

/** Selections, metrics and bundle series name an external trainer's model `external:<name>`. */
export const EXTERNAL_PREFIX = 'external:';

export function externalModel(trainer: string): string {
  return `${EXTERNAL_PREFIX}${trainer}`;
}

/** The trainer name of an `external:<name>` model; undefined for a built-in model. */
export function trainerOf(model: string): string | undefined {
  return model.startsWith(EXTERNAL_PREFIX) ? model.slice(EXTERNAL_PREFIX.length) : undefined;
}

/**
 * A folder segment for a segment name (categories are free text): percent-encoded, so distinct
 * names stay distinct and none climbs out of its folder.
 *
 * @example
 * pathSegment('fruit & veg/fresh'); // 'fruit%20%26%20veg%2Ffresh'
 */
export function pathSegment(name: string): string {
  const encoded = encodeURIComponent(name).replace(/^\.{1,2}$/, (dots) => '%2E'.repeat(dots.length));
  return encoded === '' ? '%00' : encoded;
}

/**
 * A private folder for one step's trainer runs. Outside the step's scratch folder on purpose: the
 * scratch is removed after the attempt, and a failed trainer's `trainer.log`, which the error
 * message points to, must outlive it. Remove it when the step succeeds.
 */
export function trainerWorkRoot(runId: string, step: string): string {
  return mkdtempSync(join(tmpdir(), `shelfcast-trainers-${runId}-${step}-`));
}

export function removeWorkRoot(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

function runnerOptions(trainer: TrainerConfig): Omit<ExternalTrainerOptions, 'workDir'> {
  return {
    command: trainer.command,
    timeoutSeconds: trainer.timeoutSeconds,
    // Relative paths in the command resolve against the config file's folder (see loadPipelineConfig).
    cwd: trainer.cwd ?? process.cwd(),
    ...(trainer.env ? { env: trainer.env } : {}),
  };
}

function trainerFailure(error: unknown, name: string, doing: string): unknown {
  if (error instanceof ExternalTrainerError)
    return new StepError(`external trainer "${name}" failed ${doing}: ${error.message}`, {
      retryable: false,
      code: error.code,
      cause: error,
    });
  return error;
}

/**
 * Backtests trainer `name` on one segment's series with the config's folds, horizon and quantiles,
 * in `<workRoot>/<segment>/<name>/fold-<k>`.
 *
 * @example
 * const results = await backtestTrainer('r-forecast', config, 'smooth', panel, root);
 */
export async function backtestTrainer(
  name: string,
  config: PipelineConfig,
  segment: string,
  series: readonly BacktestSeries[],
  workRoot: string,
): Promise<SeriesBacktest[]> {
  const trainer = config.trainers[name] as TrainerConfig;
  try {
    return await backtestExternalTrainer(series, {
      name,
      horizon: config.horizon,
      folds: config.backtest.folds,
      ...(config.backtest.step ? { step: config.backtest.step } : {}),
      seasonLength: config.seasonLength,
      freq: 'D',
      quantiles: config.quantiles,
      params: { [name]: trainer.params },
      trainer: runnerOptions(trainer),
      workRoot: join(workRoot, pathSegment(segment), name),
      modelFile: trainer.modelFile,
    });
  } catch (error) {
    throw trainerFailure(error, name, `while backtesting segment "${segment}"`);
  }
}

/**
 * Runs trainer `name` once on a segment's full history for the config's horizon and quantiles.
 *
 * @example
 * const result = await fitTrainer('python-xgboost', config, 'smooth', panel, root);
 * result.forecasts.get('S1/P1')?.mean;
 */
export async function fitTrainer(
  name: string,
  config: PipelineConfig,
  segment: string,
  series: readonly BacktestSeries[],
  workRoot: string,
): Promise<ExternalTrainerResult> {
  const trainer = config.trainers[name];
  if (!trainer)
    throw StepError.nonRetryable(
      `segment "${segment}" chose external trainer "${name}", which the config no longer names under trainers`,
      'TRAINER_NOT_CONFIGURED',
    );
  try {
    return await runExternalTrainer(
      {
        series: series.map((s) => ({ id: s.id, start: s.start ?? '2000-01-01', y: s.y })),
        freq: 'D',
        seasonLength: config.seasonLength,
        horizon: config.horizon,
        quantiles: config.quantiles,
        params: trainer.params,
        modelFile: trainer.modelFile,
      },
      { ...runnerOptions(trainer), workDir: join(workRoot, pathSegment(segment), name) },
    );
  } catch (error) {
    throw trainerFailure(error, name, `while fitting segment "${segment}" on its full history`);
  }
}
