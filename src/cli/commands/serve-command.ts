/**
 * @module cli/commands/serve-command
 * `shelfcast serve [--port 8080] [--host 127.0.0.1]`: the HTTP API on the configured storage. Opens
 * the database once and lends it to everything in the process (pipeline steps, in-process jobs), so
 * the embedded database works; on the first start of an embedded instance (no token at all yet)
 * creates an admin token and prints it once; stops cleanly on SIGINT and SIGTERM.
 */
import type { Command } from 'commander';
import { ensureInitialAdminToken, listTokens } from '../../auth/api-tokens.js';
import { openDatabase, shareDatabase } from '../../db/open-database.js';
import { DEFAULT_RATE_LIMIT } from '../../server/server-context.js';
import { portOption, positiveInt } from '../parse-options.js';

export interface ServeOptions {
  port: number;
  host: string;
  rateLimit: number;
  log?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API (reference at /docs, OpenAPI at /openapi.json, metrics at /metrics)')
    .option('--port <port>', 'port to listen on (0: any free port)', portOption, 8080)
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option(
      '--rate-limit <n>',
      'requests per second per token (bursts of twice as many)',
      positiveInt('--rate-limit'),
      DEFAULT_RATE_LIMIT.perSecond,
    )
    .option('--log', 'log every request as JSON on stdout (online forecasts then skip their fast path)')
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

/** Runs the API until SIGINT or SIGTERM (also the last step of `shelfcast demo`). */
export async function serve(options: ServeOptions): Promise<void> {
  // Loaded on demand so other commands do not pay for importing fastify and the serving stack.
  const [{ openJobQueue }, { buildServer }, { ModelCache }] = await Promise.all([
    import('../../jobs/open-job-queue.js'),
    import('../../server/build-server.js'),
    import('../../serving/model-cache.js'),
  ]);
  const db = await openDatabase();
  const release = shareDatabase(db);
  const cleanups: (() => Promise<void> | void)[] = [release, () => db.close()];
  const cleanup = async () => {
    for (const step of cleanups.splice(0)) await step();
  };
  try {
    const jobs = await openJobQueue(db);
    cleanups.unshift(() => jobs.close());
    const models = new ModelCache(db);
    cleanups.unshift(() => models.close());
    const app = await buildServer(
      { db, jobs, models },
      {
        rateLimit: { perSecond: options.rateLimit, burst: options.rateLimit * 2 },
        logger: Boolean(options.log),
      },
    );
    cleanups.unshift(() => app.close());
    // Embedded only: replicas on a shared PostgreSQL would race to print it in some pod's log.
    const adminToken = db.backend === 'pglite' ? await ensureInitialAdminToken(db) : null;
    const anyToken = adminToken !== null || (await listTokens(db)).length > 0;
    const address = await app.listen({ port: options.port, host: options.host });
    // One write: a reader that sees the address also sees the token lines (they arrive together).
    let banner =
      `shelfcast API listening on ${address} (storage: ${db.backend} ${db.location}, jobs: ${jobs.kind})\n` +
      `  reference: ${address}/docs   OpenAPI: ${address}/openapi.json   metrics: ${address}/metrics\n`;
    if (!anyToken)
      banner +=
        '\nNo API token exists yet: create the first one with `shelfcast token create --role admin`.\n';
    if (adminToken)
      banner +=
        `\nFirst start: an admin token was created. It is shown only this once; keep it safe:\n\n  ${adminToken}\n\n` +
        'Send it as "Authorization: Bearer TOKEN"; create more tokens with POST /v1/tokens.\n';
    process.stdout.write(banner);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.stderr.write(`shelfcast: ${signal} received, stopping\n`);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  } finally {
    await cleanup();
  }
}
