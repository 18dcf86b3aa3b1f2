/**
 * @module server/routes/health-routes
 * `/health` (the process answers), `/ready` (the database and the job queue answer too) and
 * `/metrics` (Prometheus text). None needs a token: probes and scrapers have none.
 */
import { z } from 'zod';
import { type AnyRoute, defineRoute } from '../define-route.js';
import type { MetricsRegistry } from '../metrics.js';
import type { ServerContext } from '../server-context.js';

const started = Date.now();

const readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() })),
});

export function healthRoutes(ctx: ServerContext, metrics: MetricsRegistry): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      summary: 'Liveness: the server process answers',
      tag: 'health',
      access: 'public',
      responses: {
        200: {
          description: 'alive',
          schema: z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }),
        },
      },
      handler: async () => ({
        status: 'ok' as const,
        version: ctx.settings.version,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: the database and the job queue answer',
      description: 'Answers 503 while a dependency does not, so a load balancer sends no traffic here.',
      tag: 'health',
      access: 'public',
      responses: {
        200: { description: 'ready', schema: readiness },
        503: { description: 'a dependency does not answer', schema: readiness },
      },
      handler: async ({ status }) => {
        const check = async (work: () => Promise<unknown>) => {
          try {
            await work();
            return { ok: true };
          } catch (error) {
            return { ok: false, message: error instanceof Error ? error.message : String(error) };
          }
        };
        const checks = {
          database: await check(() => ctx.db.query('SELECT 1')),
          jobs: await check(() => ctx.jobs.counts()),
        };
        const ok = Object.values(checks).every((c) => c.ok);
        if (!ok) status(503);
        return { status: ok ? ('ready' as const) : ('not ready' as const), checks };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Metrics in the Prometheus text format',
      description:
        'Requests and latencies by route, jobs by status, the model version in use, data freshness per entity.',
      tag: 'health',
      access: 'public',
      responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4; charset=utf-8' } },
      handler: async () => metrics.render(),
    }),
  ];
}
