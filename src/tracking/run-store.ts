/**
 * @module tracking/run-store
 * Recording experiments and runs: starting and ending runs (nested for trials), logging parameters,
 * metrics (per step and fold), tags and artifacts. Every function takes a database or a transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable, SqlValue } from '../db/database.js';
import type { ArtifactStore } from './artifact-store.js';
import { gitCommit as currentGitCommit, runEnvironment } from './run-context.js';
import {
  type Experiment,
  type JsonValue,
  RUN_COLUMNS,
  RUN_STATUSES,
  type Run,
  type RunArtifact,
  type RunRow,
  type RunStatus,
  toRun,
} from './run-types.js';
import { TrackingError } from './tracking-error.js';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  description: string | null;
  created_at: Date | string;
}

function toExperiment(r: ExperimentRow): Experiment {
  return {
    experimentId: Number(r.experiment_id),
    name: r.name,
    description: r.description,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * Returns the experiment of that name, creating it first if needed.
 *
 * @example
 * const exp = await ensureExperiment(db, 'weekly-ets', 'ETS on the weekly panel');
 */
export async function ensureExperiment(
  db: Queryable,
  name: string,
  description?: string,
): Promise<Experiment> {
  if (!name.trim()) throw new TrackingError('EXPERIMENT_NOT_FOUND', 'an experiment needs a non-empty name');
  const rows = await db.query<ExperimentRow>(
    `INSERT INTO experiments (name, description) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET description = COALESCE(EXCLUDED.description, experiments.description)
     RETURNING experiment_id, name, description, created_at`,
    [name, description ?? null],
  );
  return toExperiment(rows[0]!);
}

export async function listExperiments(db: Queryable): Promise<Experiment[]> {
  const rows = await db.query<ExperimentRow>(
    'SELECT experiment_id, name, description, created_at FROM experiments ORDER BY name',
  );
  return rows.map(toExperiment);
}

export interface StartRunOptions {
  /** Experiment name (created if new). Optional for a nested run: it inherits its parent's. */
  experiment?: string;
  name?: string;
  parentRunId?: string;
  params?: Record<string, JsonValue>;
  tags?: Record<string, string>;
  /** The code version; default: `git rev-parse HEAD` in the working directory, or null. */
  gitCommit?: string | null;
  /** Extra environment facts merged over node version, platform and shelfcast version. */
  environment?: Record<string, JsonValue>;
}

/**
 * Starts a run (status `running`) and records where it runs.
 *
 * @example
 * const parent = await startRun(db, { experiment: 'tuning-ets', name: 'search' });
 * const trial = await startRun(db, { parentRunId: parent.runId, params: { alpha: 0.3 } });
 * await logMetric(db, trial.runId, { key: 'mase', value: 0.91 });
 * await endRun(db, trial.runId);
 */
export async function startRun(db: Database, options: StartRunOptions): Promise<Run> {
  const runId = randomUUID();
  const commit = options.gitCommit === undefined ? currentGitCommit() : options.gitCommit;
  const environment = { ...runEnvironment(), ...(options.environment ?? {}) };
  await db.transaction(async (tx) => {
    let experimentName = options.experiment;
    if (options.parentRunId !== undefined) {
      const parent = await tx.query<{ experiment: string }>(
        'SELECT e.name AS experiment FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id = $1',
        [options.parentRunId],
      );
      if (!parent[0]) throw runNotFound(options.parentRunId, 'parent run');
      experimentName ??= parent[0].experiment;
    }
    if (experimentName === undefined) {
      throw new TrackingError(
        'EXPERIMENT_NOT_FOUND',
        'startRun needs an experiment name (or a parentRunId to inherit it from)',
      );
    }
    const experiment = await ensureExperiment(tx, experimentName);
    await tx.run(
      `INSERT INTO runs (run_id, experiment_id, parent_run_id, name, status, git_commit, environment)
       VALUES ($1, $2, $3, $4, 'running', $5, $6::jsonb)`,
      [
        runId,
        experiment.experimentId,
        options.parentRunId ?? null,
        options.name ?? null,
        commit,
        JSON.stringify(environment),
      ],
    );
    if (options.params) await insertParams(tx, runId, options.params);
    if (options.tags) await upsertTags(tx, runId, options.tags);
  });
  return (await findRun(db, runId))!;
}

/** Marks a run as ended with `status` (default `finished`) and the end time. */
export async function endRun(db: Queryable, runId: string, status: RunStatus = 'finished'): Promise<Run> {
  if (!RUN_STATUSES.includes(status) || status === 'running') {
    throw new TrackingError('INVALID_FILTER', `a run ends as finished, failed or killed, not '${status}'`);
  }
  const n = await db.run('UPDATE runs SET status = $2, ended_at = now() WHERE run_id = $1', [runId, status]);
  if (n === 0) throw runNotFound(runId);
  return (await findRun(db, runId))!;
}

/**
 * Records parameters. A parameter is written once: logging the same value again is accepted,
 * a different value for a key already set is refused (a run's configuration does not change).
 */
export async function logParams(
  db: Database,
  runId: string,
  params: Record<string, JsonValue>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await assertRun(tx, runId);
    await insertParams(tx, runId, params);
  });
}

async function insertParams(tx: Queryable, runId: string, params: Record<string, JsonValue>): Promise<void> {
  for (const [key, value] of Object.entries(params)) {
    const json = JSON.stringify(value ?? null);
    const inserted = await tx.query(
      `INSERT INTO run_params (run_id, key, value) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (run_id, key) DO NOTHING RETURNING key`,
      [runId, key, json],
    );
    if (inserted.length > 0) continue;
    const same = await tx.query<{ same: boolean; value: JsonValue }>(
      'SELECT value = $3::jsonb AS same, value FROM run_params WHERE run_id = $1 AND key = $2',
      [runId, key, json],
    );
    if (!same[0]?.same) {
      throw new TrackingError(
        'PARAM_CONFLICT',
        `run ${runId} already has param '${key}' = ${JSON.stringify(same[0]?.value)}; start a new run to try ${json}`,
        { runId, key },
      );
    }
  }
}

