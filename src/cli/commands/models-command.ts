/**
 * @module cli/commands/models-command
 * `shelfcast models available`: the forecasting algorithms with their hyperparameters; and the
 * registry: `models list [MODEL]`, `models show MODEL[@VERSION]`, `models promote MODEL@VERSION --reason`,
 * `models rollback MODEL [--to VERSION]`.
 */
import type { Command } from 'commander';
import { DEFAULT_AUTO_CANDIDATES } from '../../forecasting/auto-selection.js';
import type { HyperParameterSpec } from '../../models/model.js';
import { type CatalogEntry, modelCatalog } from '../../models/model-catalog.js';
import {
  getModelVersion,
  listModelVersions,
  listRegisteredModels,
  type ModelAlias,
  type ModelVersion,
  parseVersionRef,
  type RegisteredModelSummary,
  requireModelVersion,
} from '../../registry/model-registry.js';
import { type AliasAuditEntry, aliasHistory, promote, rollback } from '../../registry/promotion.js';
import { RegistryError } from '../../registry/registry-error.js';
import { CliError } from '../cli-error.js';
import { formatTable, printJson } from '../output.js';
import { positiveInt } from '../parse-options.js';
import { withDatabase } from '../with-database.js';

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
  registerRegistrySubcommands(models);
}

/** Registry errors caused by what the user typed become usage errors (exit 2) with the same message. */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RegistryError && USER_ERRORS.has(error.code)) throw new CliError(error.message);
    throw error;
  }
}
const USER_ERRORS = new Set([
  'MODEL_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'INVALID_VERSION_REF',
  'REASON_REQUIRED',
  'NO_CHAMPION',
  'INVALID_ROLLBACK',
]);

function aliasOption(value: string): ModelAlias {
  if (value !== 'champion' && value !== 'challenger')
    throw new CliError(`--alias must be champion or challenger, got '${value}'`);
  return value;
}

function registerRegistrySubcommands(models: Command): void {
  models
    .command('list')
    .description('registered models (or the versions of one model) with their champion and challenger')
    .argument('[model]', 'list the versions of this model')
    .option('--json', 'print JSON')
    .action(async (model: string | undefined, options: { json?: boolean }) => {
      const rows = await userErrors(() =>
        withDatabase<ModelVersion[] | RegisteredModelSummary[]>((db) =>
          model ? listModelVersions(db, model) : listRegisteredModels(db),
        ),
      );
      if (options.json) return printJson(rows);
      process.stdout.write(
        `${model ? formatVersionList(rows as ModelVersion[]) : formatRegisteredModels(rows as RegisteredModelSummary[])}\n`,
      );
    });
  models
    .command('show')
    .description(
      'one version (MODEL@VERSION or MODEL@champion), or a model with its versions and alias history',
    )
    .argument('<ref>', 'MODEL@VERSION, MODEL@champion, MODEL@challenger or MODEL')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      if (!ref.includes('@')) {
        const { versions, history } = await userErrors(() =>
          withDatabase(async (db) => ({
            versions: await listModelVersions(db, ref),
            history: await aliasHistory(db, ref),
          })),
        );
        if (options.json) return printJson({ model: ref, versions, history });
        process.stdout.write(
          `model ${ref}\n\n${formatVersionList(versions)}\n\nAlias history:\n${formatAudit(history)}\n`,
        );
        return;
      }
      const version = await userErrors(() =>
        withDatabase((db) => requireModelVersion(db, parseVersionRef(ref))),
      );
      if (options.json) return printJson(version);
      process.stdout.write(`${formatVersion(version)}\n`);
    });
  models
    .command('promote')
    .description('point an alias (default champion) at a version by hand; the reason goes into the audit')
    .argument('<ref>', 'MODEL@VERSION')
    .option('--reason <text>', 'why (required)')
    .option('--alias <alias>', 'champion or challenger', aliasOption, 'champion' as ModelAlias)
    .option('--actor <name>', 'who (default: the OS user)')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        options: { reason?: string; alias: ModelAlias; actor?: string; json?: boolean },
      ) => {
        const result = await userErrors(() =>
          withDatabase((db) =>
            promote(db, parseVersionRef(ref), {
              reason: options.reason ?? '',
              alias: options.alias,
              ...(options.actor ? { actor: options.actor } : {}),
            }),
          ),
        );
        if (options.json) return printJson(result);
        const model = parseVersionRef(ref).model;
        process.stdout.write(
          result.changed
            ? `${model}: ${result.alias} is now v${result.version}${result.previous === null ? '' : ` (was v${result.previous})`}\n`
            : `${model}: v${result.version} already is ${result.alias}; nothing changed\n`,
        );
      },
    );
  models
    .command('rollback')
    .description('give champion back to an earlier version (default: the previous champion)')
    .argument('<model>', 'model name')
    .option('--to <version>', 'the version to go back to', positiveInt('--to'))
    .option('--reason <text>', 'why (recorded in the audit)')
    .option('--actor <name>', 'who (default: the OS user)')
    .option('--json', 'print JSON')
    .action(
      async (model: string, options: { to?: number; reason?: string; actor?: string; json?: boolean }) => {
        const result = await userErrors(() =>
          withDatabase(async (db) => {
            const moved = await rollback(db, model, {
              ...(options.to !== undefined ? { to: options.to } : {}),
              ...(options.reason ? { reason: options.reason } : {}),
              ...(options.actor ? { actor: options.actor } : {}),
            });
            return { ...moved, champion: await getModelVersion(db, { model, version: moved.to }) };
          }),
        );
        if (options.json) return printJson(result);
        process.stdout.write(`${model}: champion rolled back from v${result.from} to v${result.to}\n`);
      },
    );
}

