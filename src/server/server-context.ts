/**
 * @module server/server-context
 * What the routes of one server share: its dependencies (database, job queue, model cache), the
 * token verifier and the settings it was built with.
 */
import { resolve } from 'node:path';
import type { Database } from '../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { ModelCache } from '../serving/model-cache.js';
import type { TokenAuthenticator } from './auth-hook.js';
import type { RateLimitSettings } from './rate-limit.js';
import type { UploadJanitor } from './uploads.js';

/** What a server is built on; the caller opens and closes them. */
export interface ServerDependencies {
  db: Database;
  jobs: JobQueue;
  models: ModelCache;
}

export interface ServerOptions {
  /** Largest JSON body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Largest JSON body of `POST /v1/ingestion/{entity}/rows`. Default 16 MiB. */
  rowsBodyLimit?: number;
  /** Largest uploaded file in bytes. Default 512 MiB. */
  uploadLimit?: number;
  /** Uploads up to this many bytes are ingested within the request; larger ones run as a job. Default 8 MiB. */
  inlineIngestLimit?: number;
  /** Requests per token (or per client address without a valid token); false turns the limit off. */
  rateLimit?: RateLimitSettings | false;
  /**
   * How long a verified token is trusted before it is looked up again. Default 60,000 ms where the
   * database notifies token changes (they empty the cache at once), 5,000 ms otherwise.
   */
  tokenCacheMs?: number;
  /** Where pipeline runs and uploads live. Default `$SHELFCAST_HOME` or `./.shelfcast`. */
  home?: string;
  /** fastify's logger setting. Default off. */
  logger?: boolean;
  /** Validate every JSON response against its schema (a mismatch is a 500). Default true. */
  validateResponses?: boolean;
  /** The API version shown in the OpenAPI document. */
  version?: string;
}

export type ServerSettings = Required<Omit<ServerOptions, 'rateLimit' | 'tokenCacheMs'>> & {
  rateLimit: RateLimitSettings | false;
};

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { perSecond: 200, burst: 400 };

/** The options with every default filled in. */
export function serverSettings(options: ServerOptions = {}): ServerSettings {
  return {
    bodyLimit: options.bodyLimit ?? 1 << 20,
    rowsBodyLimit: options.rowsBodyLimit ?? 16 << 20,
    uploadLimit: options.uploadLimit ?? 512 << 20,
    inlineIngestLimit: options.inlineIngestLimit ?? 8 << 20,
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    home: resolve(options.home ?? (process.env.SHELFCAST_HOME || '.shelfcast')),
    logger: options.logger ?? false,
    validateResponses: options.validateResponses ?? true,
    version: options.version ?? '0.1.0',
  };
}

export interface ServerContext extends ServerDependencies {
  auth: TokenAuthenticator;
  /** Removes the uploads of ingest jobs once they finish. */
  uploads: UploadJanitor;
  settings: ServerSettings;
}
