/**
 * @module pipeline-config/train
 * One call from a config file to a registered (and possibly promoted) model: loads and validates the
 * config, fingerprints the sales table, runs the standard pipeline and summarises each step.
 */
import { resolve } from 'node:path';
import { openDatabase } from '../db/open-database.js';
import { type RunEvent, runPipeline } from '../pipeline/local-runner.js';
import type { StepRecord } from '../pipeline/run-state.js';
import type { JsonValue } from '../pipeline/step.js';
import { configHash, loadPipelineConfig, type PipelineConfig } from './pipeline-config.js';
import { standardPipeline } from './standard-pipeline.js';

export interface TrainOptions {
  /** Rerun every step, ignoring cached results. */
  force?: boolean;
  /** Root of pipeline runs and the step cache (default `$SHELFCAST_HOME` or `./.shelfcast`). */
  home?: string;
  /** Sees each step start, report progress (trials) and finish. */
  onEvent?: (event: RunEvent) => void;
  /**
   * Cancels the run: no step starts after it aborts (register and batch-forecast included), the
   * train step stops between trials, and the summary's status is `cancelled`.
   */
  signal?: AbortSignal;
}

export interface TrainStepSummary {
  name: string;
  status: string;
  cacheHit: boolean | null;
  reason: string | null;
  error: string | null;
}

export interface TrainSummary {
  runId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  config: PipelineConfig;
  configHash: string;
  steps: TrainStepSummary[];
  /** Output parameters of each finished step (selection, evaluation, registration, …). */
  outputs: Record<string, Record<string, JsonValue>>;
  /** Where the batch forecasts (Parquet) are, when that step finished. */
  forecastsPath: string | null;
}

/**
 * Runs the standard pipeline for a config file.
 *
 * @example
 * const summary = await trainFromConfig('examples/pipelines/demand-forecast.yaml');
 * summary.outputs.register?.registration; // { version: 1, promoted: true, … }
 */
export async function trainFromConfig(file: string, options: TrainOptions = {}): Promise<TrainSummary> {
  return train(await loadPipelineConfig(file), options);
}

/**
 * Runs the standard pipeline for a validated config (from a file, the API or an earlier run).
 *
 * @example
 * const summary = await train(parsePipelineConfig(json), { onEvent: (e) => console.log(e) });
 */
export async function train(config: PipelineConfig, options: TrainOptions = {}): Promise<TrainSummary> {
  const hash = configHash(config);
  const dataFingerprint = await salesFingerprint();
  const home = options.home ?? resolve(process.env.SHELFCAST_HOME || '.shelfcast');
  const result = await runPipeline(standardPipeline, {
    home,
    params: { config: JSON.parse(JSON.stringify(config)) as JsonValue, configHash: hash, dataFingerprint },
    force: options.force ?? false,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    // One step at a time: the embedded database admits one open connection per process.
    concurrency: 1,
  });
  const steps = standardPipeline.nodes.map((node) => summarise(node.name, result.steps[node.name]));
  const outputs: TrainSummary['outputs'] = {};
  for (const [name, record] of Object.entries(result.steps))
    if (record.outputs) outputs[name] = record.outputs.params;
  const forecastsPath = result.steps['batch-forecast']?.outputs?.artifacts.forecasts?.path ?? null;
  return {
    runId: result.runId,
    status: result.status,
    config,
    configHash: hash,
    steps,
    outputs,
    forecastsPath,
  };
}

function summarise(name: string, record: StepRecord | undefined): TrainStepSummary {
  return {
    name,
    status: record?.status ?? 'not run',
    cacheHit: record?.cache ? record.cache.hit : null,
    reason: record?.cache?.reason ?? record?.skippedBecause ?? null,
    error: record?.error ? `${record.error.message} [${record.error.code}]` : null,
  };
}

/**
 * Changes whenever the data a snapshot reads may have changed, so the snapshot step reruns: every
 * change to sales arrives as an ingestion batch (files and the API alike), and the store and product
 * attributes the snapshot joins are read by their last update. Reading the small batch log instead
 * of scanning the sales table keeps a rerun with nothing changed to a few milliseconds here.
 */
export async function salesFingerprint(): Promise<string> {
  const db = await openDatabase();
  try {
    const [row] = await db.query<{ batches: string; last: string | null; catalog: string | null }>(
      `SELECT (SELECT count(*) FROM ingest_batches
                WHERE entity IN ('sales', 'products', 'stores') AND status = 'applied'
                  AND rows_inserted + rows_updated > 0)::text AS batches,
              (SELECT max(batch_id) FROM ingest_batches
                WHERE entity IN ('sales', 'products', 'stores') AND status = 'applied'
                  AND rows_inserted + rows_updated > 0)::text AS last,
              (SELECT greatest((SELECT max(updated_at) FROM products), (SELECT max(updated_at) FROM stores)))::text AS catalog`,
    );
    return [row?.batches, row?.last, row?.catalog].join('|');
  } finally {
    await db.close();
  }
}
