/**
 * @module server/routes/pipeline-routes
 * Training and experiments. `POST /v1/pipelines/train` checks a pipeline config and starts the
 * standard pipeline as a `train` job (202); `/v1/pipelines/runs` shows each pipeline run's steps
 * (status, timings, cache decision, error) and step logs, read from the run directories under the
 * server's home. `/v1/experiments` and `/v1/runs` read experiment tracking: runs with parameters and
 * metrics, metric histories and side-by-side comparisons.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { getCatalogItem, listCatalog } from '../../catalog/catalog-store.js';
import { type RunRecord, readRunRecord, runDirectory } from '../../pipeline/run-state.js';
import type { JsonValue } from '../../pipeline/step.js';
import {
  type PipelineConfig,
  parsePipelineConfig,
  pipelineConfigSchema,
} from '../../pipeline-config/pipeline-config.js';
import { PipelineConfigError } from '../../pipeline-config/pipeline-config-error.js';
import { compareRuns, getRun, listRuns, metricHistory, resolveRunId } from '../../tracking/run-queries.js';
import { listExperiments } from '../../tracking/run-store.js';
import { RUN_STATUSES, type RunStatus } from '../../tracking/run-types.js';
import { ApiError, badRequest, type FieldProblem, notFound } from '../api-error.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import { documentedAs } from '../openapi.js';
import type { ServerContext } from '../server-context.js';
import { jobSchema } from './job-routes.js';

/** Pipeline run ids and step names: a plain name, so neither can reach outside the run directory. */
const plainName = (what: string) =>
  z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, `${what} is letters, digits, dash and underscore`);

const json: z.ZodType<unknown> = z.unknown();

