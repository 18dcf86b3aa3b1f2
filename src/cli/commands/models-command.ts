/**
 * @module cli/commands/models-command
 * `shelfcast models available`: the forecasting algorithms with their hyperparameters.
 */
import type { Command } from 'commander';
import { DEFAULT_AUTO_CANDIDATES } from '../../forecasting/auto-selection.js';
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
      if (options.json)
        printJson({
          models: entries,
          auto: { description: AUTO_DESCRIPTION, candidates: DEFAULT_AUTO_CANDIDATES },
        });
      else process.stdout.write(formatModels(entries));
    });
}

const AUTO_DESCRIPTION =
  'per series, classifies demand (Syntetos–Boylan) and picks the best candidate in a rolling-origin backtest: by MASE among the continuous list for smooth demand and among both lists for erratic demand, by RMSSE among the intermittent list for intermittent and lumpy demand.';

/** Human listing: one table of models, then each model's hyperparameters. */
export function formatModels(entries: readonly CatalogEntry[]): string {
  const lines = [
    formatTable(
      ['model', 'kind', 'family', 'description'],
      entries.map((e) => [e.name, e.kind, e.family, e.description]),
    ),
    '',
    `auto: ${AUTO_DESCRIPTION}`,
    `  continuous candidates: ${DEFAULT_AUTO_CANDIDATES.continuous.join(', ')}`,
    `  intermittent candidates: ${DEFAULT_AUTO_CANDIDATES.intermittent.join(', ')}`,
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