export interface MetricInput {
  key: string;
  value: number;
  /** Training step, epoch or trial number; default 0. */
  step?: number;
  /** Backtest fold the value belongs to; omitted for the run's overall value. */
  fold?: number;
  timestamp?: Date;
}

/** Logs one metric value; see {@link logMetrics}. */
export async function logMetric(db: Queryable, runId: string, metric: MetricInput): Promise<void> {
  await logMetrics(db, runId, [metric]);
}

/**
 * Logs many metric values in one statement per 1000 points. The run's current value of a metric
 * is the last one logged without a fold at the highest step.
 *
 * @example
 * await logMetrics(db, runId, folds.map((f, i) => ({ key: 'mase', value: f.mase, fold: i })));
 * await logMetric(db, runId, { key: 'mase', value: meanMase });
 */
export async function logMetrics(
  db: Queryable,
  runId: string,
  metrics: readonly MetricInput[],
): Promise<void> {
  for (const m of metrics) {
    if (!m.key.trim()) throw new TrackingError('INVALID_METRIC', 'a metric needs a non-empty key');
    if (!Number.isFinite(m.value)) {
      throw new TrackingError('INVALID_METRIC', `metric '${m.key}' must be a finite number, got ${m.value}`, {
        key: m.key,
      });
    }
    for (const [field, v] of [
      ['step', m.step],
      ['fold', m.fold],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        throw new TrackingError('INVALID_METRIC', `metric '${m.key}': ${field} must be a whole number ≥ 0`);
      }
    }
  }
  await assertRun(db, runId);
  const CHUNK = 1000;
  for (let start = 0; start < metrics.length; start += CHUNK) {
    const chunk = metrics.slice(start, start + CHUNK);
    const params: SqlValue[] = [runId];
    const values = chunk.map((m) => {
      params.push(m.key, m.value, m.step ?? 0, m.fold ?? null, m.timestamp ?? new Date());
      const b = params.length - 5;
      return `($1, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
    });
    await db.run(
      `INSERT INTO run_metrics (run_id, key, value, step, fold, recorded_at) VALUES ${values.join(', ')}`,
      params,
    );
  }
}

/** Sets tags (a later value for the same key replaces the earlier). */
export async function setTags(db: Queryable, runId: string, tags: Record<string, string>): Promise<void> {
  await assertRun(db, runId);
  await upsertTags(db, runId, tags);
}

async function upsertTags(db: Queryable, runId: string, tags: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(tags)) {
    await db.run(
      `INSERT INTO run_tags (run_id, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value`,
      [runId, key, String(value)],
    );
  }
}

/**
 * Stores content in the artifact store and records it under a logical path of the run (a later
 * artifact at the same path replaces the reference; the stored file stays for other references).
 *
 * @example
 * await logArtifact(db, store, runId, 'model/state.json', JSON.stringify(state));
 * await logArtifact(db, store, runId, 'forecasts.parquet', { file: '/tmp/forecasts.parquet' });
 */
export async function logArtifact(
  db: Queryable,
  store: ArtifactStore,
  runId: string,
  path: string,
  content: Uint8Array | string | { file: string },
): Promise<RunArtifact> {
  const logical = normaliseArtifactPath(path);
  await assertRun(db, runId);
  const stored =
    typeof content === 'object' && 'file' in content
      ? await store.putFile(content.file)
      : await store.put(content);
  const rows = await db.query<{ created_at: Date | string }>(
    `INSERT INTO run_artifacts (run_id, path, sha256, size_bytes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (run_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
       created_at = now()
     RETURNING created_at`,
    [runId, logical, stored.sha256, stored.sizeBytes],
  );
  return {
    path: logical,
    sha256: stored.sha256,
    sizeBytes: stored.sizeBytes,
    createdAt: new Date(rows[0]!.created_at).toISOString(),
  };
}

/** Reads back the content a run logged under `path`, byte for byte. */
export async function readArtifact(
  db: Queryable,
  store: ArtifactStore,
  runId: string,
  path: string,
): Promise<Uint8Array> {
  const rows = await db.query<{ sha256: string }>(
    'SELECT sha256 FROM run_artifacts WHERE run_id = $1 AND path = $2',
    [runId, normaliseArtifactPath(path)],
  );
  if (!rows[0]) {
    await assertRun(db, runId);
    throw new TrackingError(
      'ARTIFACT_NOT_FOUND',
      `run ${runId} has no artifact '${path}'; see 'shelfcast runs show ${runId}'`,
      { runId, path },
    );
  }
  return store.get(rows[0].sha256.trim());
}

function normaliseArtifactPath(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new TrackingError(
      'ARTIFACT_NOT_FOUND',
      `'${path}' is not a valid artifact path (use e.g. model/state.json)`,
    );
  }
  return parts.join('/');
}

export async function findRun(db: Queryable, runId: string): Promise<Run | null> {
  const rows = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id = $1`,
    [runId],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

async function assertRun(db: Queryable, runId: string): Promise<void> {
  const rows = await db.query('SELECT 1 FROM runs WHERE run_id = $1', [runId]);
  if (rows.length === 0) throw runNotFound(runId);
}

export function runNotFound(runId: string, what = 'run'): TrackingError {
  return new TrackingError('RUN_NOT_FOUND', `no ${what} '${runId}'; see 'shelfcast runs list'`, { runId });
}
