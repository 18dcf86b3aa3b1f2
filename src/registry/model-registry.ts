/**
 * @module registry/model-registry
 * Registered models and their versions: numbered per model (1, 2, ...), each with its signature,
 * metrics, lineage (run, backtest, data snapshot and config hashes) and a reference to the fitted
 * model's artifact. Versions are immutable once registered; aliases point at them (see promotion).
 */
import { userInfo } from 'node:os';
import type { Database, Queryable } from '../db/database.js';
import { RegistryError } from './registry-error.js';

export const MODEL_ALIASES = ['champion', 'challenger'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

/** What a version consumes and produces; serving refuses requests that do not fit it. */
export interface ModelSignature {
  features: string[];
  /** e.g. `D` (daily), `W` (weekly). */
  frequency: string;
  horizon: number;
  quantiles: number[];
}

export interface ModelLineage {
  runId: string | null;
  /** The backtest the metrics come from; the promotion policy compares only equal backtests. */
  backtestId: string | null;
  dataSnapshotHash: string | null;
  configHash: string | null;
}

export interface ModelVersion {
  model: string;
  version: number;
  signature: ModelSignature;
  metrics: Record<string, number>;
  lineage: ModelLineage;
  artifact: { sha256: string; uri: string | null } | null;
  description: string | null;
  aliases: ModelAlias[];
  createdBy: string;
  createdAt: string;
}

export interface RegisteredModelSummary {
  name: string;
  description: string | null;
  latestVersion: number | null;
  versionCount: number;
  champion: number | null;
  challenger: number | null;
  createdAt: string;
}

export interface VersionRef {
  model: string;
  /** A version number or an alias. */
  version: number | ModelAlias;
}

/** The OS user, the default actor of registry changes. */
export function defaultActor(): string {
  try {
    return userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER || 'unknown';
  }
}

/**
 * Reads `MODEL@VERSION` or `MODEL@ALIAS`.
 *
 * @example
 * parseVersionRef('demand-weekly@3');        // { model: 'demand-weekly', version: 3 }
 * parseVersionRef('demand-weekly@champion'); // { model: 'demand-weekly', version: 'champion' }
 */
export function parseVersionRef(text: string): VersionRef {
  const at = text.lastIndexOf('@');
  const model = text.slice(0, at);
  const v = text.slice(at + 1);
  if (at <= 0 || v === '') {
    throw new RegistryError(
      'INVALID_VERSION_REF',
      `'${text}' does not name a model version; write MODEL@VERSION (e.g. demand@3) or MODEL@champion`,
    );
  }
  if ((MODEL_ALIASES as readonly string[]).includes(v)) return { model, version: v as ModelAlias };
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    throw new RegistryError(
      'INVALID_VERSION_REF',
      `'${text}': the version must be a positive whole number or champion/challenger`,
    );
  }
  return { model, version: n };
}

export interface RegisterVersionInput {
  model: string;
  signature: ModelSignature;
  metrics?: Record<string, number>;
  lineage?: Partial<ModelLineage>;
  /** The fitted model in the artifact store. */
  artifact?: { sha256: string; uri?: string };
  description?: string;
  actor?: string;
}

/**
 * Registers a new version of a model (creating the model on its first version); versions count up
 * per model without gaps even when several processes register at once.
 *
 * @example
 * const v = await registerModelVersion(db, {
 *   model: 'demand-weekly',
 *   signature: { features: ['units'], frequency: 'D', horizon: 28, quantiles: [0.1, 0.5, 0.9] },
 *   metrics: { mase: 0.84 },
 *   lineage: { runId, backtestId: 'bt-2026-11', dataSnapshotHash },
 *   artifact: { sha256 },
 * });
 * v.version; // 1 for the first
 */
