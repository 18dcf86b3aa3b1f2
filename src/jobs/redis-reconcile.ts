/**
 * @module jobs/redis-reconcile
 * The `jobs` table is the record of every job; Redis only carries the work. When Redis loses its
 * data (restarted without persistence, flushed, failed over to an empty replica), jobs the table
 * still calls open are in no Redis queue and no worker would ever run them. Workers reconcile the
 * two: on start and then periodically they put back every queued job that Redis no longer holds,
 * and hand back to the queue every running job that Redis no longer holds and whose worker has
 * stopped. Adding a job under its own id is idempotent in BullMQ, so workers reconciling at once,
 * or a reconcile racing an enqueue, cannot queue a job twice.
 */
import type { Queue } from 'bullmq';
import { ownerHasStopped } from './job-owner.js';
import type { JobStore } from './job-store.js';

export interface ReconcileOptions {
  /** Owner ids of the workers alive in this process (never judged stopped). */
  liveHere: ReadonlySet<string>;
  /** A running job's owner that has not written for this long (and is not on this host) has stopped. */
  staleSeconds: number;
}

export interface ReconcileResult {
  /** Queued jobs put back into Redis. */
  requeued: string[];
  /** Running jobs of stopped workers handed back to the queue and put back into Redis. */
  recovered: string[];
}

/**
 * @example
 * const { requeued, recovered } = await reconcileRedisJobs(store, queue, { liveHere, staleSeconds: 300 });
 */
export async function reconcileRedisJobs(
  store: JobStore,
  queue: Queue,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { requeued: [], recovered: [] };
  for (const job of await store.openJobs('redis', '')) {
    if (await queue.getJob(job.id)) continue;
    if (job.status === 'running') {
      if (!ownerHasStopped(job.owner, job.idleSeconds, options.staleSeconds, options.liveHere)) continue;
      const message = `its worker stopped and Redis no longer held the job; back in the queue`;
      // Guarded by the attempt: if the job moved on meanwhile, it is not touched.
      if (!(await store.release(job.id, job.attempts, message))) continue;
      result.recovered.push(job.id);
    } else {
      result.requeued.push(job.id);
    }
    const type = await store.get(job.id);
    if (!type) continue;
    await queue.add(type.type, { jobId: job.id }, { jobId: job.id });
  }
  return result;
}
