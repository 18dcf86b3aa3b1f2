/**
 * @module registry/promotion
 * Moving the champion and challenger aliases: the promotion policy (a candidate becomes champion
 * only when it beats the champion on the same backtest by a relative margin, otherwise challenger),
 * manual promotion with a reason, and rollback. Each change runs in one transaction that first locks
 * the model's row, so concurrent promotions take turns, and writes an audit entry (who, when, what, why).
 */
import type { Database, Queryable } from '../db/database.js';
import {
  defaultActor,
  type ModelAlias,
  type ModelVersion,
  requireModelId,
  requireModelVersion,
  type VersionRef,
} from './model-registry.js';
import { RegistryError } from './registry-error.js';

export type AuditAction = 'policy' | 'manual' | 'rollback' | 'cleared';

export interface AliasAuditEntry {
  auditId: number;
  model: string;
  alias: ModelAlias;
  action: AuditAction;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
  changedAt: string;
}

export interface PromotionPolicy {
  /** The metric to compare, e.g. `mase`. */
  metric: string;
  /** Required relative improvement over the champion, e.g. 0.05 for 5 %. */
  margin: number;
  /** Default false: lower is better (MASE, WAPE, pinball loss). */
  higherIsBetter?: boolean;
  actor?: string;
  /**
   * The champion's metric measured again on the candidate's backtest (same folds, same data
   * snapshot), for when their registered metrics come from different data. Used only when
   * `version` is still the champion.
   */
  championRescore?: { version: number; value: number };
}

export interface PromotionDecision {
  outcome: 'champion' | 'challenger' | 'unchanged';
  version: number;
  previousChampion: number | null;
  candidateValue: number;
  championValue: number | null;
  /** Relative improvement over the champion (positive = better), null when not compared. */
  improvement: number | null;
  reason: string;
}

/** Locks the model's row for the rest of the transaction: alias changes on one model take turns. */
async function lockModel(tx: Queryable, model: string): Promise<number> {
  const modelId = await requireModelId(tx, model);
  await tx.query('SELECT model_id FROM registered_models WHERE model_id = $1 FOR UPDATE', [modelId]);
  return modelId;
}

async function aliasVersion(tx: Queryable, modelId: number, alias: ModelAlias): Promise<number | null> {
  const rows = await tx.query<{ version: number }>(
    'SELECT version FROM model_aliases WHERE model_id = $1 AND alias = $2',
    [modelId, alias],
  );
  return rows[0] ? Number(rows[0].version) : null;
}