const stepSchema = z.object({
  name: z.string(),
  status: z.string().describe('pending, running, succeeded, failed, skipped, cached or cancelled'),
  attempts: z.number(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  cache: z.object({ hit: z.boolean(), reason: z.string() }).nullable(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).nullable(),
  skippedBecause: z.string().nullable(),
  outputs: z.record(z.string(), json).nullable().describe("the step's output parameters"),
});
const pipelineRunSchema = z.object({
  runId: z.string(),
  pipeline: z.string(),
  status: z.string().describe('running, succeeded, failed or cancelled'),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  cancelled: z
    .object({ at: z.string(), step: z.string().nullable(), reason: z.string() })
    .nullable()
    .describe('when, where and why the run was cancelled (its train job was)'),
  steps: z.array(stepSchema),
});

const runSchema = z.object({
  runId: z.string(),
  experiment: z.string(),
  parentRunId: z.string().nullable(),
  name: z.string().nullable(),
  status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  gitCommit: z.string().nullable(),
  environment: z.record(z.string(), json),
  params: z.record(z.string(), json),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
});
const runDetailSchema = runSchema.extend({
  artifacts: z.array(
    z.object({ path: z.string(), sha256: z.string(), sizeBytes: z.number(), createdAt: z.string() }),
  ),
  childRunIds: z.array(z.string()),
});
const comparedSchema = <T extends z.ZodType>(value: T) =>
  z.array(z.object({ key: z.string(), values: z.array(value.nullable()), differs: z.boolean() }));

const runIdParams = z.strictObject({
  id: common.key('run id').max(100).describe('run id or an unambiguous prefix'),
});

export function pipelineRoutes(ctx: ServerContext): AnyRoute[] {
  const runsDir = join(ctx.settings.home, 'pipeline-runs');

  async function requirePipelineRun(runId: string): Promise<RunRecord> {
    let record: RunRecord | undefined;
    try {
      record = readRunRecord(runDirectory(ctx.settings.home, runId));
    } catch {
      record = undefined;
    }
    if (!record) throw notFound(`there is no pipeline run '${runId}'; see GET /v1/pipelines/runs`);
    return record;
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/v1/pipelines/train',
      summary: 'Start a training run of the standard pipeline from a config',
      description:
        'The config is checked first (every bad key answered at once, 400); the run itself is a `train` job ' +
        '(202): follow it at GET /v1/jobs/{id}, cancel it with POST /v1/jobs/{id}/cancel. Its result names the ' +
        'pipeline run (GET /v1/pipelines/runs/{runId}) and the registered version.',
      tag: 'pipelines',
      access: 'analyst',
      body: z.strictObject({
        // Checked in full by the handler (with the model catalog, every bad key in one answer).
        config: documentedAs(
          z
            .record(z.string(), json)
            .describe(
              'the pipeline config as JSON, as in a config file: name, horizon, algorithms, data, backtest, promotion …',
            ),
          pipelineConfigSchema,
        ),
        force: z.boolean().default(false).describe('rerun every step, ignoring cached results'),
      }),
      responses: { 202: { description: 'the training job', schema: jobSchema } },
      audit: { action: 'pipeline.train' },
      handler: async ({ body, caller, audit }) => {
        const config = await checkedConfig(ctx, body.config);
        audit(`pipelines/${config.name}`, { force: body.force });
        return ctx.jobs.enqueue(
          'train',
          { config: JSON.parse(JSON.stringify(config)) as JsonValue, ...(body.force ? { force: true } : {}) },
          { createdBy: caller!.id },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/pipelines/runs',
      summary: 'Pipeline runs, newest first',
      tag: 'pipelines',
      access: 'viewer',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      responses: { 200: { description: 'runs', schema: z.object({ items: z.array(pipelineRunSchema) }) } },
      handler: async ({ query }) => {
        const names = await readdir(runsDir).catch(() => [] as string[]);
        // Run ids start with their UTC start time, so name order is time order.
        const newest = names.sort().reverse();
        const items: z.input<typeof pipelineRunSchema>[] = [];
        for (const name of newest) {
          if (items.length >= query.limit) break;
          const record = (() => {
            try {
              return readRunRecord(join(runsDir, name));
            } catch {
              return undefined;
            }
          })();
          if (record) items.push(pipelineRunJson(record));
        }
        return { items };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/pipelines/runs/:runId',
      summary: "One pipeline run: each step's status, timing, cache decision and error",
      tag: 'pipelines',
      access: 'viewer',
      params: z.strictObject({ runId: plainName('a run id') }),
      responses: { 200: { description: 'the run', schema: pipelineRunSchema } },
      handler: async ({ params }) => pipelineRunJson(await requirePipelineRun(params.runId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/pipelines/runs/:runId/logs/:step',
      summary: "One step's log",
      tag: 'pipelines',
      access: 'viewer',
      params: z.strictObject({ runId: plainName('a run id'), step: plainName('a step name') }),
      responses: {
        200: { description: 'the log, one line per entry', contentType: 'text/plain; charset=utf-8' },
      },
      handler: async ({ params }) => {
        const record = await requirePipelineRun(params.runId);
        if (!record.steps[params.step])
          throw notFound(
            `run ${params.runId} has no step '${params.step}'; its steps are ${Object.keys(record.steps).join(', ')}`,
          );
        const file = join(runDirectory(ctx.settings.home, params.runId), 'logs', `${params.step}.log`);
        return readFile(file, 'utf8').catch(() => '');
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/experiments',
      summary: 'Experiments',
      tag: 'experiments',
      access: 'viewer',
      responses: {
        200: {
          description: 'experiments by name',
          schema: z.object({
            items: z.array(
              z.object({
                experimentId: z.number(),
                name: z.string(),
                description: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
      handler: async () => ({ items: await listExperiments(ctx.db) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/runs',
      summary: 'Tracked runs with parameters and latest metrics',
      description:
        'Newest first, or sorted by a metric (`sort=mase`, `sort=-mase` for descending). Conditions: ' +
        '`where=metrics.mase < 0.9`, `where=params.model = ets`, `tag=stage=prod` (each repeatable).',
      tag: 'experiments',
      access: 'viewer',
      query: z.strictObject({
        experiment: z.string().max(200).optional(),
        status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]).optional(),
        where: common.list(z.string().max(500), 20).optional(),
        tag: common
          .list(
            z
              .string()
              .max(500)
              .regex(/^[^=]+=.*$/, 'write a tag as key=value'),
            20,
          )
          .optional(),
        sort: z
          .string()
          .max(200)
          .regex(/^-?[^-\s].*$/, 'a metric name, with - in front for descending')
          .optional(),
        topLevel: z.stringbool().default(false).describe('only runs not nested in another'),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
      }),
      responses: { 200: { description: 'runs', schema: z.object({ items: z.array(runSchema) }) } },
      handler: async ({ query }) => {
        const tags: Record<string, string> = {};
        for (const t of query.tag ?? []) {
          const eq = t.indexOf('=');
          tags[t.slice(0, eq)] = t.slice(eq + 1);
        }
        const items = await listRuns(ctx.db, {
          limit: query.limit,
          ...(query.experiment ? { experiment: query.experiment } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.where ? { where: query.where } : {}),
          ...(query.tag ? { tags } : {}),
          ...(query.sort
            ? { sort: { metric: query.sort.replace(/^-/, ''), descending: query.sort.startsWith('-') } }
            : {}),
          ...(query.topLevel ? { parentRunId: null } : {}),
        });
        return { items };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/runs/compare',
      summary: 'Runs side by side: parameters and latest metrics, marking what differs',
      tag: 'experiments',
      access: 'viewer',
      query: z.strictObject({
        ids: common.list(common.key('run id').max(100), 20).describe('two or more run ids (or prefixes)'),
      }),
      responses: {
        200: {
          description: 'the comparison',
          schema: z.object({
            runs: z.array(runSchema),
            params: comparedSchema(json),
            metrics: comparedSchema(z.number()),
          }),
        },
      },
      handler: async ({ query }) => {
        if (query.ids.length < 2)
          throw badRequest('compare needs at least two runs', [
            { in: 'query', path: 'ids', message: 'give two or more run ids' },
          ]);
        const ids: string[] = [];
        for (const id of query.ids) ids.push(await resolveRunId(ctx.db, id));
        return compareRuns(ctx.db, ids);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/runs/:id',
      summary: 'One run: parameters, latest metrics, tags, artifacts, nested runs',
      tag: 'experiments',
      access: 'viewer',
      params: runIdParams,
      responses: { 200: { description: 'the run', schema: runDetailSchema } },
      handler: async ({ params }) => {
        const run = await getRun(ctx.db, await resolveRunId(ctx.db, params.id));
        if (!run) throw notFound(`there is no run '${params.id}'`);
        return run;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/runs/:id/metrics/:key',
      summary: "A metric's full history: every logged value by step and fold",
      tag: 'experiments',
      access: 'viewer',
      params: runIdParams.extend({ key: common.key('metric key').max(200) }),
      responses: {
        200: {
          description: 'the history',
          schema: z.object({
            runId: z.string(),
            key: z.string(),
            points: z.array(
              z.object({
                key: z.string(),
                value: z.number(),
                step: z.number(),
                fold: z.number().nullable(),
                timestamp: z.string(),
              }),
            ),
          }),
        },
      },
      handler: async ({ params }) => {
        const runId = await resolveRunId(ctx.db, params.id);
        return { runId, key: params.key, points: await metricHistory(ctx.db, runId, params.key) };
      },
    }),
  ];
}

/**
 * The config validated as `shelfcast train` validates it, plus the catalog references a run would
 * only trip over later: every store and category it names must exist. Problems name their path in
 * the request body (`config.horizon`).
 */
async function checkedConfig(ctx: ServerContext, raw: Record<string, unknown>): Promise<PipelineConfig> {
  let config: PipelineConfig;
  try {
    config = parsePipelineConfig(raw);
  } catch (error) {
    if (error instanceof PipelineConfigError)
      throw new ApiError(
        400,
        error.code,
        error.message,
        error.issues.map((i) => ({ in: 'body', path: `config.${i.path}`, message: i.message })),
      );
    throw error;
  }
  const problems: FieldProblem[] = [];
  for (const [i, store] of (config.data.stores ?? []).entries())
    if (!(await getCatalogItem(ctx.db, 'stores', store)))
      problems.push({
        in: 'body',
        path: `config.data.stores[${i}]`,
        message: `there is no store '${store}'`,
      });
  for (const [i, category] of (config.data.categories ?? []).entries()) {
    const page = await listCatalog(ctx.db, 'products', { filters: { category }, limit: 1 });
    if (page.total === 0)
      problems.push({
        in: 'body',
        path: `config.data.categories[${i}]`,
        message: `no product has the category '${category}'`,
      });
  }
  if (problems.length > 0)
    throw new ApiError(
      400,
      'CONFIG_INVALID',
      `the config names catalog entries that do not exist: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      problems,
    );
  return config;
}

function pipelineRunJson(r: RunRecord): z.input<typeof pipelineRunSchema> {
  return {
    runId: r.runId,
    pipeline: r.pipeline,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt ?? null,
    cancelled: r.cancelled
      ? { at: r.cancelled.at, step: r.cancelled.step, reason: r.cancelled.reason }
      : null,
    steps: Object.values(r.steps).map((s) => ({
      name: s.name,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      durationMs: s.durationMs ?? null,
      cache: s.cache ? { hit: s.cache.hit, reason: s.cache.reason } : null,
      error: s.error ? { code: s.error.code, message: s.error.message, retryable: s.error.retryable } : null,
      skippedBecause: s.skippedBecause ?? null,
      outputs: s.outputs ? s.outputs.params : null,
    })),
  };
}
