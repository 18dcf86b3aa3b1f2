/**
 * @module cli/commands/worker-command
 * `shelfcast worker`: runs jobs from the Redis queue (REDIS_URL) against PostgreSQL (DATABASE_URL)
 * until SIGTERM or SIGINT. Start any number, on any number of machines. On a signal it stops taking
 * jobs, lets the running ones finish within SHELFCAST_WORKER_SHUTDOWN_MS, and hands the rest back
 * to the queue for another worker.
 */
import type { Command } from 'commander';
import { openDatabase, shareDatabase, storageSettingsFromEnv } from '../../db/open-database.js';
import { jobHandlers } from '../../jobs/handlers/index.js';
import { jobSettingsFromEnv } from '../../jobs/job-settings.js';
import type { JobWorkerEvent } from '../../jobs/job-worker.js';
import { CliError, ExitCode } from '../cli-error.js';
import { positiveInt } from '../parse-options.js';

interface WorkerOptions {
  concurrency?: number;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run background jobs (ingest, train, ...) from the Redis queue at REDIS_URL against the PostgreSQL database at DATABASE_URL, until stopped (SIGTERM or Ctrl-C)',
    )
    .option(
      '--concurrency <n>',
      'jobs run at once (default: SHELFCAST_JOB_CONCURRENCY, or 2)',
      positiveInt('--concurrency'),
    )
    .action(async (options: WorkerOptions) => {
      const storage = storageSettingsFromEnv();
      if (!storage.databaseUrl) {
        throw new CliError(
          'shelfcast worker needs PostgreSQL: set DATABASE_URL. Workers on several machines share one database, and the embedded one admits a single process. Without Redis and workers, jobs run inside the process that starts them.',
        );
      }
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl) {
        throw new CliError(
          'shelfcast worker takes jobs from Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379), the same as for the processes that enqueue them.',
        );
      }
      let settings: ReturnType<typeof jobSettingsFromEnv>;
      try {
        settings = jobSettingsFromEnv();
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const db = await openDatabase(storage);
      // Code that opens its own handle (pipeline steps) borrows this one.
      const stopSharing = shareDatabase(db);
      try {
        // Loaded on demand so other commands do not pay for importing BullMQ.
        const { startJobWorker } = await import('../../jobs/job-worker.js');
        const { JOB_QUEUE_NAME, redactRedisUrl } = await import('../../jobs/redis-connection.js');
        const worker = await startJobWorker(db, {
          redisUrl,
          handlers: jobHandlers,
          settings,
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
          onEvent: (event) => log(describe(event)),
        });
        log(
          `worker ${worker.owner} ready: queue ${settings.queuePrefix}:${JOB_QUEUE_NAME} on ${redactRedisUrl(redisUrl)}, database ${db.location}, ${options.concurrency ?? settings.concurrency} at a time, job types ${Object.keys(jobHandlers).join(', ')}`,
        );
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        log(
          `${signal}: stopping; ${worker.active} running job(s) get ${settings.shutdownGraceMs / 1000} s to finish, then go back to the queue`,
        );
        const { released } = await worker.close();
        log(`stopped${released.length > 0 ? `; released ${released.join(', ')} for another worker` : ''}`);
      } finally {
        stopSharing();
        await db.close();
      }
      process.exitCode = ExitCode.ok;
    });
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function describe(event: JobWorkerEvent): string {
  switch (event.type) {
    case 'started':
      return `job ${event.jobId} (${event.jobType}) attempt ${event.attempt} started`;
    case 'succeeded':
      return `job ${event.jobId} attempt ${event.attempt} succeeded in ${(event.durationMs / 1000).toFixed(1)} s`;
    case 'failed':
      return `job ${event.jobId}${event.attempt === null ? '' : ` attempt ${event.attempt}`} failed: ${event.message} [${event.code}]`;
    case 'dropped':
      return `job ${event.jobId} dropped: ${event.reason}`;
    case 'released':
      return `job ${event.jobId} attempt ${event.attempt} released to the queue`;
    case 'requeued':
      return `job ${event.jobId} put back into the queue: Redis had lost it (${event.reason})`;
    case 'error':
      return `queue error: ${event.message}`;
  }
}
