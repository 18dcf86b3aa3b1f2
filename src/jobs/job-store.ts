/**
 * @module jobs/job-store
 * The `jobs` table: every queue records its jobs here. Writes made while a job runs name the attempt
 * they belong to (`attempts` at start) and only apply while the job is `running` under that attempt,
 * so an attempt that stalled and was run again elsewhere cannot overwrite the newer one, and a job's
 * result is written once.
 */
import type { Queryable, SqlValue } from '../db/database.js';
import type { JsonValue } from '../pipeline/step.js';
import {
  JOB_STATUSES,
  type JobListFilter,
  type JobQueue,
  type JobRecord,
  type JobStatus,
} from './job-queue.js';

type JobQueueKind = JobQueue['kind'];

interface JobRow {
  job_id: string;
  job_type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  payload: JsonValue;
  result: JsonValue | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_by: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

/** A job someone still holds (queued or running), as the in-process recovery sees it. */
export interface OpenJob {
  id: string;
  status: 'queued' | 'running';
  owner: string | null;
  attempts: number;
  /** Seconds since the owner last said it was alive (null: never). */
  idleSeconds: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a job id at all (anything else is simply not found, never an SQL error). */
export function isJobId(id: string): boolean {
  return UUID.test(id);
}

const COLUMNS = `job_id, job_type, status, progress, message, payload, result, error_code, error_message,
  attempts, created_by, created_at, started_at, finished_at`;

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;

export class JobStore {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async insert(job: {
    id: string;
    type: string;
    queue: JobQueueKind;
    payload: JsonValue;
    createdBy: string | null;
    owner: string | null;
  }): Promise<JobRecord> {
    const rows = await this.#db.query<JobRow>(
      `INSERT INTO jobs (job_id, job_type, queue, payload, created_by, owner, heartbeat_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END)
       RETURNING ${COLUMNS}`,
      [job.id, job.type, job.queue, JSON.stringify(job.payload), job.createdBy, job.owner],
    );
    return toRecord(rows[0]!);
  }

