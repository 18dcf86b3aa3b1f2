/**
 * @module server/routes/job-routes
 * `/v1/jobs`: background work (ingests of large files, training runs, batch forecasts) with its
 * progress, result or error; cancellation.
 */
import { z } from 'zod';
import { JOB_STATUSES, type JobRecord } from '../../jobs/job-queue.js';
import { notFound } from '../api-error.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import type { ServerContext } from '../server-context.js';

const json: z.ZodType<unknown> = z.unknown();

export const jobSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(JOB_STATUSES as [string, ...string[]]),
  progress: z.number().describe('0..1'),
  message: z.string().nullable().describe('latest progress message'),
  payload: json,
  result: json.describe('what the job produced, once succeeded'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.number(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const jobId = z.strictObject({ id: common.key('job id').max(100) });

export async function requireJob(ctx: ServerContext, id: string): Promise<JobRecord> {
  const job = await ctx.jobs.get(id);
  if (!job) throw notFound(`there is no job '${id}'; see GET /v1/jobs`);
  return job;
}

export function jobRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/jobs',
      summary: 'List jobs, newest first',
      tag: 'jobs',
      access: 'viewer',
      query: z.strictObject({
        ...common.page(50, 1000),
        status: z.enum(JOB_STATUSES as [string, ...string[]]).optional(),
        type: z.string().max(100).optional(),
      }),
      responses: { 200: { description: 'jobs', schema: z.object({ items: z.array(jobSchema) }) } },
      handler: async ({ query }) => ({
        items: await ctx.jobs.list({
          limit: query.limit,
          offset: query.offset,
          ...(query.status ? { status: query.status as JobRecord['status'] } : {}),
          ...(query.type ? { type: query.type } : {}),
        }),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/jobs/:id',
      summary: 'One job: status, progress, result or error',
      tag: 'jobs',
      access: 'viewer',
      params: jobId,
      responses: { 200: { description: 'the job', schema: jobSchema } },
      handler: async ({ params }) => requireJob(ctx, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/jobs/:id/cancel',
      summary: 'Cancel a queued or running job',
      description:
        'A queued job never starts; a running one stops at its next check. A finished job is returned unchanged.',
      tag: 'jobs',
      access: 'analyst',
      params: jobId,
      responses: { 200: { description: 'the job after the cancellation', schema: jobSchema } },
      audit: { action: 'job.cancel' },
      handler: async ({ params, audit }) => {
        audit(`jobs/${params.id}`);
        const job = await ctx.jobs.cancel(params.id);
        if (!job) throw notFound(`there is no job '${params.id}'; see GET /v1/jobs`);
        return job;
      },
    }),
  ];
}
