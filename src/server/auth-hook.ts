/**
 * @module server/auth-hook
 * Who is calling: the bearer token of a request, verified against the token table and cached, so a
 * busy client costs one database lookup per cache period instead of one per request (online
 * forecasts must answer in milliseconds). Unknown tokens are cached too, so a client retrying a bad
 * token does not hammer the database. Any change to the tokens (created, revoked, re-roled, deleted,
 * by any process) empties the cache as it commits, through the database's notification on
 * `shelfcast_tokens`; the cache period is then only a safety net (60 s). Where the database cannot
 * notify, it is 5 s: a token revoked elsewhere stops working within that.
 */
import { type ApiToken, verifyToken } from '../auth/api-tokens.js';
import type { Database, Queryable } from '../db/database.js';
import { TOKENS_CHANNEL } from '../db/migrations/0010-token-notify.js';

export type Credentials = { kind: 'none' } | { kind: 'malformed' } | { kind: 'bearer'; token: string };

/** Reads `Authorization: Bearer TOKEN` (scheme case-insensitive). */
export function readCredentials(header: string | undefined): Credentials {
  if (header === undefined || header === '') return { kind: 'none' };
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'malformed' };
}

interface CacheEntry {
  token: ApiToken | null;
  /** After this the entry is looked up again in the background, while it still answers. */
  refreshAt: number;
  /** After this the entry no longer answers. */
  expires: number;
}

/** Entries kept at most; past this the cache starts over (it only saves lookups). */
const MAX_ENTRIES = 10_000;

/**
 * @example
 * const auth = new TokenAuthenticator(db, { cacheMs: 5000 });
 * const caller = await auth.verify('sc_…'); // ApiToken or null
 */
export class TokenAuthenticator {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #pending = new Map<string, Promise<ApiToken | null>>();
  /** Bumped by invalidate(): a lookup begun before it may have read a token since revoked. */
  #generation = 0;

  #stopListening: (() => Promise<void>) | null = null;

  /** `cacheMs`: how long a verification is trusted (default 60 s while notified, else 5 s). */
  constructor(
    readonly db: Queryable,
    readonly options: { cacheMs?: number } = {},
  ) {}

  /**
   * Follows the database's token-change notifications, where it has them; without them (or if
   * subscribing fails) the shorter cache period applies. Resolves once listening.
   */
  async listen(): Promise<void> {
    const db = this.db as Partial<Database>;
    if (this.#stopListening || typeof db.listen !== 'function') return;
    try {
      this.#stopListening = await db.listen(TOKENS_CHANNEL, () => this.invalidate());
    } catch {
      this.#stopListening = null;
    }
  }

  /** True while token changes arrive as notifications. */
  get listening(): boolean {
    return this.#stopListening !== null;
  }

  /** Stops following notifications. */
  async close(): Promise<void> {
    const stop = this.#stopListening;
    this.#stopListening = null;
    await stop?.().catch(() => {});
  }

  get #cacheMs(): number {
    return this.options.cacheMs ?? (this.#stopListening ? 60_000 : 5_000);
  }

  /**
   * The verification of `token` if it is cached and fresh (the token, or null for an unknown one),
   * undefined when it must be looked up. Halfway through its cache period an entry is looked up
   * again in the background, so a busy client never waits for the database, and a token revoked
   * elsewhere still stops working within one cache period.
   */
  cached(token: string): ApiToken | null | undefined {
    const hit = this.#cache.get(token);
    if (hit === undefined) return undefined;
    const now = Date.now();
    if (hit.expires <= now) return undefined;
    if (now >= hit.refreshAt && !this.#pending.has(token)) this.#lookup(token).catch(() => {});
    return hit.token;
  }

  async verify(token: string): Promise<ApiToken | null> {
    const known = this.cached(token);
    if (known !== undefined) return known;
    return this.#lookup(token);
  }

  /** Looks the token up; concurrent lookups of the same token share one query. */
  #lookup(token: string): Promise<ApiToken | null> {
    const pending = this.#pending.get(token);
    if (pending) return pending;
    const generation = this.#generation;
    const lookup: Promise<ApiToken | null> = verifyToken(this.db, token)
      .then((record) => {
        if (generation !== this.#generation) return record;
        if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
        const now = Date.now();
        this.#cache.set(token, {
          token: record,
          refreshAt: now + this.#cacheMs / 2,
          expires: now + this.#cacheMs,
        });
        return record;
      })
      .finally(() => {
        if (this.#pending.get(token) === lookup) this.#pending.delete(token);
      });
    this.#pending.set(token, lookup);
    return lookup;
  }

  /** Forgets every cached verification (after a token change), so the next request looks again. */
  invalidate(): void {
    this.#generation++;
    this.#pending.clear();
    this.#cache.clear();
  }
}
