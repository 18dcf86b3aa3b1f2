/**
 * @module server/auth-hook
 * Who is calling: the bearer token of a request, verified against the token table and cached for a
 * few seconds, so a busy client costs one database lookup per cache period instead of one per
 * request (online forecasts must answer in milliseconds). Unknown tokens are cached too, so a client
 * retrying a bad token does not hammer the database. A token revoked through this server is dropped
 * from the cache at once; one revoked elsewhere stops working within the cache period.
 */
import { type ApiToken, verifyToken } from '../auth/api-tokens.js';
import type { Queryable } from '../db/database.js';

export type Credentials = { kind: 'none' } | { kind: 'malformed' } | { kind: 'bearer'; token: string };

/** Reads `Authorization: Bearer TOKEN` (scheme case-insensitive). */
export function readCredentials(header: string | undefined): Credentials {
  if (header === undefined || header === '') return { kind: 'none' };
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'malformed' };
}

interface CacheEntry {
  token: ApiToken | null;
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

  constructor(
    readonly db: Queryable,
    readonly options: { cacheMs: number },
  ) {}

  async verify(token: string): Promise<ApiToken | null> {
    const now = Date.now();
    const hit = this.#cache.get(token);
    if (hit && hit.expires > now) return hit.token;
    // Concurrent requests with the same token share one lookup.
    const pending = this.#pending.get(token);
    if (pending) return pending;
    const lookup = verifyToken(this.db, token)
      .then((record) => {
        if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
        this.#cache.set(token, { token: record, expires: Date.now() + this.options.cacheMs });
        return record;
      })
      .finally(() => this.#pending.delete(token));
    this.#pending.set(token, lookup);
    return lookup;
  }

  /** Forgets every cached verification (after a revoke), so the next request looks again. */
  invalidate(): void {
    this.#cache.clear();
  }
}
