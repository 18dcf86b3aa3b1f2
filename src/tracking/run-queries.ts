/**
 * @module tracking/run-queries
 * Reading runs back: one run in full, metric history, lists with filters and metric sort, and a
 * side-by-side comparison of several runs.
 */
import type { Queryable, SqlValue } from '../db/database.js';
import { conditionSql, parseRunCondition, type RunCondition } from './run-filter.js';
import { runNotFound } from './run-store.js';
import {
  type JsonValue,
  latestMetricSql,
  type MetricPoint,
  RUN_COLUMNS,
  type RunDetail,
  type RunRow,
  type RunStatus,
  type RunSummary,
  toRun,
} from './run-types.js';
import { TrackingError } from './tracking-error.js';

/**
 * The full run id for an id or an unambiguous prefix of one (as printed by `runs list`).
 *
 * @example
 * const id = await resolveRunId(db, '3f2a9c'); // '3f2a9c1e-...'
 */
export async function resolveRunId(db: Queryable, idOrPrefix: string): Promise<string> {
  const exact = await db.query<{ run_id: string }>('SELECT run_id FROM runs WHERE run_id = $1', [idOrPrefix]);
  if (exact[0]) return exact[0].run_id;
  if (idOrPrefix.length >= 4 && /^[0-9a-f-]+$/i.test(idOrPrefix)) {
    const like = await db.query<{ run_id: string }>(
      "SELECT run_id FROM runs WHERE run_id LIKE $1 || '%' ORDER BY run_id LIMIT 2",
      [idOrPrefix.toLowerCase()],
    );
    if (like.length === 1) return like[0]!.run_id;
    if (like.length > 1) {
      throw new TrackingError(
        'RUN_NOT_FOUND',
        `run id prefix '${idOrPrefix}' matches several runs; give more of it`,
        {
          runId: idOrPrefix,
        },
      );
    }
  }
  throw runNotFound(idOrPrefix);
}

/** One run with parameters, latest metrics, tags, artifacts and nested runs; null when unknown. */
export async function getRun(db: Queryable, runId: string): Promise<RunDetail | null> {
  const rows = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id = $1`,
    [runId],
  );
  if (!rows[0]) return null;
  const [summary] = await withValues(db, [toRun(rows[0])]);
  const artifacts = await db.query<{
    path: string;
    sha256: string;
    size_bytes: number;
    created_at: Date | string;
  }>('SELECT path, sha256, size_bytes, created_at FROM run_artifacts WHERE run_id = $1 ORDER BY path', [
    runId,
  ]);
  const children = await db.query<{ run_id: string }>(
    'SELECT run_id FROM runs WHERE parent_run_id = $1 ORDER BY started_at, run_id',
    [runId],
  );
  return {
    ...summary!,
    artifacts: artifacts.map((a) => ({
      path: a.path,
      sha256: a.sha256.trim(),
      sizeBytes: Number(a.size_bytes),
      createdAt: new Date(a.created_at).toISOString(),
    })),
    childRunIds: children.map((c) => c.run_id),
  };
}

/** Every logged value of one metric, by step then fold then logging order. */
export async function metricHistory(db: Queryable, runId: string, key: string): Promise<MetricPoint[]> {
  const rows = await db.query<{
    key: string;
    value: number;
    step: number;
    fold: number | null;
    recorded_at: Date;
  }>(
    `SELECT key, value, step, fold, recorded_at FROM run_metrics WHERE run_id = $1 AND key = $2
     ORDER BY step, fold NULLS LAST, metric_id`,
    [runId, key],
  );
  return rows.map((r) => ({
    key: r.key,
    value: Number(r.value),
    step: Number(r.step),
    fold: r.fold === null ? null : Number(r.fold),
    timestamp: new Date(r.recorded_at).toISOString(),
  }));
}

export interface ListRunsOptions {
  experiment?: string;
  status?: RunStatus;
  /** Runs carrying every one of these tags. */
  tags?: Record<string, string>;
  /** Conditions as text (`metrics.mase < 0.9`) or parsed; all must hold. */
  where?: readonly (string | RunCondition)[];
  /** Sort by a metric's latest value (ascending unless `descending`); runs without it come last. */
  sort?: { metric: string; descending?: boolean };
  /** Only runs nested in this run; `null` for top-level runs only. */
  parentRunId?: string | null;
  limit?: number;
}

/**
 * Lists runs, newest first unless sorted by a metric.
 *
 * @example
 * const best = await listRuns(db, {
 *   experiment: 'weekly', status: 'finished', where: ['metrics.mase < 0.9'], sort: { metric: 'mase' },
 * });
 */
export async function listRuns(db: Queryable, options: ListRunsOptions = {}): Promise<RunSummary[]> {
  const params: SqlValue[] = [];
  const where: string[] = [];
  if (options.experiment !== undefined) {
    params.push(options.experiment);
    where.push(`e.name = $${params.length}`);
  }
  if (options.status !== undefined) {
    params.push(options.status);
    where.push(`r.status = $${params.length}`);
  }
  if (options.parentRunId === null) where.push('r.parent_run_id IS NULL');
  else if (options.parentRunId !== undefined) {
    params.push(options.parentRunId);
    where.push(`r.parent_run_id = $${params.length}`);
  }
  const conditions: RunCondition[] = [
    ...Object.entries(options.tags ?? {}).map(
      ([key, value]): RunCondition => ({ kind: 'tag', key, op: '=', value }),
    ),
    ...(options.where ?? []).map((c) => (typeof c === 'string' ? parseRunCondition(c) : c)),
  ];
  for (const c of conditions) where.push(conditionSql(c, params));
  let order = 'r.started_at DESC, r.run_id';
  if (options.sort) {
    params.push(options.sort.metric);
    order = `${latestMetricSql('r.run_id', `$${params.length}`)} ${options.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ${order}`;
  }
  params.push(options.limit ?? 100);
  const rows = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e USING (experiment_id)
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${order} LIMIT $${params.length}`,
    params,
  );
  return withValues(db, rows.map(toRun));
}

