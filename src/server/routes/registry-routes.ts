/**
 * @module server/routes/registry-routes
 * `/v1/models`: registered models, their versions and aliases, the alias history; promotion (with a
 * reason) and rollback for admins. After an alias moves, the model cache re-reads the aliases at
 * once, so the next forecast is answered by the new champion without a restart.
 */
import { z } from 'zod';
import {
  listModelVersions,
  listRegisteredModels,
  MODEL_ALIASES,
  type ModelAlias,
  requireModelVersion,
} from '../../registry/model-registry.js';
import { aliasHistory, promote, rollback } from '../../registry/promotion.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import type { ServerContext } from '../server-context.js';

const json: z.ZodType<unknown> = z.unknown();
const aliasEnum = z.enum(MODEL_ALIASES as unknown as [ModelAlias, ...ModelAlias[]]);

const versionSchema = z.object({
  model: z.string(),
  version: z.number(),
  signature: z.object({
    features: z.array(z.string()),
    frequency: z.string(),
    horizon: z.number(),
    quantiles: z.array(z.number()),
  }),
  metrics: z.record(z.string(), z.number()),
  lineage: z.object({
    runId: z.string().nullable(),
    backtestId: z.string().nullable(),
    dataSnapshotHash: z.string().nullable(),
    configHash: z.string().nullable(),
  }),
  artifact: z.object({ sha256: z.string(), uri: z.string().nullable() }).nullable(),
  description: z.string().nullable(),
  aliases: z.array(aliasEnum),
  createdBy: z.string(),
  createdAt: z.string(),
});

const modelSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  latestVersion: z.number().nullable(),
  versionCount: z.number(),
  champion: z.number().nullable(),
  challenger: z.number().nullable(),
  createdAt: z.string(),
});

const historySchema = z.object({
  auditId: z.number(),
  model: z.string(),
  alias: aliasEnum,
  action: z.string(),
  fromVersion: z.number().nullable(),
  toVersion: z.number().nullable(),
  actor: z.string(),
  reason: z.string(),
  details: z.record(z.string(), json),
  changedAt: z.string(),
});

const modelParams = z.strictObject({ model: common.key('model name').max(200) });
const reason = z.string().trim().min(1, 'say why (it goes into the audit)').max(2000);

export function registryRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/models',
      summary: 'Registered models with their latest version, champion and challenger',
      tag: 'registry',
      access: 'viewer',
      responses: { 200: { description: 'models', schema: z.object({ items: z.array(modelSchema) }) } },
      handler: async () => ({ items: await listRegisteredModels(ctx.db) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/models/:model/versions',
      summary: "A model's versions, newest first",
      tag: 'registry',
      access: 'viewer',
      params: modelParams,
      responses: { 200: { description: 'versions', schema: z.object({ items: z.array(versionSchema) }) } },
      handler: async ({ params }) => ({ items: await listModelVersions(ctx.db, params.model) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/models/:model/versions/:version',
      summary: 'One version, by number or alias (champion, challenger)',
      tag: 'registry',
      access: 'viewer',
      params: modelParams.extend({
        version: z.union([aliasEnum, z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)]),
      }),
      responses: { 200: { description: 'the version', schema: versionSchema } },
      handler: async ({ params }) =>
        requireModelVersion(ctx.db, { model: params.model, version: params.version }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/models/:model/aliases',
      summary: "The model's aliases and every change to them (oldest first)",
      tag: 'registry',
      access: 'viewer',
      params: modelParams,
      responses: {
        200: {
          description: 'current aliases and their history',
          schema: z.object({
            champion: z.number().nullable(),
            challenger: z.number().nullable(),
            history: z.array(historySchema),
          }),
        },
      },
      handler: async ({ params }) => {
        const history = await aliasHistory(ctx.db, params.model);
        const summary = (await listRegisteredModels(ctx.db)).find((m) => m.name === params.model);
        return { champion: summary?.champion ?? null, challenger: summary?.challenger ?? null, history };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/models/:model/promote',
      summary: 'Point an alias (default champion) at a version, with a reason',
      description:
        'Audited in the registry and the audit log; online forecasts switch to the new champion at once.',
      tag: 'registry',
      access: 'admin',
      params: modelParams,
      body: z.strictObject({
        version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        alias: aliasEnum.default('champion'),
        reason,
      }),
      responses: {
        200: {
          description: 'the alias now',
          schema: z.object({
            alias: aliasEnum,
            version: z.number(),
            previous: z.number().nullable(),
            changed: z.boolean(),
          }),
        },
      },
      audit: { action: 'model.promote' },
      handler: async ({ params, body, caller, audit }) => {
        audit(`models/${params.model}@${body.version}`, { alias: body.alias, reason: body.reason });
        const result = await promote(
          ctx.db,
          { model: params.model, version: body.version },
          { reason: body.reason, alias: body.alias, actor: caller!.id },
        );
        if (result.changed) await ctx.models.refresh();
        return result;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/models/:model/rollback',
      summary: 'Give champion back to an earlier version (default: the previous champion)',
      tag: 'registry',
      access: 'admin',
      params: modelParams,
      body: z.strictObject({
        to: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        reason: reason.optional(),
      }),
      responses: {
        200: { description: 'the change', schema: z.object({ from: z.number(), to: z.number() }) },
      },
      errors: { 409: 'no champion, or no earlier version to go back to' },
      audit: { action: 'model.rollback' },
      handler: async ({ params, body, caller, audit }) => {
        audit(`models/${params.model}`, {
          ...(body.to ? { to: body.to } : {}),
          ...(body.reason ? { reason: body.reason } : {}),
        });
        const result = await rollback(ctx.db, params.model, {
          ...(body.to !== undefined ? { to: body.to } : {}),
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
          actor: caller!.id,
        });
        await ctx.models.refresh();
        return result;
      },
    }),
  ];
}