/** Points `alias` at `version` (or removes it for null) and writes the audit entry. */
async function moveAlias(
  tx: Queryable,
  modelId: number,
  alias: ModelAlias,
  version: number | null,
  audit: { action: AuditAction; actor: string; reason: string; details?: Record<string, unknown> },
): Promise<void> {
  const from = await aliasVersion(tx, modelId, alias);
  if (from === version) return;
  if (version === null) {
    await tx.run('DELETE FROM model_aliases WHERE model_id = $1 AND alias = $2', [modelId, alias]);
  } else {
    await tx.run(
      `INSERT INTO model_aliases (model_id, alias, version) VALUES ($1, $2, $3)
       ON CONFLICT (model_id, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
      [modelId, alias, version],
    );
  }
  await tx.run(
    `INSERT INTO model_alias_audit (model_id, alias, action, from_version, to_version, actor, reason, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [
      modelId,
      alias,
      audit.action,
      from,
      version,
      audit.actor,
      audit.reason,
      JSON.stringify(audit.details ?? {}),
    ],
  );
}

/** Makes `version` champion; a version leaving challenger for champion no longer holds challenger. */
async function crown(
  tx: Queryable,
  modelId: number,
  version: number,
  audit: { action: AuditAction; actor: string; reason: string; details?: Record<string, unknown> },
): Promise<void> {
  await moveAlias(tx, modelId, 'champion', version, audit);
  if ((await aliasVersion(tx, modelId, 'challenger')) === version) {
    await moveAlias(tx, modelId, 'challenger', null, {
      action: 'cleared',
      actor: audit.actor,
      reason: `v${version} became champion`,
    });
  }
}

/** Why two versions' metrics cannot be compared, or null when they come from the same backtest. */
function incomparable(a: ModelVersion, b: ModelVersion): string | null {
  const la = a.lineage;
  const lb = b.lineage;
  if (!la.backtestId && !la.dataSnapshotHash) return `v${a.version} names no backtest or data snapshot`;
  if (la.backtestId !== lb.backtestId) return `backtests differ (${la.backtestId} vs ${lb.backtestId})`;
  if (la.dataSnapshotHash !== lb.dataSnapshotHash) return 'data snapshots differ';
  return null;
}

/**
 * Applies the promotion policy to a candidate version: champion if there is none, or if it beats
 * the champion's metric on the same backtest (same backtest id and data snapshot hash) by at least
 * `margin` (relative); otherwise it becomes challenger.
 *
 * @example
 * const d = await proposePromotion(db, { model: 'demand', version: 4 }, { metric: 'mase', margin: 0.02 });
 * d.outcome; // 'champion' | 'challenger' | 'unchanged'
 */
export async function proposePromotion(
  db: Database,
  ref: VersionRef,
  policy: PromotionPolicy,
): Promise<PromotionDecision> {
  if (!Number.isFinite(policy.margin) || policy.margin < 0) {
    throw new RegistryError(
      'INVALID_POLICY',
      `the promotion margin must be a number ≥ 0, got ${policy.margin}`,
    );
  }
  const actor = policy.actor ?? defaultActor();
  return db.transaction(async (tx) => {
    const modelId = await lockModel(tx, ref.model);
    const candidate = await requireModelVersion(tx, ref);
    const candidateValue = candidate.metrics[policy.metric];
    if (candidateValue === undefined) {
      throw new RegistryError(
        'METRIC_MISSING',
        `${ref.model}@${candidate.version} has no metric '${policy.metric}'; register the version with it or choose another metric`,
      );
    }
    const championVersion = await aliasVersion(tx, modelId, 'champion');
    const base = { version: candidate.version, previousChampion: championVersion, candidateValue };
    const details = { metric: policy.metric, margin: policy.margin, candidateValue };
    if (championVersion === candidate.version) {
      return {
        ...base,
        outcome: 'unchanged',
        championValue: candidateValue,
        improvement: null,
        reason: `v${candidate.version} is already champion`,
      };
    }
    if (championVersion === null) {
      const reason = `policy: no champion yet; v${candidate.version} ${policy.metric}=${candidateValue}`;
      await crown(tx, modelId, candidate.version, { action: 'policy', actor, reason, details });
      return { ...base, outcome: 'champion', championValue: null, improvement: null, reason };
    }
    const champion = await requireModelVersion(tx, { model: ref.model, version: championVersion });
    const rescore =
      policy.championRescore?.version === championVersion && Number.isFinite(policy.championRescore.value)
        ? policy.championRescore.value
        : null;
    const championValue = rescore ?? champion.metrics[policy.metric] ?? null;
    const notComparable =
      championValue === null
        ? `champion v${championVersion} has no ${policy.metric}`
        : rescore !== null
          ? null
          : incomparable(candidate, champion);
    if (notComparable !== null || championValue === null) {
      const reason = `policy: not compared with champion v${championVersion}: ${notComparable}`;
      await moveAlias(tx, modelId, 'challenger', candidate.version, {
        action: 'policy',
        actor,
        reason,
        details,
      });
      return { ...base, outcome: 'challenger', championValue, improvement: null, reason };
    }
    const improvement = relativeImprovement(candidateValue, championValue, policy.higherIsBetter ?? false);
    const fullDetails = {
      ...details,
      championValue,
      improvement,
      championVersion,
      championRescored: rescore !== null,
    };
    const summary = `${policy.metric} ${candidateValue} vs champion v${championVersion} ${championValue}${rescore !== null ? ' (re-scored on the same backtest)' : ''}: ${formatPct(improvement)} better, margin ${formatPct(policy.margin)}`;
    if (improvement > 0 && improvement >= policy.margin) {
      const reason = `policy: ${summary}`;
      await crown(tx, modelId, candidate.version, { action: 'policy', actor, reason, details: fullDetails });
      return { ...base, outcome: 'champion', championValue, improvement, reason };
    }
    const reason = `policy: not past the margin (${summary})`;
    await moveAlias(tx, modelId, 'challenger', candidate.version, {
      action: 'policy',
      actor,
      reason,
      details: fullDetails,
    });
    return { ...base, outcome: 'challenger', championValue, improvement, reason };
  });
}

/** (champion − candidate) / |champion| for lower-is-better metrics; the mirror for higher-is-better. */
export function relativeImprovement(candidate: number, champion: number, higherIsBetter: boolean): number {
  const gain = higherIsBetter ? candidate - champion : champion - candidate;
  if (champion === 0) return gain > 0 ? Number.POSITIVE_INFINITY : gain < 0 ? Number.NEGATIVE_INFINITY : 0;
  return gain / Math.abs(champion);
}

function formatPct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x);
}