export async function registerModelVersion(db: Database, input: RegisterVersionInput): Promise<ModelVersion> {
  validateSignature(input.signature);
  for (const [k, v] of Object.entries(input.metrics ?? {})) {
    if (!Number.isFinite(v))
      throw new RegistryError('INVALID_SIGNATURE', `metric '${k}' must be a finite number`);
  }
  if (!input.model.trim() || input.model.includes('@')) {
    throw new RegistryError(
      'INVALID_VERSION_REF',
      `'${input.model}' is not a model name (non-empty, without '@')`,
    );
  }
  const version = await db.transaction(async (tx) => {
    // DO UPDATE (not DO NOTHING) so the row is locked: concurrent registrations take turns numbering.
    const model = await tx.query<{ model_id: number }>(
      `INSERT INTO registered_models (name) VALUES ($1)
       ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING model_id`,
      [input.model],
    );
    const modelId = Number(model[0]!.model_id);
    const next = await tx.query<{ v: number }>(
      'SELECT COALESCE(max(version), 0) + 1 AS v FROM model_versions WHERE model_id = $1',
      [modelId],
    );
    const v = Number(next[0]!.v);
    const l = input.lineage ?? {};
    await tx.run(
      `INSERT INTO model_versions (model_id, version, signature, metrics, run_id, backtest_id, data_snapshot_hash,
         config_hash, artifact_sha256, artifact_uri, description, created_by)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        modelId,
        v,
        JSON.stringify(input.signature),
        JSON.stringify(input.metrics ?? {}),
        l.runId ?? null,
        l.backtestId ?? null,
        l.dataSnapshotHash ?? null,
        l.configHash ?? null,
        input.artifact?.sha256 ?? null,
        input.artifact?.uri ?? null,
        input.description ?? null,
        input.actor ?? defaultActor(),
      ],
    );
    return v;
  });
  return (await getModelVersion(db, { model: input.model, version }))!;
}

function validateSignature(s: ModelSignature): void {
  const problems: string[] = [];
  if (!Array.isArray(s.features) || s.features.some((f) => typeof f !== 'string')) problems.push('features');
  if (typeof s.frequency !== 'string' || s.frequency === '') problems.push('frequency');
  if (!Number.isInteger(s.horizon) || s.horizon <= 0) problems.push('horizon');
  if (!Array.isArray(s.quantiles) || s.quantiles.some((q) => !(q > 0 && q < 1))) problems.push('quantiles');
  if (problems.length > 0) {
    throw new RegistryError(
      'INVALID_SIGNATURE',
      `the signature's ${problems.join(', ')} ${problems.length > 1 ? 'are' : 'is'} invalid: give features (names), frequency (e.g. D), horizon (> 0) and quantiles (each between 0 and 1)`,
    );
  }
}

interface VersionRow {
  model: string;
  version: number;
  signature: ModelSignature;
  metrics: Record<string, number>;
  run_id: string | null;
  backtest_id: string | null;
  data_snapshot_hash: string | null;
  config_hash: string | null;
  artifact_sha256: string | null;
  artifact_uri: string | null;
  description: string | null;
  aliases: string[] | null;
  created_by: string;
  created_at: Date | string;
}

const VERSION_SELECT = `SELECT m.name AS model, v.version, v.signature, v.metrics, v.run_id, v.backtest_id,
  v.data_snapshot_hash, v.config_hash, v.artifact_sha256, v.artifact_uri, v.description, v.created_by, v.created_at,
  (SELECT array_agg(a.alias ORDER BY a.alias) FROM model_aliases a
    WHERE a.model_id = v.model_id AND a.version = v.version) AS aliases
  FROM model_versions v JOIN registered_models m USING (model_id)`;

function toVersion(r: VersionRow): ModelVersion {
  return {
    model: r.model,
    version: Number(r.version),
    signature: r.signature,
    metrics: r.metrics ?? {},
    lineage: {
      runId: r.run_id,
      backtestId: r.backtest_id,
      dataSnapshotHash: r.data_snapshot_hash,
      configHash: r.config_hash,
    },
    artifact: r.artifact_sha256 ? { sha256: r.artifact_sha256.trim(), uri: r.artifact_uri } : null,
    description: r.description,
    aliases: (r.aliases ?? []) as ModelAlias[],
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** One version by number or alias; null when the model or version does not exist. */
export async function getModelVersion(db: Queryable, ref: VersionRef): Promise<ModelVersion | null> {
  const rows =
    typeof ref.version === 'number'
      ? await db.query<VersionRow>(`${VERSION_SELECT} WHERE m.name = $1 AND v.version = $2`, [
          ref.model,
          ref.version,
        ])
      : await db.query<VersionRow>(
          `${VERSION_SELECT} JOIN model_aliases al ON al.model_id = v.model_id AND al.version = v.version
           WHERE m.name = $1 AND al.alias = $2`,
          [ref.model, ref.version],
        );
  return rows[0] ? toVersion(rows[0]) : null;
}

/** Like {@link getModelVersion} but throws a {@link RegistryError} naming what is missing. */
export async function requireModelVersion(db: Queryable, ref: VersionRef): Promise<ModelVersion> {
  const found = await getModelVersion(db, ref);
  if (found) return found;
  await requireModelId(db, ref.model);
  throw new RegistryError(
    'VERSION_NOT_FOUND',
    typeof ref.version === 'number'
      ? `model '${ref.model}' has no version ${ref.version}; see 'shelfcast models show ${ref.model}'`
      : `model '${ref.model}' has no ${ref.version} yet; promote a version first`,
    { model: ref.model, version: ref.version },
  );
}

export async function requireModelId(db: Queryable, model: string): Promise<number> {
  const rows = await db.query<{ model_id: number }>(
    'SELECT model_id FROM registered_models WHERE name = $1',
    [model],
  );
  if (!rows[0]) {
    throw new RegistryError(
      'MODEL_NOT_FOUND',
      `no registered model '${model}'; see 'shelfcast models list'`,
      {
        model,
      },
    );
  }
  return Number(rows[0].model_id);
}

/** Every version of a model, newest first. */
export async function listModelVersions(db: Queryable, model: string): Promise<ModelVersion[]> {
  await requireModelId(db, model);
  const rows = await db.query<VersionRow>(`${VERSION_SELECT} WHERE m.name = $1 ORDER BY v.version DESC`, [
    model,
  ]);
  return rows.map(toVersion);
}

/** Every registered model with its latest version and aliases. */
export async function listRegisteredModels(db: Queryable): Promise<RegisteredModelSummary[]> {
  const rows = await db.query<{
    name: string;
    description: string | null;
    latest: number | null;
    n: number;
    champion: number | null;
    challenger: number | null;
    created_at: Date | string;
  }>(
    `SELECT m.name, m.description, m.created_at,
       (SELECT max(version) FROM model_versions v WHERE v.model_id = m.model_id) AS latest,
       (SELECT count(*) FROM model_versions v WHERE v.model_id = m.model_id) AS n,
       (SELECT version FROM model_aliases a WHERE a.model_id = m.model_id AND a.alias = 'champion') AS champion,
       (SELECT version FROM model_aliases a WHERE a.model_id = m.model_id AND a.alias = 'challenger') AS challenger
     FROM registered_models m ORDER BY m.name`,
  );
  const num = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    name: r.name,
    description: r.description,
    latestVersion: num(r.latest),
    versionCount: Number(r.n),
    champion: num(r.champion),
    challenger: num(r.challenger),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