  async get(id: string): Promise<JobRecord | null> {
    if (!isJobId(id)) return null;
    const rows = await this.#db.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE job_id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(filter: JobListFilter = {}): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.type) {
      params.push(filter.type);
      where.push(`job_type = $${params.length}`);
    }
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(filter.limit ?? DEFAULT_LIST_LIMIT)));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    params.push(limit, offset);
    const rows = await this.#db.query<JobRow>(
      `SELECT ${COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, job_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const rows = await this.#db.query<{ status: JobStatus; n: number }>(
      'SELECT status, count(*)::int AS n FROM jobs GROUP BY status',
    );
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /**
   * Starts an attempt: a queued job, or a running one whose previous attempt's process stopped.
   * Resolves to the job and its attempt number, or null when the job is gone or already finished
   * (cancelled before it started, or finished by an earlier attempt).
   */
  async start(id: string, owner: string): Promise<{ record: JobRecord; attempt: number } | null> {
    const rows = await this.#db.query<JobRow>(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, owner = $2, heartbeat_at = now(),
         started_at = coalesce(started_at, now()), progress = 0,
         message = CASE WHEN status = 'running'
           THEN 'attempt ' || (attempts + 1) || ': the process running attempt ' || attempts || ' stopped; started again'
           ELSE NULL END
       WHERE job_id = $1 AND status IN ('queued', 'running')
       RETURNING ${COLUMNS}`,
      [id, owner],
    );
    const row = rows[0];
    return row ? { record: toRecord(row), attempt: Number(row.attempts) } : null;
  }

  /** Records progress of a running attempt; false when the attempt no longer holds the job. */
  async progress(id: string, attempt: number, fraction: number, message: string | null): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET progress = $3, message = coalesce($4, message), heartbeat_at = now()
       WHERE job_id = $1 AND attempts = $2 AND status = 'running'`,
      [id, attempt, fraction, message],
    );
    return n === 1;
  }

  /** Writes the result of a running attempt, once: false when the job was cancelled, finished or taken over. */
  async succeed(id: string, attempt: number, result: JsonValue, message: string | null): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET status = 'succeeded', result = $3::jsonb, progress = 1, message = coalesce($4, message),
         finished_at = now()
       WHERE job_id = $1 AND attempts = $2 AND status = 'running'`,
      [id, attempt, JSON.stringify(result), message],
    );
    return n === 1;
  }

  /** Records the error of a running attempt; false when the job was cancelled, finished or taken over. */
  async fail(id: string, attempt: number, error: { code: string; message: string }): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET status = 'failed', error_code = $3, error_message = $4, finished_at = now()
       WHERE job_id = $1 AND attempts = $2 AND status = 'running'`,
      [id, attempt, error.code, error.message],
    );
    return n === 1;
  }

  /**
   * Fails a job that is still open whatever its attempt: for a job its queue gave up on (a Redis job
   * whose workers stopped more often than allowed), when no attempt is left to write anything.
   */
  async failOpen(id: string, error: { code: string; message: string }): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET status = 'failed', error_code = $2, error_message = $3, finished_at = now()
       WHERE job_id = $1 AND status IN ('queued', 'running')`,
      [id, error.code, error.message],
    );
    return n === 1;
  }

  /** Hands a running attempt's job back to the queue (a stopping worker); false if it no longer holds it. */
  async release(id: string, attempt: number, message: string): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET status = 'queued', message = $3, owner = NULL
       WHERE job_id = $1 AND attempts = $2 AND status = 'running'`,
      [id, attempt, message],
    );
    return n === 1;
  }

  /** Cancels a queued or running job; a finished job is returned as it is, an unknown id as null. */
  async cancel(id: string, message = 'cancelled'): Promise<JobRecord | null> {
    if (!isJobId(id)) return null;
    const rows = await this.#db.query<JobRow>(
      `UPDATE jobs SET status = 'cancelled', message = $2, finished_at = now()
       WHERE job_id = $1 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
      [id, message],
    );
    return rows[0] ? toRecord(rows[0]) : this.get(id);
  }

  /** Status and attempt of a job, for a running attempt to notice it was cancelled or taken over. */
  async attemptState(id: string): Promise<{ status: JobStatus; attempts: number } | null> {
    const rows = await this.#db.query<{ status: JobStatus; attempts: number }>(
      'SELECT status, attempts FROM jobs WHERE job_id = $1',
      [id],
    );
    return rows[0] ? { status: rows[0].status, attempts: Number(rows[0].attempts) } : null;
  }

  /** Marks every open job of `owner` as alive now. */
  async heartbeat(owner: string): Promise<void> {
    await this.#db.run(
      `UPDATE jobs SET heartbeat_at = now() WHERE owner = $1 AND status IN ('queued', 'running')`,
      [owner],
    );
  }

  /** Open jobs of `queue` held by another owner than `except`, oldest first. */
  async openJobs(queue: JobQueueKind, except: string): Promise<OpenJob[]> {
    const rows = await this.#db.query<{
      job_id: string;
      status: 'queued' | 'running';
      owner: string | null;
      attempts: number;
      idle: number | null;
    }>(
      `SELECT job_id, status, owner, attempts, extract(epoch FROM now() - heartbeat_at)::float8 AS idle
       FROM jobs WHERE queue = $1 AND status IN ('queued', 'running') AND owner IS DISTINCT FROM $2
       ORDER BY created_at, job_id`,
      [queue, except],
    );
    return rows.map((r) => ({
      id: r.job_id,
      status: r.status,
      owner: r.owner,
      attempts: Number(r.attempts),
      idleSeconds: r.idle === null ? null : Number(r.idle),
    }));
  }

  /** Takes over a queued job from an owner that stopped; false when someone else was quicker. */
  async adopt(id: string, from: string | null, to: string): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE jobs SET owner = $3, heartbeat_at = now()
       WHERE job_id = $1 AND status = 'queued' AND owner IS NOT DISTINCT FROM $2`,
      [id, from, to],
    );
    return n === 1;
  }
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.job_id,
    type: r.job_type,
    status: r.status,
    progress: Number(r.progress),
    message: r.message,
    payload: r.payload,
    result: r.status === 'succeeded' ? r.result : null,
    error: r.error_code !== null ? { code: r.error_code, message: r.error_message ?? '' } : null,
    attempts: Number(r.attempts),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    startedAt: r.started_at === null ? null : iso(r.started_at),
    finishedAt: r.finished_at === null ? null : iso(r.finished_at),
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
