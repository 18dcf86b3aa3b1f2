import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('rate limiter (token bucket)', () => {
  it('allows a burst, refuses the next request with the seconds to wait, refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('a').allowed),
      [true, true, true],
    );
    const refused = limiter.take('a');
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 1 });
    // Other callers have their own bucket.
    assert.equal(limiter.take('b').allowed, true);
    now += 500; // half a second refills one request at 2/s
    assert.equal(limiter.take('a').allowed, true);
    assert.equal(limiter.take('a').allowed, false);
    now += 10_000; // never more than the burst
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take('a').allowed),
      [true, true, true, false],
    );
  });

  it('says how long to wait when the rate is slow', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1 }, () => now);
    assert.equal(limiter.take('a').allowed, true);
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 10 });
    now += 10_000;
    assert.equal(limiter.take('a').allowed, true);
  });

  it('keeps memory bounded under many distinct callers', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, () => 0);
    for (let i = 0; i < 25_000; i++) limiter.take(`ip:${i}`);
    // The newest callers are still limited; nothing threw or grew without bound.
    assert.equal(limiter.take('ip:24999').allowed, false);
  });

  it('refuses settings that would block everyone', () => {
    assert.throws(() => new RateLimiter({ perSecond: 0, burst: 1 }), /perSecond/);
    assert.throws(() => new RateLimiter({ perSecond: 1, burst: 0 }), /burst/);
  });
});
