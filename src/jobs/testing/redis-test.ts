/**
 * @module jobs/testing/redis-test
 * The real Redis for tests (REDIS_URL, default 127.0.0.1:6379): whether it answers, a key prefix of
 * the test's own, and removal of every key under that prefix afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { Queue } from 'bullmq';
import type { JobSettings } from '../job-settings.js';
import { JOB_QUEUE_NAME, redisConnection } from '../redis-connection.js';

export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Settings that make a stopped worker's job move on within seconds and progress show at once.
 * The lock is long enough for a busy 2-core machine to renew it in time.
 */
export const FAST_JOB_SETTINGS: Partial<JobSettings> = {
  lockMs: 3000,
  stalledIntervalMs: 1000,
  progressIntervalMs: 20,
  cancelPollMs: 50,
  heartbeatMs: 200,
  shutdownGraceMs: 2000,
  reconcileMs: 500,
};

/** Null when Redis answers PING, otherwise the reason to skip a test that needs it. */
export async function redisUnavailable(url = TEST_REDIS_URL): Promise<string | null> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(2000, () => done(`Redis at ${u.host} did not answer within 2 s`));
    socket.on('error', (e) =>
      done(`Redis at ${u.host} is unreachable (${e.message}); start it or set REDIS_URL`),
    );
    socket.on('connect', () => socket.write('PING\r\n'));
    // A server that wants a password answers -NOAUTH: it is there, the connection URL will carry it.
    socket.on('data', (d) => done(/^[+-]/.test(d.toString()) ? null : 'not a Redis server'));
  });
}

/** A key prefix no other test run shares. */
export function testQueuePrefix(): string {
  return `shelfcast-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix` (the test's queue, its jobs, locks and events). */
export async function removeQueueKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const queue = new Queue(JOB_QUEUE_NAME, {
    connection: redisConnection(url, 'worker'),
    prefix,
    // Opening a queue writes its meta key: these only clean up and count.
    skipMetasUpdate: true,
  });
  try {
    await queue.obliterate({ force: true });
    const client = await queue.client;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 500 });
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await queue.close();
  }
}

/** Counts the keys under `prefix`, to prove a cleanup left none. */
export async function countQueueKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const queue = new Queue(JOB_QUEUE_NAME, {
    connection: redisConnection(url, 'worker'),
    prefix,
    // Opening a queue writes its meta key: these only clean up and count.
    skipMetasUpdate: true,
  });
  try {
    const client = await queue.client;
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 500 });
      n += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return n;
  } finally {
    await queue.close();
  }
}
