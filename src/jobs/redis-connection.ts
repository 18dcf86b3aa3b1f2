/**
 * @module jobs/redis-connection
 * Where the Redis queue lives: the queue name, the key prefix and the connection options that the
 * producer side (the API's queue) and the workers share.
 */
import type { ConnectionOptions } from 'bullmq';
import { JobError } from './job-error.js';

/** The BullMQ queue every job goes through; its keys are `<prefix>:jobs:*`. */
export const JOB_QUEUE_NAME = 'jobs';

/**
 * Connection options for a Redis URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS).
 * A worker's connection retries commands while Redis is away (BullMQ requires it); the producer's
 * fails fast, so an API request is answered instead of hanging.
 */
export function redisConnection(url: string, role: 'producer' | 'worker'): ConnectionOptions {
  return role === 'worker'
    ? { url, maxRetriesPerRequest: null }
    : { url, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}

/** How long a queue or worker waits for Redis on open before it gives up. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * Waits for a BullMQ client to be connected; fails with `JOB_QUEUE_UNAVAILABLE` after
 * {@link CONNECT_TIMEOUT_MS} (the client itself would retry for ever).
 */
export async function readyWithin(ready: Promise<unknown>, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    throw new JobError(
      'JOB_QUEUE_UNAVAILABLE',
      `cannot reach Redis at ${redactRedisUrl(url)} (${(error as Error).message}). Start Redis, fix REDIS_URL, or unset REDIS_URL to run jobs in this process.`,
      {},
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
