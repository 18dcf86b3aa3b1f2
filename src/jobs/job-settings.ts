/**
 * @module jobs/job-settings
 * The queues' tunables, read from the environment once, each with a default for production. Tests
 * shorten the lock and stall intervals so a killed worker's job moves on in seconds.
 */
import { JobError } from './job-error.js';

export interface JobSettings {
  /** Jobs run at once by one in-process queue or one worker (SHELFCAST_JOB_CONCURRENCY, default 2). */
  concurrency: number;
  /** Prefix of every Redis key (SHELFCAST_QUEUE_PREFIX, default `shelfcast`). */
  queuePrefix: string;
  /** How long a worker's lock on a job lasts unless renewed (SHELFCAST_JOB_LOCK_MS, default 30 s). */
  lockMs: number;
  /** How often workers look for jobs whose lock expired (SHELFCAST_JOB_STALLED_INTERVAL_MS, default 30 s). */
  stalledIntervalMs: number;
  /** Times a job may be recovered from a stopped worker before it fails (SHELFCAST_JOB_MAX_STALLS, default 2). */
  maxStalls: number;
  /** Least time between two progress writes of one job (SHELFCAST_JOB_PROGRESS_MS, default 500). */
  progressIntervalMs: number;
  /** How often a running job checks whether it was cancelled elsewhere (SHELFCAST_JOB_CANCEL_POLL_MS, default 1000). */
  cancelPollMs: number;
  /** How often an in-process queue marks its jobs as alive (SHELFCAST_JOB_HEARTBEAT_MS, default 5000). */
  heartbeatMs: number;
  /**
   * How long a stopping worker waits for its jobs to finish before it hands them back to the queue
   * (SHELFCAST_WORKER_SHUTDOWN_MS, default 20 s).
   */
  shutdownGraceMs: number;
  /**
   * How often workers put back jobs that Redis lost (restarted without persistence, flushed)
   * (SHELFCAST_JOB_RECONCILE_MS, default 30 s; also once when a worker starts).
   */
  reconcileMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  concurrency: 2,
  queuePrefix: 'shelfcast',
  lockMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalls: 2,
  progressIntervalMs: 500,
  cancelPollMs: 1000,
  heartbeatMs: 5000,
  shutdownGraceMs: 20_000,
  reconcileMs: 30_000,
};

const ENV: Record<Exclude<keyof JobSettings, 'queuePrefix'>, string> = {
  concurrency: 'SHELFCAST_JOB_CONCURRENCY',
  lockMs: 'SHELFCAST_JOB_LOCK_MS',
  stalledIntervalMs: 'SHELFCAST_JOB_STALLED_INTERVAL_MS',
  maxStalls: 'SHELFCAST_JOB_MAX_STALLS',
  progressIntervalMs: 'SHELFCAST_JOB_PROGRESS_MS',
  cancelPollMs: 'SHELFCAST_JOB_CANCEL_POLL_MS',
  heartbeatMs: 'SHELFCAST_JOB_HEARTBEAT_MS',
  shutdownGraceMs: 'SHELFCAST_WORKER_SHUTDOWN_MS',
  reconcileMs: 'SHELFCAST_JOB_RECONCILE_MS',
};

/**
 * The settings from the environment; a malformed number is an error naming the variable rather than
 * a silent default.
 *
 * @example
 * jobSettingsFromEnv({ SHELFCAST_JOB_LOCK_MS: '2000' }).lockMs; // 2000
 */
export function jobSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): JobSettings {
  const settings: JobSettings = { ...DEFAULT_JOB_SETTINGS };
  for (const [key, name] of Object.entries(ENV) as [keyof typeof ENV, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0 || (key === 'maxStalls' && n < 1)) {
      throw new JobError('INVALID_JOB_SETTING', `${name} must be a positive whole number, got '${text}'`);
    }
    settings[key] = n;
  }
  if (env.SHELFCAST_QUEUE_PREFIX) {
    if (!/^[A-Za-z0-9_.-]+$/.test(env.SHELFCAST_QUEUE_PREFIX)) {
      throw new JobError(
        'INVALID_JOB_SETTING',
        `SHELFCAST_QUEUE_PREFIX may hold letters, digits, '_', '.' and '-' only, got '${env.SHELFCAST_QUEUE_PREFIX}'`,
      );
    }
    settings.queuePrefix = env.SHELFCAST_QUEUE_PREFIX;
  }
  return settings;
}
