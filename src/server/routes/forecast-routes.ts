/**
 * @module server/routes/forecast-routes
 * Forecasts. `POST /v1/forecasts` answers online for one or many store × product pairs from the
 * current champion (the model cache switches champions between requests, never within one).
 * `/v1/batch-forecasts` starts a batch run for every pair as a job, and reads the stored forecasts
 * back paged or as CSV.
 */
import { z } from 'zod';
import { listRegisteredModels, requireModelVersion } from '../../registry/model-registry.js';
import { batchForecastsCsv, readBatchForecasts } from '../../serving/batch-forecasts.js';
import type { ModelCache } from '../../serving/model-cache.js';
import { forecastOnlineJson, MAX_HORIZON, MAX_PAIRS, MAX_QUANTILES } from '../../serving/online-forecast.js';
import { ApiError } from '../api-error.js';
import { type AnyRoute, common, defineRoute, JsonText } from '../define-route.js';
import type { ServerContext } from '../server-context.js';
import { jobSchema } from './job-routes.js';

const code = (what: string) => common.key(what).max(64);
const pair = z.strictObject({ store: code('a store code'), sku: code('a SKU') });
const quantile = z.number().gt(0, 'a quantile lies in (0, 1)').lt(1, 'a quantile lies in (0, 1)');

const forecastRequest = z
  .strictObject({
    model: common.key('model name').max(200).optional().describe('default: the one model with a champion'),
    store: code('a store code').optional().describe('one pair: the store …'),
    sku: code('a SKU').optional().describe('… and the product'),
    pairs: z.array(pair).min(1).max(MAX_PAIRS).optional().describe('many pairs'),
    horizon: z.number().int().min(1).max(MAX_HORIZON).describe('days ahead'),
    quantiles: z
      .array(quantile)
      .min(1)
      .max(MAX_QUANTILES)
      .optional()
      .describe("default: the model's quantiles"),
  })
  .superRefine((r, issue) => {
    const single = r.store !== undefined || r.sku !== undefined;
    if (single && r.pairs !== undefined)
      issue.addIssue({
        code: 'custom',
        path: ['pairs'],
        message: 'give either store and sku, or pairs, not both',
      });
    else if (!single && r.pairs === undefined)
      issue.addIssue({
        code: 'custom',
        path: ['pairs'],
        message: 'give store and sku, or pairs: [{ store, sku }, …]',
      });
    else if (single && (r.store === undefined || r.sku === undefined))
      issue.addIssue({
        code: 'custom',
        path: [r.store === undefined ? 'store' : 'sku'],
        message: 'is required with the other',
      });
  });

const forecastResponse = z.object({
  model: z.string(),
  version: z.number(),
  forecasts: z.array(
    z.object({
      store: z.string(),
      sku: z.string(),
      algorithm: z.string(),
      points: z.array(
        z.object({
          date: z.string(),
          mean: z.number(),
          quantiles: z.record(z.string(), z.number()).describe('"0.1" → value'),
        }),
      ),
    }),
  ),
});

const batchRow = z.object({
  model: z.string(),
  version: z.number(),
  store: z.string(),
  sku: z.string(),
  date: z.string(),
  algorithm: z.string(),
  mean: z.number(),
  quantiles: z.record(z.string(), z.number()),
  createdAt: z.string(),
});

const batchFilter = {
  model: common.key('model name').max(200).optional(),
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('default: the latest run'),
  store: code('a store code').optional(),
  sku: code('a SKU').optional(),
};

/** A forecast request as its schema parses it. */
export type ForecastBody = z.output<typeof forecastRequest>;

/** Where online forecasts are asked for; the server's fast path answers it too. */
export const ONLINE_FORECAST_URL = '/v1/forecasts';

/**
 * The answer to a checked forecast request as JSON text, sent as is (each pair's answer is
 * serialised once per version). Both the route's handler and the fast path send this.
 */
export function onlineForecastText(models: ModelCache, body: ForecastBody): Promise<string> {
  return forecastOnlineJson(models, {
    pairs: body.pairs ?? [{ store: body.store as string, sku: body.sku as string }],
    horizon: body.horizon,
    ...(body.model ? { model: body.model } : {}),
    ...(body.quantiles ? { quantiles: body.quantiles } : {}),
  });
}

export function forecastRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: ONLINE_FORECAST_URL,
      summary: 'Forecast store × product pairs now, with the current champion',
      description:
        'One entry per pair and day with the mean and each quantile; the answer names the model version used. ' +
        'A read: any token may ask.',
      tag: 'forecasts',
      access: 'viewer',
      body: forecastRequest,
      responses: { 200: { description: 'the forecasts', schema: forecastResponse } },
      handler: async ({ body }) => new JsonText(await onlineForecastText(ctx.models, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/batch-forecasts',
      summary: 'Forecast every pair with the champion and store the result (a job)',
      tag: 'forecasts',
      access: 'analyst',
      body: z.strictObject({ model: common.key('model name').max(200).optional() }).optional(),
      responses: { 202: { description: 'the batch-forecast job', schema: jobSchema } },
      audit: { action: 'forecast.batch' },
      handler: async ({ body, caller, audit }) => {
        audit(`batch-forecasts/${body?.model ?? 'champion'}`);
        // Refused now rather than as a failed job: the model must exist and have a champion.
        if (body?.model) await requireModelVersion(ctx.db, { model: body.model, version: 'champion' });
        else if (!(await listRegisteredModels(ctx.db)).some((m) => m.champion !== null))
          throw new ApiError(404, 'NO_CHAMPION', 'no model has a champion yet; promote a version first');
        return ctx.jobs.enqueue('batch-forecast', body?.model ? { model: body.model } : {}, {
          createdBy: caller!.id,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/batch-forecasts',
      summary: 'Stored batch forecasts, paged',
      tag: 'forecasts',
      access: 'viewer',
      query: z.strictObject({ ...batchFilter, ...common.page(100, 5000) }),
      responses: {
        200: {
          description: 'one page',
          schema: z.object({
            items: z.array(batchRow),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
      handler: async ({ query }) => readBatchForecasts(ctx.db, definedOnly(query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/batch-forecasts/csv',
      summary: 'Stored batch forecasts as CSV (streamed)',
      tag: 'forecasts',
      access: 'viewer',
      query: z.strictObject(batchFilter),
      responses: { 200: { description: 'CSV with a header line', contentType: 'text/csv; charset=utf-8' } },
      handler: async ({ query, reply }) => {
        reply.header('Content-Disposition', 'attachment; filename="batch-forecasts.csv"');
        return batchForecastsCsv(ctx.db, definedOnly(query));
      },
    }),
  ];
}

/** Drops undefined keys (the serving module's options are exact). */
function definedOnly<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