/** Adds parameters, latest metric values and tags to runs, three queries for the whole list. */
async function withValues(db: Queryable, runs: ReturnType<typeof toRun>[]): Promise<RunSummary[]> {
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.runId);
  const [params, metrics, tags] = await Promise.all([
    db.query<{ run_id: string; key: string; value: JsonValue }>(
      'SELECT run_id, key, value FROM run_params WHERE run_id = ANY($1::text[]) ORDER BY key',
      [ids],
    ),
    db.query<{ run_id: string; key: string; value: number }>(
      `SELECT DISTINCT ON (run_id, key) run_id, key, value FROM run_metrics
       WHERE run_id = ANY($1::text[]) AND fold IS NULL ORDER BY run_id, key, step DESC, metric_id DESC`,
      [ids],
    ),
    db.query<{ run_id: string; key: string; value: string }>(
      'SELECT run_id, key, value FROM run_tags WHERE run_id = ANY($1::text[]) ORDER BY key',
      [ids],
    ),
  ]);
  const byId = new Map<string, RunSummary>(
    runs.map((r) => [r.runId, { ...r, params: {}, metrics: {}, tags: {} }]),
  );
  for (const p of params) byId.get(p.run_id)!.params[p.key] = p.value;
  for (const m of metrics) byId.get(m.run_id)!.metrics[m.key] = Number(m.value);
  for (const t of tags) byId.get(t.run_id)!.tags[t.key] = t.value;
  return runs.map((r) => byId.get(r.runId)!);
}

export interface ComparedValue<T> {
  key: string;
  /** One value per compared run, in the order the runs were given; null where a run lacks it. */
  values: (T | null)[];
  /** True when the runs do not all hold the same value. */
  differs: boolean;
}

export interface RunComparison {
  runs: RunSummary[];
  params: ComparedValue<JsonValue>[];
  metrics: ComparedValue<number>[];
}

/**
 * Parameters and latest metrics of several runs side by side, marking keys whose values differ.
 *
 * @example
 * const { params, metrics } = await compareRuns(db, [a, b]);
 * params.filter((p) => p.differs); // what changed between the runs
 */
export async function compareRuns(db: Queryable, runIds: readonly string[]): Promise<RunComparison> {
  const runs: RunSummary[] = [];
  for (const id of runIds) {
    const run = await getRun(db, id);
    if (!run) throw runNotFound(id);
    const { artifacts: _a, childRunIds: _c, ...summary } = run;
    runs.push(summary);
  }
  const side = <T>(pick: (r: RunSummary) => Record<string, T>): ComparedValue<T>[] => {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
    return keys.map((key) => {
      const values = runs.map((r) => (key in pick(r) ? pick(r)[key]! : null));
      const canon = values.map((v) => stableJson(v));
      return { key, values, differs: canon.some((c) => c !== canon[0]) };
    });
  };
  return { runs, params: side((r) => r.params), metrics: side((r) => r.metrics) };
}

/** JSON with object keys sorted, so equal values compare equal whatever order the database gave. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
