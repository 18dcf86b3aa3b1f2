/**
 * @module db/migrations/0008-jobs
 * Background jobs: one row per job with its payload, status, progress, attempt count and outcome.
 * The row is the job's record whichever queue runs it (in-process or Redis); the attempt number
 * guards every write, so an attempt that was taken over cannot overwrite the one that took over.
 */
import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 8,
  name: 'jobs',
  sql: `
CREATE TABLE jobs (
  job_id         uuid PRIMARY KEY,
  job_type       text NOT NULL CHECK (job_type <> ''),
  queue          text NOT NULL CHECK (queue IN ('in-process', 'redis')),
  status         text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress       double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  message        text,
  payload        jsonb NOT NULL,
  result         jsonb,
  error_code     text,
  error_message  text,
  attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Which process holds the job now (an in-process queue instance or a worker), and when it last said so.
  owner          text,
  heartbeat_at   timestamptz,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
  CHECK ((status = 'failed') = (error_code IS NOT NULL AND error_message IS NOT NULL)),
  CHECK (status <> 'succeeded' OR result IS NOT NULL)
);
CREATE INDEX jobs_created_idx ON jobs (created_at DESC, job_id);
CREATE INDEX jobs_status_idx ON jobs (status, created_at DESC);
CREATE INDEX jobs_type_idx ON jobs (job_type, created_at DESC);
CREATE INDEX jobs_open_owner_idx ON jobs (owner) WHERE status IN ('queued', 'running');
`,
};
