/**
 * @module jobs/job-queue
 * The contract of a job queue: long work (large ingests, training runs, batch forecasts) started as a
 * job with a type and a JSON payload, run by a handler, watched through its progress, finished with a
 * result or an error. Two queues fill it: in-process (the default) and Redis (BullMQ, with
 * `shelfcast worker` processes). Both keep every job's record in the `jobs` table, so `get` and
 * `list` answer the same whichever queue runs the work.
 */
import type { JsonValue } from '../pipeline/step.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export interface JobRecord {
  id: string;
  type: string;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  /** The latest progress message. */
  message: string | null;
  payload: JsonValue;
  result: JsonValue | null;
  error: { code: string; message: string } | null;
  /** How many times the job was started: above 1 when a stopped worker's job was run again. */
  attempts: number;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobListFilter {
  status?: JobStatus;
  type?: string;
  /** Default 50, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface JobQueue {
  readonly kind: 'in-process' | 'redis';
  /**
   * Records a job and queues it.
   *
   * @throws JobError `UNKNOWN_JOB_TYPE` for a type without a handler.
   * @example
   * const job = await queue.enqueue('ingest', { entity: 'sales', path: '/data/sales.csv' }, { createdBy: 'ana' });
   */
  enqueue(type: string, payload: JsonValue, options?: { createdBy?: string }): Promise<JobRecord>;
  /** The job's record, or null when there is no job with that id. */
  get(id: string): Promise<JobRecord | null>;
  /** Newest first. */
  list(filter?: JobListFilter): Promise<JobRecord[]>;
  /**
   * Cancels a queued or running job: a queued one never starts, a running one's handler sees its
   * signal abort. A finished job is returned unchanged; an unknown id gives null.
   */
  cancel(id: string): Promise<JobRecord | null>;
  /** Counts by status, for /metrics. */
  counts(): Promise<Record<JobStatus, number>>;
  /** Stops taking work and releases connections; the database stays open (it is the caller's). */
  close(): Promise<void>;
}
