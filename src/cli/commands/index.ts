/**
 * @module cli/commands
 * Every subcommand's registration function; add a new command by adding its file and one line here.
 */
import type { Command } from 'commander';
import { registerBacktestCommand } from './backtest-command.js';
import { registerBatchesCommand } from './batches-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerForecastCommand } from './forecast-command.js';
import { registerGenerateCommand } from './generate-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerPipelineCommand } from './pipeline-command.js';
import { registerRunsCommand } from './runs-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommand } from './token-command.js';
import { registerTrainCommand } from './train-command.js';
import { registerWorkerCommand } from './worker-command.js';

export type CommandRegistration = (program: Command) => void;

export const commandRegistrations: CommandRegistration[] = [
  registerDemoCommand,
  registerIngestCommand,
  registerBatchesCommand,
  registerForecastCommand,
  registerBacktestCommand,
  registerModelsCommand,
  registerRunsCommand,
  registerGenerateCommand,
  registerTrainCommand,
  registerTokenCommand,
  registerPipelineCommand,
  registerServeCommand,
  registerWorkerCommand,
];
