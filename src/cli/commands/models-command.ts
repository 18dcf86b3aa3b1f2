/**
 * @module cli/commands/models-command
 * `shelfcast models available`: the forecasting algorithms with their hyperparameters.
 */
import type { Command } from 'commander';
import type { HyperParameterSpec } from '../../models/model.js';
import { type CatalogEntry, modelCatalog } from '../../models/model-catalog.js';
import { formatTable, printJson } from '../output.js';

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('Forecasting models');
  models
    .command('available')
    .description('List every forecasting model with its hyperparameters')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const entries = modelCatalog.list();
      if (options.json) printJson({ models: entries });
      else process.stdout.write(formatModels(entries));
    });
}

/** Human listing: one table of models, then each model's hyperparameters. */
export function formatModels(entries: readonly CatalogEntry[]): string {
  const lines = [
    formatTable(
      ['model', 'kind', 'family', 'description'],
      entries.map((e) => [e.name, e.kind, e.family, e.description]),
    ),
    '',
    'auto: per series, picks the best of the continuous models (smooth/erratic demand, by MASE) or the intermittent ones (intermittent/lumpy, by RMSSE) in a rolling-origin backtest.',
  ];
  for (const e of entries) {
    if (e.hyperparameters.length === 0) continue;
    lines.push('', `${e.name}:`);
    for (const p of e.hyperparameters)
      lines.push(`  ${p.name.padEnd(16)} ${describeSpec(p).padEnd(34)} ${p.help}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeSpec(p: HyperParameterSpec): string {
  if (p.type === 'categorical') return `${p.choices.join('|')} (default ${String(p.default)})`;
  return `${p.type} ${p.min}..${p.max}${p.log ? ' log' : ''} (default ${p.default})`;
}
