/**
 * @module auth/audit-log
 * The audit log: who did what to which target, when, and with what outcome. Every mutating call
 * writes one entry, in the same transaction as the change when the caller passes its transaction.
 */
import type { Queryable } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import { AuthError } from './auth-error.js';

export interface AuditEntry {
  id: number;
  /** Who: a token id (`tok_…`), `cli:<user>` or `system`. */
  actor: string;
  /** What, as `<domain>.<verb>`: `catalog.create`, `token.revoke`, … */
  action: string;
  /** Which object, as a path: `products/SKU-1`, `tokens/tok_…`. */
  target: string;
  /** The HTTP status of the call when it came through the API, else null. */
  status: number | null;
  details: JsonValue;
  /** When, as an ISO timestamp. */
  at: string;
}

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  status?: number;
  details?: JsonValue;
}

/** Default and largest page of {@link listAudit}. */
export const AUDIT_PAGE = { default: 100, max: 1000 } as const;

/**
 * Appends one entry. Pass the transaction that makes the change so the entry commits (or rolls
 * back) with it.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   await tx.run('UPDATE …');
 *   await recordAudit(tx, { actor: 'tok_1a2b3c4d5e6f', action: 'catalog.update', target: 'products/SKU-1' });
 * });
 */
export async function recordAudit(db: Queryable, entry: AuditInput): Promise<void> {
  if (typeof entry.actor !== 'string' || entry.actor.trim() === '')
    throw new AuthError('INVALID_INPUT', 'an audit entry needs an actor (who made the change)');
  if (typeof entry.action !== 'string' || entry.action.trim() === '')
    throw new AuthError('INVALID_INPUT', 'an audit entry needs an action (what was done)');
  if (entry.status !== undefined && !Number.isInteger(entry.status))
    throw new AuthError('INVALID_INPUT', `an audit status must be a whole number, got ${entry.status}`);
  await db.run(
    'INSERT INTO audit_log (actor, action, target, status, details) VALUES ($1, $2, $3, $4, $5::jsonb)',
    [entry.actor, entry.action, entry.target, entry.status ?? null, JSON.stringify(entry.details ?? {})],
  );
}

/**
 * Entries newest first, optionally of one actor.
 *
 * @example
 * const recent = await listAudit(db, { actor: 'tok_1a2b3c4d5e6f', limit: 20 });
 */
export async function listAudit(
  db: Queryable,
  filter: { actor?: string; limit?: number; offset?: number } = {},
): Promise<AuditEntry[]> {
  const limit = filter.limit ?? AUDIT_PAGE.default;
  const offset = filter.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE.max)
    throw new AuthError(
      'INVALID_INPUT',
      `limit must be a whole number from 1 to ${AUDIT_PAGE.max}, got ${limit}`,
    );
  if (!Number.isInteger(offset) || offset < 0)
    throw new AuthError('INVALID_INPUT', `offset must be a whole number of at least 0, got ${offset}`);
  const rows = await db.query<{
    id: number;
    actor: string;
    action: string;
    target: string;
    status: number | null;
    details: JsonValue;
    at: Date | string;
  }>(
    `SELECT id, actor, action, target, status, details, at FROM audit_log
     WHERE ($1::text IS NULL OR actor = $1)
     ORDER BY id DESC LIMIT $2 OFFSET $3`,
    [filter.actor ?? null, limit, offset],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    actor: r.actor,
    action: r.action,
    target: r.target,
    status: r.status === null ? null : Number(r.status),
    details: r.details,
    at: new Date(r.at).toISOString(),
  }));
}
