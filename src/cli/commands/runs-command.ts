/**
 * @module cli/commands/runs-command
 * `shelfcast runs list|show ID|compare ID ID...`: tracked experiment runs, their parameters,
 * metrics and artifacts, and side-by-side comparison.
 */
import type { Command } from 'commander';
import type { RunComparison } from '../../tracking/run-queries.js';
import { compareRuns, getRun, listRuns, metricHistory, resolveRunId } from '../../tracking/run-queries.js';
import type { JsonValue, RunDetail, RunStatus, RunSummary } from '../../tracking/run-types.js';
import { RUN_STATUSES } from '../../tracking/run-types.js';
import { TrackingError } from '../../tracking/tracking-error.js';
import { CliError } from '../cli-error.js';
import { formatTable, printJson } from '../output.js';
import { positiveInt } from '../parse-options.js';
import { withDatabase } from '../with-database.js';

/** Tracking errors caused by what the user typed become usage errors (exit 2) with the same message. */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof TrackingError &&
      ['RUN_NOT_FOUND', 'INVALID_FILTER', 'EXPERIMENT_NOT_FOUND'].includes(error.code)
    )
      throw new CliError(error.message);
    throw error;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function statusOption(value: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(value))
    throw new CliError(`--status must be one of ${RUN_STATUSES.join(', ')}, got '${value}'`);
  return value as RunStatus;
}

/** `mase`, `mase:asc` or `mase:desc`. */
export function sortOption(value: string): { metric: string; descending: boolean } {
  const m = /^(.+?)(?::(asc|desc))?$/.exec(value.trim());
  if (!m?.[1])
    throw new CliError(`--sort takes a metric name, optionally with :asc or :desc, got '${value}'`);
  return { metric: m[1], descending: m[2] === 'desc' };
}

function tagOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new CliError(`--tag takes KEY=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('Tracked experiment runs: parameters, metrics, artifacts');
  runs
    .command('list')
    .description('runs, newest first (or sorted by a metric)')
    .option('--experiment <name>', 'only runs of this experiment')
    .option('--status <status>', `only runs with this status (${RUN_STATUSES.join(', ')})`, statusOption)
    .option('--tag <key=value>', 'only runs with this tag (repeatable)', tagOption)
    .option('--where <condition>', 'e.g. "metrics.mase < 0.9" or "params.model = ets" (repeatable)', collect)
    .option('--sort <metric[:desc]>', 'sort by a metric, ascending unless :desc', sortOption)
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(
      async (options: {
        experiment?: string;
        status?: RunStatus;
        tag?: Record<string, string>;
        where?: string[];
        sort?: { metric: string; descending: boolean };
        limit: number;
        json?: boolean;
      }) => {
        const rows = await userErrors(() =>
          withDatabase((db) =>
            listRuns(db, {
              limit: options.limit,
              ...(options.experiment ? { experiment: options.experiment } : {}),
              ...(options.status ? { status: options.status } : {}),
              ...(options.tag ? { tags: options.tag } : {}),
              ...(options.where ? { where: options.where } : {}),
              ...(options.sort ? { sort: options.sort } : {}),
            }),
          ),
        );
        if (options.json) return printJson(rows);
        process.stdout.write(`${formatRunList(rows, options.sort?.metric)}\n`);
      },
    );
  runs
    .command('show')
    .description('one run: parameters, latest metrics, tags, artifacts, nested runs')
    .argument('<id>', 'run id (or an unambiguous prefix)')
    .option('--metric <key>', 'also print the full history of this metric')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { metric?: string; json?: boolean }) => {
      const { run, history } = await userErrors(() =>
        withDatabase(async (db) => {
          const runId = await resolveRunId(db, id);
          const run = (await getRun(db, runId))!;
          const history = options.metric ? await metricHistory(db, runId, options.metric) : undefined;
          return { run, history };
        }),
      );
      if (options.json) return printJson(history ? { ...run, history: { [options.metric!]: history } } : run);
      let text = formatRun(run);
      if (history) {
        text += `\n\nHistory of ${options.metric}:\n${formatTable(
          ['step', 'fold', 'value', 'time'],
          history.map((p) => [p.step, p.fold, p.value, p.timestamp]),
        )}`;
      }
      process.stdout.write(`${text}\n`);
    });
  runs
    .command('compare')
    .description('parameters and latest metrics of runs side by side; * marks values that differ')
    .argument('<ids...>', 'two or more run ids (or unambiguous prefixes)')
    .option('--json', 'print JSON')
    .action(async (ids: string[], options: { json?: boolean }) => {
      if (ids.length < 2) throw new CliError('runs compare needs at least two run ids');
      const comparison = await userErrors(() =>
        withDatabase(async (db) => {
          const full = [];
          for (const id of ids) full.push(await resolveRunId(db, id));
          return compareRuns(db, full);
        }),
      );
      if (options.json) return printJson(comparison);
      process.stdout.write(`${formatComparison(comparison)}\n`);
    });
}

const shortId = (id: string) => id.slice(0, 8);

function duration(run: RunSummary): string {
  if (!run.endedAt) return '';
  const s = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${(s / 60).toFixed(1)}m`;
}

