/**
 * @module server/testing/test-server
 * A real server for tests: a fresh test database (PGlite or PostgreSQL, as the run selects), the
 * in-process job queue, the model cache, listening on a free loopback port; one token per role; and
 * `call` to send requests over the socket with fetch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createToken } from '../../auth/api-tokens.js';
import type { Role } from '../../auth/roles.js';
import type { Database } from '../../db/database.js';
import { openTestDatabase } from '../../db/testing/test-database.js';
import { jobHandlers } from '../../jobs/handlers/index.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { openJobQueue } from '../../jobs/open-job-queue.js';
import { ModelCache } from '../../serving/model-cache.js';
import { FilesystemArtifactStore } from '../../tracking/filesystem-artifact-store.js';
import { buildServer } from '../build-server.js';
import type { ServerOptions } from '../server-context.js';

/** A JSON body as tests read it: field by field, checked by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field and assert on them.
export type Json = any;

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: Json;
}

export interface CallOptions {
  /** A role (its token is sent), a raw Authorization header value, or null for none. */
  as?: Role | { header: string } | null;
  body?: unknown;
  /** Sent as is (a string or bytes) instead of JSON. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface TestServer {
  db: Database;
  jobs: JobQueue;
  models: ModelCache;
  /** Where model bundles are stored: `<home>/artifacts`, as the pipeline stores them under SHELFCAST_HOME. */
  artifacts: FilesystemArtifactStore;
  app: FastifyInstance;
  url: string;
  home: string;
  tokens: Record<Role, { token: string; id: string }>;
  call(method: string, path: string, options?: CallOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * @example
 * const server = await startTestServer({ rateLimit: false });
 * t.after(() => server.close());
 * const r = await server.call('GET', '/v1/catalog/products', { as: 'viewer' });
 */
export async function startTestServer(
  options: ServerOptions = {},
  extra: { handlers?: Record<string, JobHandler>; db?: Database } = {},
): Promise<TestServer> {
  const db = extra.db ?? (await openTestDatabase());
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'shelfcast-server-'));
  const jobs = await openJobQueue(db, { concurrency: 1, handlers: { ...jobHandlers, ...extra.handlers } });
  const artifacts = FilesystemArtifactStore.fromEnv({ SHELFCAST_HOME: home });
  const models = new ModelCache(db, { artifactStore: artifacts, workers: 0 });
  const app = await buildServer({ db, jobs, models }, { rateLimit: false, ...options, home });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const tokens = {} as TestServer['tokens'];
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    const { token, record } = await createToken(db, { role, name: `test ${role}`, createdBy: 'test' });
    tokens[role] = { token, id: record.id };
  }
  return {
    db,
    jobs,
    models,
    artifacts,
    app,
    url: address,
    home,
    tokens,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const as = callOptions.as === undefined ? 'admin' : callOptions.as;
      if (typeof as === 'string') headers.authorization = `Bearer ${tokens[as].token}`;
      else if (as) headers.authorization = as.header;
      let body: string | Uint8Array | undefined;
      if (callOptions.raw !== undefined) body = callOptions.raw;
      else if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${address}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async close() {
      await app.close();
      await jobs.close();
      await models.close();
      await db.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Waits until a job has finished (succeeded, failed or cancelled) and returns it. */
export async function waitForJob(server: TestServer, id: string, timeoutMs = 120_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await server.call('GET', `/v1/jobs/${id}`, { as: 'viewer' });
    if (r.status !== 200) throw new Error(`GET job ${id}: ${r.status} ${r.text}`);
    if (['succeeded', 'failed', 'cancelled'].includes(r.json.status)) return r.json;
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${r.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
