/**
 * @module pipeline-config/retrain
 * `retrain`: the same pipeline again on whatever data is in the database now. The config comes from
 * a file or, by default, from the tracking run that produced the model's latest version, so a
 * scheduled job needs no file. Unchanged data and config make every step a cache hit, and no new
 * version is registered; new data reruns the search, evaluation and promotion decision.
 */
import type { Queryable } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import { listModelVersions, listRegisteredModels } from '../registry/model-registry.js';
import { getRun } from '../tracking/run-queries.js';
import { loadPipelineConfig, type PipelineConfig, parsePipelineConfig } from './pipeline-config.js';
import { PipelineConfigError } from './pipeline-config-error.js';
import { type TrainOptions, type TrainSummary, train } from './train.js';

export interface RetrainOptions extends TrainOptions {
  /** A config file; default: the config of the model's latest version. */
  configFile?: string;
  /** Which registered model to retrain when no file is given (default: the only one). */
  model?: string;
}

export interface RetrainSummary extends TrainSummary {
  /** Where the config came from: the file, or `model@version (run id)`. */
  configSource: string;
  /** The snapshot hash the latest version was trained on, to tell whether the data changed. */
  previousSnapshotHash: string | null;
  newData: boolean;
}

/** Keys the register step adds to a run's params beside the config itself. */
const RUN_EXTRA_PARAMS = new Set(['configHash', 'snapshotHash', 'selection']);

/**
 * Finds the config of a model's latest registered version from its tracking run.
 *
 * @example
 * const { config, source } = await latestTrainingConfig(db, 'demand-forecast'); // source: 'demand-forecast@3 (run 9f…)'
 */
export async function latestTrainingConfig(
  db: Queryable,
  model?: string,
): Promise<{ config: PipelineConfig; source: string; snapshotHash: string | null }> {
  const name = model ?? (await defaultModel(db));
  const versions = await listModelVersions(db, name);
  const latest = versions[0]; // newest first
  const runId = latest?.lineage.runId;
  if (!latest || !runId)
    throw new PipelineConfigError(
      'CONFIG_NOT_FOUND',
      `model '${name}' has no version with a tracking run to take the config from; run 'shelfcast retrain --config FILE' (or 'shelfcast train --config FILE') once`,
    );
  const run = await getRun(db, runId);
  if (!run)
    throw new PipelineConfigError(
      'CONFIG_NOT_FOUND',
      `the tracking run ${runId} of ${name}@${latest.version} is gone; pass --config FILE`,
    );
  const raw = Object.fromEntries(Object.entries(run.params).filter(([k]) => !RUN_EXTRA_PARAMS.has(k)));
  return {
    config: parsePipelineConfig(raw, { file: `the config of ${name}@${latest.version}` }),
    source: `${name}@${latest.version} (run ${runId})`,
    snapshotHash: latest.lineage.dataSnapshotHash,
  };
}

async function defaultModel(db: Queryable): Promise<string> {
  const models = await listRegisteredModels(db);
  if (models.length === 0)
    throw new PipelineConfigError(
      'CONFIG_NOT_FOUND',
      'no model is registered yet; train one first with shelfcast train --config FILE (or pass --config)',
    );
  if (models.length > 1)
    throw new PipelineConfigError(
      'CONFIG_NOT_FOUND',
      `several models are registered (${models.map((m) => m.name).join(', ')}); name one with --model`,
    );
  return (models[0] as (typeof models)[number]).name;
}

/**
 * Retrains: resolves the config, runs the pipeline (cached where nothing changed), and reports
 * whether the data was new relative to the latest version.
 *
 * @example
 * const r = await retrain({}); // config of the latest version
 * r.newData; // false when nobody ingested since; every step then is a cache hit
 */
export async function retrain(options: RetrainOptions = {}): Promise<RetrainSummary> {
  let config: PipelineConfig;
  let source: string;
  let previousSnapshotHash: string | null = null;
  const db = await openDatabase();
  try {
    if (options.configFile) {
      config = await loadPipelineConfig(options.configFile);
      source = options.configFile;
      const versions = await listModelVersions(db, config.name).catch(() => []);
      previousSnapshotHash = versions[0]?.lineage.dataSnapshotHash ?? null;
    } else {
      const found = await latestTrainingConfig(db, options.model);
      config = found.config;
      source = found.source;
      previousSnapshotHash = found.snapshotHash;
    }
  } finally {
    await db.close();
  }
  const summary = await train(config, options);
  const snapshotHash = summary.outputs.snapshot?.hash;
  return {
    ...summary,
    configSource: source,
    previousSnapshotHash,
    newData: typeof snapshotHash === 'string' ? snapshotHash !== previousSnapshotHash : true,
  };
}