/**
 * Points an alias at a version by hand; the reason is required and goes into the audit.
 *
 * @example
 * await promote(db, { model: 'demand', version: 3 }, { reason: 'fixes the holiday regression (#412)' });
 */
export async function promote(
  db: Database,
  ref: VersionRef,
  options: { reason: string; alias?: ModelAlias; actor?: string },
): Promise<{ alias: ModelAlias; version: number; previous: number | null; changed: boolean }> {
  const reason = options.reason?.trim() ?? '';
  if (reason === '') {
    throw new RegistryError(
      'REASON_REQUIRED',
      'a manual promotion needs a reason (--reason "why this version")',
    );
  }
  const alias = options.alias ?? 'champion';
  const actor = options.actor ?? defaultActor();
  return db.transaction(async (tx) => {
    const modelId = await lockModel(tx, ref.model);
    const target = await requireModelVersion(tx, ref);
    const previous = await aliasVersion(tx, modelId, alias);
    if (previous === target.version) return { alias, version: target.version, previous, changed: false };
    const audit = { action: 'manual' as const, actor, reason };
    if (alias === 'champion') await crown(tx, modelId, target.version, audit);
    else await moveAlias(tx, modelId, alias, target.version, audit);
    return { alias, version: target.version, previous, changed: true };
  });
}

/**
 * Gives the champion alias back to an earlier version: `to`, or by default the latest earlier
 * version that was champion before. Audited like every alias change.
 *
 * @example
 * await rollback(db, 'demand');          // back to the previous champion
 * await rollback(db, 'demand', { to: 2 });
 */
export async function rollback(
  db: Database,
  model: string,
  options: { to?: number; reason?: string; actor?: string } = {},
): Promise<{ from: number; to: number }> {
  const actor = options.actor ?? defaultActor();
  return db.transaction(async (tx) => {
    const modelId = await lockModel(tx, model);
    const current = await aliasVersion(tx, modelId, 'champion');
    if (current === null) {
      throw new RegistryError(
        'NO_CHAMPION',
        `model '${model}' has no champion to roll back; promote a version first`,
      );
    }
    let to = options.to;
    if (to === undefined) {
      const earlier = await tx.query<{ v: number }>(
        `SELECT to_version AS v FROM model_alias_audit
         WHERE model_id = $1 AND alias = 'champion' AND to_version < $2 ORDER BY audit_id DESC LIMIT 1`,
        [modelId, current],
      );
      if (!earlier[0]) {
        throw new RegistryError(
          'INVALID_ROLLBACK',
          `model '${model}' had no champion before v${current}; name the version with --to`,
        );
      }
      to = Number(earlier[0].v);
    }
    if (to >= current) {
      throw new RegistryError(
        'INVALID_ROLLBACK',
        `a rollback goes to a version earlier than the champion v${current}, not v${to}; use 'models promote' to move forward`,
      );
    }
    await requireModelVersion(tx, { model, version: to });
    const why = options.reason?.trim();
    const reason = `rollback from v${current} to v${to}${why ? `: ${why}` : ''}`;
    await crown(tx, modelId, to, { action: 'rollback', actor, reason });
    return { from: current, to };
  });
}

/** Every alias change of a model, oldest first. */
export async function aliasHistory(db: Queryable, model: string): Promise<AliasAuditEntry[]> {
  const modelId = await requireModelId(db, model);
  const rows = await db.query<{
    audit_id: number;
    alias: ModelAlias;
    action: AuditAction;
    from_version: number | null;
    to_version: number | null;
    actor: string;
    reason: string;
    details: Record<string, unknown>;
    changed_at: Date | string;
  }>('SELECT * FROM model_alias_audit WHERE model_id = $1 ORDER BY audit_id', [modelId]);
  const num = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    auditId: Number(r.audit_id),
    model,
    alias: r.alias,
    action: r.action,
    fromVersion: num(r.from_version),
    toVersion: num(r.to_version),
    actor: r.actor,
    reason: r.reason,
    details: r.details ?? {},
    changedAt: new Date(r.changed_at).toISOString(),
  }));
}
