/**
 * @module server/rate-limit
 * Per-caller request limits as token buckets held in memory: each caller (a token id, or the client
 * address for calls without a valid token) has a bucket of `burst` requests that refills at
 * `perSecond`. A request that finds the bucket empty is refused with the seconds until one is back.
 * Limits are per server process; several replicas each apply their own.
 */

export interface RateLimitSettings {
  /** Sustained requests per second per caller. */
  perSecond: number;
  /** Requests a caller may send at once after being idle. */
  burst: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** Milliseconds (monotonic clock) of the last refill. */
  at: number;
}

/** Buckets kept before idle (full) ones are dropped; bounds memory under many distinct callers. */
const MAX_BUCKETS = 10_000;

/**
 * @example
 * const limiter = new RateLimiter({ perSecond: 50, burst: 100 });
 * const d = limiter.take('tok_1a2b3c4d5e6f');
 * if (!d.allowed) reply.header('Retry-After', d.retryAfterSeconds).code(429);
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly settings: RateLimitSettings,
    readonly now: () => number = () => performance.now(),
  ) {
    if (!(settings.perSecond > 0) || !(settings.burst >= 1))
      throw new Error('rate limit: perSecond must be > 0 and burst ≥ 1');
  }

  /** Takes one request from `key`'s bucket. */
  take(key: string): RateDecision {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#evictIdle(now);
      bucket = { tokens: this.settings.burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      this.#refill(bucket, now);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.settings.perSecond)),
    };
  }

  #refill(bucket: Bucket, now: number): void {
    const elapsed = (now - bucket.at) / 1000;
    if (elapsed > 0) {
      bucket.tokens = Math.min(this.settings.burst, bucket.tokens + elapsed * this.settings.perSecond);
      bucket.at = now;
    }
  }

  #evictIdle(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      if (bucket.tokens >= this.settings.burst) this.#buckets.delete(key);
    }
    // Everyone is busy: forget the oldest half rather than grow without bound.
    if (this.#buckets.size >= MAX_BUCKETS) {
      let drop = this.#buckets.size / 2;
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break;
        this.#buckets.delete(key);
      }
    }
  }
}
