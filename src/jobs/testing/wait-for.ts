/**
 * @module jobs/testing/wait-for
 * Polling helpers for job tests: wait until a job reaches a state, with a deadline that names what
 * was awaited.
 */
import type { JobQueue, JobRecord } from '../job-queue.js';

/** Resolves to `check()`'s first truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Waits until job `id` is succeeded, failed or cancelled; returns its record. */
export function waitForEnd(queue: JobQueue, id: string, timeoutMs = 15_000): Promise<JobRecord> {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const job = await queue.get(id);
      return job && ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : null;
    },
    timeoutMs,
  );
}

/** Waits until job `id` is running; returns its record. */
export function waitForRunning(queue: JobQueue, id: string, timeoutMs = 15_000): Promise<JobRecord> {
  return waitFor(
    `job ${id} to run`,
    async () => {
      const job = await queue.get(id);
      return job?.status === 'running' ? job : null;
    },
    timeoutMs,
  );
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