/** The `runs list` table; the sort metric (if any) gets its own column, then the other metrics. */
export function formatRunList(rows: readonly RunSummary[], sortMetric?: string): string {
  if (rows.length === 0) return 'no runs match';
  const metricKeys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const shown = sortMetric ? [sortMetric, ...metricKeys.filter((k) => k !== sortMetric)] : metricKeys;
  const metricCols = shown.slice(0, 4);
  return formatTable(
    ['run', 'experiment', 'name', 'status', 'parent', 'started', 'took', ...metricCols],
    rows.map((r) => [
      shortId(r.runId),
      r.experiment,
      r.name ?? '',
      r.status,
      r.parentRunId ? shortId(r.parentRunId) : '',
      r.startedAt.slice(0, 19).replace('T', ' '),
      duration(r),
      ...metricCols.map((k) => r.metrics[k] ?? null),
    ]),
  );
}

const showValue = (v: JsonValue | number | null | undefined) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/** The `runs show` text. */
export function formatRun(run: RunDetail): string {
  const env = run.environment;
  const out = [
    `run ${run.runId}${run.name ? ` (${run.name})` : ''} — ${run.status}`,
    `  experiment  ${run.experiment}`,
    ...(run.parentRunId ? [`  parent      ${run.parentRunId}`] : []),
    `  started     ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}`,
    `  commit      ${run.gitCommit ?? 'unknown'}`,
    `  environment node ${env.node ?? '?'}, ${env.platform ?? '?'}, shelfcast ${env.shelfcast ?? '?'}`,
  ];
  const section = (title: string, rows: (readonly unknown[])[], headers: string[]) => {
    if (rows.length > 0) out.push('', `${title}:`, formatTable(headers, rows));
  };
  section(
    'Parameters',
    Object.entries(run.params).map(([k, v]) => [k, showValue(v)]),
    ['param', 'value'],
  );
  section(
    'Metrics (latest)',
    Object.entries(run.metrics).map(([k, v]) => [k, v]),
    ['metric', 'value'],
  );
  section(
    'Tags',
    Object.entries(run.tags).map(([k, v]) => [k, v]),
    ['tag', 'value'],
  );
  section(
    'Artifacts',
    run.artifacts.map((a) => [a.path, a.sizeBytes, a.sha256.slice(0, 16)]),
    ['path', 'bytes', 'sha256'],
  );
  if (run.childRunIds.length > 0)
    out.push('', `Nested runs (${run.childRunIds.length}): ${run.childRunIds.join(', ')}`);
  return out.join('\n');
}

/** The `runs compare` text: one column per run, `*` in front of keys whose values differ. */
export function formatComparison(c: RunComparison): string {
  const headers = ['', 'key', ...c.runs.map((r) => shortId(r.runId))];
  const rows = (title: string, items: RunComparison['params'] | RunComparison['metrics']) =>
    items.map((item) => [
      item.differs ? '*' : '',
      `${title}.${item.key}`,
      ...item.values.map((v) => showValue(v)),
    ]);
  const table = formatTable(headers, [
    ['', 'experiment', ...c.runs.map((r) => r.experiment)],
    ['', 'status', ...c.runs.map((r) => r.status)],
    ...rows('params', c.params),
    ...rows('metrics', c.metrics),
  ]);
  const differing = c.params.filter((p) => p.differs).length + c.metrics.filter((m) => m.differs).length;
  return `${table}\n\n* differs between runs (${differing} of ${c.params.length + c.metrics.length} keys)`;
}
