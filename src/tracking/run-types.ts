/**
 * @module tracking/run-types
 * The shapes tracking hands out: experiments, runs, metric points, artifacts.
 */
import type { RunEnvironment } from './run-context.js';

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Experiment {
  experimentId: number;
  name: string;
  description: string | null;
  createdAt: string;
}

export interface Run {
  runId: string;
  experiment: string;
  parentRunId: string | null;
  name: string | null;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  gitCommit: string | null;
  environment: Partial<RunEnvironment> & Record<string, JsonValue>;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  fold: number | null;
  timestamp: string;
}

export interface RunArtifact {
  path: string;
  sha256: string;
  sizeBytes: number;
  createdAt: string;
}

/** A run with its parameters, its latest metric values (see {@link latestMetricSql}), and tags. */
export interface RunSummary extends Run {
  params: Record<string, JsonValue>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface RunDetail extends RunSummary {
  artifacts: RunArtifact[];
  childRunIds: string[];
}

/**
 * SQL for a run's current value of one metric: the last value logged without a fold, at the highest
 * step (per-fold values are the history behind it). `runRef` names the run id column, `keyParam`
 * the placeholder of the metric key.
 */
export function latestMetricSql(runRef: string, keyParam: string): string {
  return `(SELECT m.value FROM run_metrics m WHERE m.run_id = ${runRef} AND m.key = ${keyParam} AND m.fold IS NULL
    ORDER BY m.step DESC, m.metric_id DESC LIMIT 1)`;
}

export interface RunRow {
  run_id: string;
  experiment: string;
  parent_run_id: string | null;
  name: string | null;
  status: RunStatus;
  started_at: Date | string;
  ended_at: Date | string | null;
  git_commit: string | null;
  environment: Run['environment'];
}

export const RUN_COLUMNS = `r.run_id, e.name AS experiment, r.parent_run_id, r.name, r.status, r.started_at, r.ended_at,
  r.git_commit, r.environment`;

export function toRun(r: RunRow): Run {
  return {
    runId: r.run_id,
    experiment: r.experiment,
    parentRunId: r.parent_run_id,
    name: r.name,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
    gitCommit: r.git_commit,
    environment: r.environment ?? {},
  };
}
