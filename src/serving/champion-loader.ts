/**
 * @module serving/champion-loader
 * Finding champions and loading their bundles. The champions of every model come from one small
 * query (the alias table joined to its versions), cheap enough to repeat every second. A bundle is
 * read from the artifact store by the sha256 the registry recorded, its bytes are hashed again (the
 * name is the promise; a store that returns other bytes must not be served), it is parsed and every
 * model it names is checked to exist, all before anything serves from it.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { type ModelBundle, parseModelBundle } from '../models/model-bundle.js';
import { modelCatalog } from '../models/model-catalog.js';
import type { ArtifactStore } from '../tracking/artifact-store.js';
import { type PredictOptions, predictAllSeries } from './series-predictor.js';
import { bundleShape, ServedModel } from './served-model.js';
import { ServingError } from './serving-error.js';

/** A model's champion as the registry names it. */
export interface ChampionRef {
  model: string;
  version: number;
  /** The bundle's artifact, null when the version was registered without one. */
  artifactSha256: string | null;
}

/** The champion of every model that has one, by model name. */
export async function readChampions(db: Queryable): Promise<Map<string, ChampionRef>> {
  const rows = await db.query<{ model: string; version: number; artifact_sha256: string | null }>(
    `SELECT m.name AS model, a.version, v.artifact_sha256
     FROM model_aliases a
     JOIN registered_models m ON m.model_id = a.model_id
     JOIN model_versions v ON v.model_id = a.model_id AND v.version = a.version
     WHERE a.alias = 'champion'`,
  );
  return new Map(
    rows.map((r) => [
      r.model,
      {
        model: r.model,
        version: Number(r.version),
        artifactSha256: r.artifact_sha256 ? r.artifact_sha256.trim() : null,
      },
    ]),
  );
}

/**
 * The champion of `model`, or, without a name, of the one model that has a champion.
 * Throws NO_CHAMPION, or INVALID_REQUEST when several models have one and none is named.
 */
export function pickChampion(champions: ReadonlyMap<string, ChampionRef>, model?: string): ChampionRef {
  if (model !== undefined) {
    const ref = champions.get(model);
    if (!ref) {
      throw new ServingError(
        'NO_CHAMPION',
        `model '${model}' has no champion; train it (shelfcast train) or promote a version (shelfcast models promote ${model}@VERSION)`,
        { model },
      );
    }
    return ref;
  }
  if (champions.size === 1) return champions.values().next().value as ChampionRef;
  if (champions.size === 0) {
    throw new ServingError(
      'NO_CHAMPION',
      'no model has a champion yet; train one (shelfcast train --config FILE) or promote a version',
    );
  }
  const names = [...champions.keys()].sort();
  throw new ServingError(
    'INVALID_REQUEST',
    `several models have a champion (${names.join(', ')}); name the one to use in 'model'`,
    [{ in: 'body', path: 'model', message: `one of ${names.join(', ')}` }],
  );
}

/** Reads, checks and parses a champion's bundle. */
export async function loadBundle(store: ArtifactStore, ref: ChampionRef): Promise<ModelBundle> {
  const name = `${ref.model} v${ref.version}`;
  if (!ref.artifactSha256) {
    throw new ServingError(
      'MODEL_ARTIFACT_MISSING',
      `${name} was registered without a model bundle, so it cannot serve forecasts; promote a version trained by 'shelfcast train'`,
      { model: ref.model, version: ref.version },
    );
  }
  const sha256 = ref.artifactSha256;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(sha256);
  } catch (error) {
    throw new ServingError(
      'MODEL_ARTIFACT_MISSING',
      `the bundle of ${name} cannot be read from the ${store.kind} artifact store: ${(error as Error).message}`,
      { model: ref.model, version: ref.version, sha256 },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new ServingError(
      'MODEL_ARTIFACT_MISSING',
      `the bundle of ${name} hashes to ${actual}, not to the registered ${sha256}; restore the artifact store or retrain`,
      { model: ref.model, version: ref.version, sha256, actual },
    );
  }
  let bundle: ModelBundle;
  try {
    bundle = parseModelBundle(bytes);
    for (const s of bundle.series) if (s.kind === 'fitted') modelCatalog.local(s.fitted.model);
  } catch (error) {
    throw new ServingError(
      'MODEL_ARTIFACT_MISSING',
      `the artifact of ${name} cannot be served: ${(error as Error).message}`,
      { model: ref.model, version: ref.version, sha256 },
    );
  }
  return bundle;
}

export interface LoadOptions {
  /** Predict every series for the bundle's own shape before returning (default true). */
  warm?: boolean;
  /** Worker threads for that prediction (see {@link PredictOptions.workers}). */
  workers?: number;
  memoLimit?: number;
}

/** Loads a champion fully: bundle checked and parsed, series indexed, default answers computed. */
export async function loadServedModel(
  store: ArtifactStore,
  ref: ChampionRef,
  options: LoadOptions = {},
): Promise<ServedModel> {
  const bundle = await loadBundle(store, ref);
  const ready =
    options.warm === false
      ? null
      : await predictAllSeries(
          bundle.series,
          bundleShape(bundle),
          options.workers === undefined ? {} : { workers: options.workers },
        );
  return new ServedModel({
    model: ref.model,
    version: ref.version,
    artifactSha256: ref.artifactSha256 as string,
    bundle,
    ready,
    ...(options.memoLimit === undefined ? {} : { memoLimit: options.memoLimit }),
  });
}
