/**
 * @module pipeline-config/champion-rescore
 * New data means a new backtest, and metrics from different backtests cannot be compared. Before a
 * retrained version is judged, the current champion's choices (model and parameters per segment,
 * from its tracking run) are read here, so the register step can backtest them again on the new
 * data with the same folds and the promotion policy compares both on one backtest.
 */
import type { Queryable } from '../db/database.js';
import { getModelVersion } from '../registry/model-registry.js';
import { getRun } from '../tracking/run-queries.js';

/** What the train step chose for one segment, as the register step logs it under `selection`. */
export interface ChampionChoice {
  segment: string;
  model: string;
  params: Record<string, string | number | boolean>;
}

/** The champion's per-segment choices, or null when there is no champion or its run is gone. */
export async function championChoices(
  db: Queryable,
  model: string,
): Promise<{
  version: number;
  backtestId: string | null;
  dataSnapshotHash: string | null;
  choices: ChampionChoice[];
} | null> {
  const champion = await getModelVersion(db, { model, version: 'champion' }).catch(() => null);
  if (!champion?.lineage.runId) return null;
  const run = await getRun(db, champion.lineage.runId);
  const selection = run?.params.selection;
  if (!Array.isArray(selection)) return null;
  const choices: ChampionChoice[] = [];
  for (const entry of selection) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const { segment, model: m, params } = entry as Record<string, unknown>;
    if (typeof segment !== 'string' || typeof m !== 'string') continue;
    choices.push({
      segment,
      model: m,
      params: (params && typeof params === 'object' ? params : {}) as ChampionChoice['params'],
    });
  }
  return {
    version: champion.version,
    backtestId: champion.lineage.backtestId,
    dataSnapshotHash: champion.lineage.dataSnapshotHash,
    choices,
  };
}
