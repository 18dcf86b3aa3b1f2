/**
 * @module cli/commands/train-command
 * `shelfcast train --config FILE`: one command from the data in the database to a registered model
 * version, promoted when it beats the champion. Prints each step's status and cache decision, the
 * model chosen per segment against seasonal naive, and the registration.
 */
import type { Command } from 'commander';
import { retrain } from '../../pipeline-config/retrain.js';
import { standardPipeline } from '../../pipeline-config/standard-pipeline.js';
import { type TrainSummary, trainFromConfig } from '../../pipeline-config/train.js';
import { CliError, ExitCode } from '../cli-error.js';
import { INTERRUPTED_EXIT_CODE, onInterrupt } from '../interrupt.js';
import { formatTable, printJson } from '../output.js';
import { pipelineProgress } from '../pipeline-progress.js';

interface TrainOptions {
  config: string;
  force?: boolean;
  json?: boolean;
}

interface Choice {
  segment: string;
  model: string;
  score: number;
  seasonalNaive: number;
  series: string[];
}

interface Registration {
  model: string;
  version: number;
  outcome: string;
  promoted: boolean;
  reason: string;
  trackingRunId: string;
}

const STOPPING = 'stopping the training run after the current step or trial';

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Run the standard demand-forecasting pipeline for a config file and register the model')
    .requiredOption(
      '--config <file>',
      'pipeline config (YAML or JSON), e.g. examples/pipelines/demand-forecast.yaml',
    )
    .option('--force', 'rerun every step, ignoring cached results')
    .option('--json', 'print one JSON object')
    .action(async (options: TrainOptions) => {
      const interrupt = onInterrupt(STOPPING);
      try {
        const summary = await trainFromConfig(options.config, {
          force: options.force ?? false,
          onEvent: pipelineProgress(standardPipeline.nodes.length, !options.json),
          signal: interrupt.signal,
        });
        report(summary, options.json ?? false);
      } finally {
        interrupt.dispose();
      }
    });
  program
    .command('retrain')
    .description(
      'Retrain on the data in the database now: search, evaluate, promote if better, batch forecasts (config of the latest version unless --config)',
    )
    .option('--config <file>', 'pipeline config (default: the config of the latest registered version)')
    .option('--model <name>', 'which registered model to retrain when several exist')
    .option('--force', 'rerun every step, ignoring cached results')
    .option('--json', 'print one JSON object')
    .action(async (options: { config?: string; model?: string; force?: boolean; json?: boolean }) => {
      const interrupt = onInterrupt(STOPPING);
      const summary = await retrain({
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.model ? { model: options.model } : {}),
        force: options.force ?? false,
        onEvent: pipelineProgress(standardPipeline.nodes.length, !options.json),
        signal: interrupt.signal,
      }).finally(() => interrupt.dispose());
      if (!options.json)
        process.stdout.write(
          `\nConfig: ${summary.configSource}. ${summary.newData ? 'New data since the latest version.' : 'No new data since the latest version: every step is answered from the cache and no version is registered.'}\n`,
        );
      report(summary, options.json ?? false, {
        configSource: summary.configSource,
        newData: summary.newData,
        previousSnapshotHash: summary.previousSnapshotHash,
      });
    });
}

/** Prints a train summary (table or JSON) and fails the command when the pipeline failed. */
export function report(summary: TrainSummary, json: boolean, extra: Record<string, unknown> = {}): void {
  const selection = (summary.outputs.train?.selection ?? []) as unknown as Choice[];
  const registration = summary.outputs.register?.registration as unknown as Registration | undefined;
  if (json) {
    printJson({
      ...extra,
      runId: summary.runId,
      status: summary.status,
      configHash: summary.configHash,
      steps: summary.steps,
      selection: selection.map(({ segment, model, score, seasonalNaive, series }) => ({
        segment,
        model,
        series: series.length,
        metric: summary.config.metric,
        score,
        seasonalNaive,
      })),
      evaluation: summary.outputs.evaluate?.evaluation ?? null,
      registration: registration ?? null,
      forecastRows: summary.outputs['batch-forecast']?.rows ?? null,
      forecastsPath: summary.forecastsPath,
    });
  } else {
    process.stdout.write(formatTrain(summary, selection, registration));
  }
  if (summary.status === 'cancelled') {
    const at =
      summary.steps.find((s) => s.status === 'cancelled') ??
      summary.steps.find((s) => s.status === 'skipped');
    const registered = summary.steps.find((s) => s.name === 'register')?.status === 'succeeded';
    throw new CliError(
      `the run was stopped${at ? ` at ${at.name}` : ''}${registered ? ' after its model was registered' : ' before it registered a model'}; run the same command again to go on (finished steps come from the cache)`,
      INTERRUPTED_EXIT_CODE,
    );
  }
  if (summary.status === 'failed') {
    const failed = summary.steps.find((s) => s.status === 'failed');
    throw new CliError(
      `the pipeline failed at ${failed?.name ?? '?'}: ${failed?.error ?? 'see the run log'}`,
      ExitCode.failure,
    );
  }
}

const num = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');

function formatTrain(s: TrainSummary, selection: Choice[], registration: Registration | undefined): string {
  const out = [
    '',
    `shelfcast train — ${s.config.name}, run ${s.runId} (${s.status})`,
    '',
    formatTable(
      ['step', 'status', 'cache', 'reason'],
      s.steps.map((st) => [
        st.name,
        st.status,
        st.cacheHit === null ? '' : st.cacheHit ? 'hit' : 'miss',
        st.error ?? st.reason ?? '',
      ]),
    ),
  ];
  if (selection.length > 0) {
    out.push(
      '',
      `Best model per segment (backtest ${s.config.metric}, lower is better):`,
      formatTable(
        ['segment', 'series', 'model', s.config.metric, 'seasonal naive', 'ratio'],
        selection.map((c) => [
          c.segment,
          c.series.length,
          c.model,
          num(c.score),
          num(c.seasonalNaive),
          num(c.score / c.seasonalNaive),
        ]),
      ),
    );
  }
  if (registration) {
    const cached = s.steps.find((st) => st.name === 'register')?.cacheHit === true;
    out.push(
      '',
      `Registered ${registration.model} v${registration.version}${cached ? ' in an earlier run (cached)' : ''}: ${registration.promoted ? 'promoted to champion' : registration.outcome} (${registration.reason})`,
    );
  }
  if (s.forecastsPath) {
    const rows = s.outputs['batch-forecast']?.rows;
    out.push(`Forecasts: ${s.forecastsPath}${typeof rows === 'number' ? ` (${rows} rows)` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
