/**
 * @module auth/api-tokens
 * API tokens: created with a role, shown in plain once, stored only as their SHA-256, verified by
 * looking the hash up, revoked by id. Creating and revoking write audit entries.
 *
 * A token is `sc_` followed by 32 random bytes in base64url (43 characters). Looking up the hash
 * through a unique index compares digests, never the secret, so response times say nothing useful
 * about a guessed token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable, Transaction } from '../db/database.js';
import { recordAudit } from './audit-log.js';
import { AuthError } from './auth-error.js';
import { isRole, ROLES, type Role, roleAllows } from './roles.js';

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  /** Who created it (`cli:<user>`, a token id, `system`), when known. */
  createdBy: string | null;
  /** ISO timestamps. */
  createdAt: string;
  /** Updated at most once a minute, so it is accurate to about a minute. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  role: Role;
  /** A label for people (`ci`, `dashboard`); defaults to `<role> token`. */
  name?: string;
  createdBy?: string;
}

const TOKEN_SHAPE = /^sc_[A-Za-z0-9_-]{43}$/;
const NAME_MAX = 100;
/** Arbitrary constant naming the initial-admin lock among shelfcast's advisory locks. */
const INITIAL_ADMIN_LOCK_KEY = 727_431_007;

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  created_by: string | null;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}
const COLUMNS = 'id, name, role, created_by, created_at, last_used_at, revoked_at';

/** The hex SHA-256 of a token: the only form in which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates a token. The plain token is in the result only: keep it, it cannot be shown again.
 *
 * @example
 * const { token, record } = await createToken(db, { role: 'analyst', name: 'nightly ingest', createdBy: 'cli:ana' });
 * // token: 'sc_…' (send as `Authorization: Bearer sc_…`); record.id: 'tok_…'
 */
export async function createToken(
  db: Queryable,
  input: CreateTokenInput,
): Promise<{ token: string; record: ApiToken }> {
  if (!isRole(input.role)) {
    throw new AuthError(
      'INVALID_ROLE',
      `unknown role '${String(input.role)}': choose one of ${ROLES.join(', ')}`,
      { role: input.role },
    );
  }
  const name = checkName(input.name ?? `${input.role} token`);
  if (input.createdBy !== undefined && (typeof input.createdBy !== 'string' || input.createdBy.trim() === ''))
    throw new AuthError('INVALID_INPUT', 'createdBy must name who creates the token, or be left out');
  const token = `sc_${randomBytes(32).toString('base64url')}`;
  const id = `tok_${randomBytes(6).toString('hex')}`;
  const actor = input.createdBy ?? 'system';
  const record = await inTransaction(db, async (tx) => {
    const rows = await tx.query<TokenRow>(
      `INSERT INTO api_tokens (id, name, role, token_sha256, created_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [id, name, input.role, hashToken(token), input.createdBy ?? null],
    );
    await recordAudit(tx, {
      actor,
      action: 'token.create',
      target: `tokens/${id}`,
      details: { name, role: input.role },
    });
    return toApiToken(rows[0]!);
  });
  return { token, record };
}

/**
 * The token's record when it is known and not revoked, else null (also for anything not shaped like
 * a token, without touching the database). Records the use, at most once a minute per token.
 *
 * @example
 * const caller = await verifyToken(db, bearer);
 * if (!caller || !roleAllows(caller.role, 'analyst')) // 401 / 403
 */
export async function verifyToken(db: Queryable, token: string): Promise<ApiToken | null> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
  const rows = await db.query<TokenRow & { stale: boolean }>(
    `SELECT ${COLUMNS}, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
     FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  if (!row.stale) return toApiToken(row);
  // The condition is repeated so concurrent requests write the timestamp once between them.
  const updated = await db.query<TokenRow>(
    `UPDATE api_tokens SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
     RETURNING ${COLUMNS}`,
    [row.id],
  );
  return toApiToken(updated[0] ?? row);
}

/** Every token, revoked ones included, oldest first. */
export async function listTokens(db: Queryable): Promise<ApiToken[]> {
  const rows = await db.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
  return rows.map(toApiToken);
}

/**
 * Revokes a token by id: it stops working at once. Revoking a revoked token changes nothing and
 * returns it as it is; an unknown id returns null.
 *
 * @example
 * const revoked = await revokeToken(db, 'tok_1a2b3c4d5e6f', 'cli:ana');
 */
export async function revokeToken(db: Queryable, id: string, actor: string): Promise<ApiToken | null> {
  if (typeof actor !== 'string' || actor.trim() === '')
    throw new AuthError('INVALID_INPUT', 'revoking a token needs an actor (who revokes it)');
  return inTransaction(db, async (tx) => {
    const revoked = await tx.query<TokenRow>(
      `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    const row =
      revoked[0] ?? (await tx.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]))[0];
    if (!row) return null;
    await recordAudit(tx, {
      actor,
      action: 'token.revoke',
      target: `tokens/${id}`,
      details: { changed: revoked.length > 0 },
    });
    return toApiToken(row);
  });
}

/**
 * On the first start of an instance: creates an admin token when there is no token at all (not even
 * a revoked one) and returns it, so it can be shown once; otherwise returns null. Safe when several
 * processes start at once: a lock lets exactly one of them create it.
 *
 * @example
 * const token = await ensureInitialAdminToken(db);
 * if (token) console.log(`admin token (shown once): ${token}`);
 */
export async function ensureInitialAdminToken(db: Database): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [INITIAL_ADMIN_LOCK_KEY]);
    const any = await tx.query('SELECT 1 FROM api_tokens LIMIT 1');
    if (any.length > 0) return null;
    const { token } = await createToken(tx, { role: 'admin', name: 'initial admin', createdBy: 'system' });
    return token;
  });
}

/**
 * The caller's token when its role is at least `needs`.
 * Throws AuthError `UNAUTHENTICATED` (no valid token) or `FORBIDDEN` (role too low).
 *
 * @example
 * const caller = requireRole(await verifyToken(db, bearer), 'admin');
 */
export function requireRole(token: ApiToken | null, needs: Role): ApiToken {
  if (!token) {
    throw new AuthError(
      'UNAUTHENTICATED',
      'a valid API token is required: send it as "Authorization: Bearer sc_…"; an admin creates one with `shelfcast token create --role ROLE`',
    );
  }
  if (!roleAllows(token.role, needs)) {
    throw new AuthError(
      'FORBIDDEN',
      `this needs the ${needs} role, but token ${token.id} has the ${token.role} role; ask an admin for a ${needs} token`,
      { tokenId: token.id, role: token.role, needs },
    );
  }
  return token;
}

function checkName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (name === '' || name.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AuthError(
      'INVALID_INPUT',
      `a token name must be 1 to ${NAME_MAX} printable characters, got '${String(raw).slice(0, 40)}'`,
    );
  }
  return name;
}

/** Runs `work` in a new transaction, or directly when `db` already is one. */
function inTransaction<T>(db: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const maybe = db as Partial<Database>;
  return typeof maybe.transaction === 'function'
    ? maybe.transaction((tx: Transaction) => work(tx))
    : work(db);
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function toApiToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}