const dash = (v: unknown) => (v === null || v === undefined ? '—' : String(v));

export function formatRegisteredModels(rows: readonly RegisteredModelSummary[]): string {
  if (rows.length === 0) return 'no registered models';
  return formatTable(
    ['model', 'versions', 'latest', 'champion', 'challenger', 'created'],
    rows.map((m) => [
      m.name,
      m.versionCount,
      m.latestVersion,
      dash(m.champion),
      dash(m.challenger),
      m.createdAt,
    ]),
  );
}

export function formatVersionList(rows: readonly ModelVersion[]): string {
  const metricKeys = [...new Set(rows.flatMap((v) => Object.keys(v.metrics)))].sort().slice(0, 4);
  return formatTable(
    ['version', 'aliases', ...metricKeys, 'backtest', 'run', 'created by', 'created'],
    rows.map((v) => [
      v.version,
      v.aliases.join(','),
      ...metricKeys.map((k) => v.metrics[k] ?? null),
      v.lineage.backtestId ?? '',
      v.lineage.runId?.slice(0, 8) ?? '',
      v.createdBy,
      v.createdAt,
    ]),
  );
}

export function formatVersion(v: ModelVersion): string {
  const s = v.signature;
  const lines = [
    `${v.model}@${v.version}${v.aliases.length > 0 ? ` (${v.aliases.join(', ')})` : ''}`,
    `  signature   features ${s.features.join(', ') || '—'}; frequency ${s.frequency}; horizon ${s.horizon}; quantiles ${s.quantiles.join(', ') || '—'}`,
    `  run         ${dash(v.lineage.runId)}`,
    `  backtest    ${dash(v.lineage.backtestId)}`,
    `  snapshot    ${dash(v.lineage.dataSnapshotHash)}`,
    `  config      ${dash(v.lineage.configHash)}`,
    `  artifact    ${v.artifact ? `${v.artifact.sha256}${v.artifact.uri ? ` (${v.artifact.uri})` : ''}` : '—'}`,
    `  created     ${v.createdAt} by ${v.createdBy}`,
  ];
  const metrics = Object.entries(v.metrics);
  if (metrics.length > 0) lines.push('', formatTable(['metric', 'value'], metrics));
  return lines.join('\n');
}

export function formatAudit(rows: readonly AliasAuditEntry[]): string {
  if (rows.length === 0) return 'no alias changes yet';
  return formatTable(
    ['when', 'alias', 'action', 'from', 'to', 'who', 'why'],
    rows.map((a) => [
      a.changedAt,
      a.alias,
      a.action,
      dash(a.fromVersion),
      dash(a.toVersion),
      a.actor,
      a.reason,
    ]),
  );
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
