/**
 * @module server/routes/token-routes
 * `/v1/tokens` (create, list, revoke API tokens) and `/v1/audit` (who did what, when), for admins.
 * A new token is shown once, in the answer that creates it; only its hash is stored.
 */
import { z } from 'zod';
import { createToken, listTokens, revokeToken } from '../../auth/api-tokens.js';
import { AUDIT_PAGE, listAudit } from '../../auth/audit-log.js';
import { ROLES } from '../../auth/roles.js';
import { notFound } from '../api-error.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import type { ServerContext } from '../server-context.js';

const roleEnum = z.enum(ROLES);

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleEnum,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe('accurate to about a minute'),
  revokedAt: z.string().nullable(),
});

export function tokenRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/tokens',
      summary: 'Create an API token (shown once)',
      tag: 'admin',
      access: 'admin',
      body: z.strictObject({
        role: roleEnum,
        name: z
          .string()
          .trim()
          .min(1)
          .max(100)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
          .regex(/^[^\u0000-\u001f\u007f]+$/, 'printable characters only')
          .optional()
          .describe('a label for people, e.g. "nightly ingest"'),
      }),
      responses: {
        201: {
          description: 'the token (keep it: it cannot be shown again) and its record',
          schema: z.object({ token: z.string(), record: tokenSchema }),
        },
      },
      audit: { action: 'token.create', recordedByDomain: true },
      handler: async ({ body, caller }) =>
        createToken(ctx.db, {
          role: body.role,
          ...(body.name ? { name: body.name } : {}),
          createdBy: caller!.id,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/tokens',
      summary: 'Every token (never the secret), revoked ones included',
      tag: 'admin',
      access: 'admin',
      responses: { 200: { description: 'tokens', schema: z.object({ items: z.array(tokenSchema) }) } },
      handler: async () => ({ items: await listTokens(ctx.db) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/tokens/:id',
      summary: 'Revoke a token: it stops working at once',
      tag: 'admin',
      access: 'admin',
      params: z.strictObject({ id: common.key('token id').max(100) }),
      responses: { 200: { description: 'the revoked token', schema: tokenSchema } },
      audit: { action: 'token.revoke', recordedByDomain: true },
      handler: async ({ params, caller, audit }) => {
        audit(`tokens/${params.id}`);
        const revoked = await revokeToken(ctx.db, params.id, caller!.id);
        if (!revoked) throw notFound(`there is no token '${params.id}'; see GET /v1/tokens`);
        ctx.auth.invalidate();
        return revoked;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/audit',
      summary: 'The audit log, newest first',
      tag: 'admin',
      access: 'admin',
      query: z.strictObject({
        actor: z.string().max(200).optional().describe('only entries of this actor (a token id)'),
        ...common.page(AUDIT_PAGE.default, AUDIT_PAGE.max),
      }),
      responses: {
        200: {
          description: 'entries',
          schema: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                actor: z.string(),
                action: z.string(),
                target: z.string(),
                status: z.number().nullable(),
                details: z.unknown(),
                at: z.string(),
              }),
            ),
          }),
        },
      },
      handler: async ({ query }) => ({
        items: await listAudit(ctx.db, {
          limit: query.limit,
          offset: query.offset,
          ...(query.actor ? { actor: query.actor } : {}),
        }),
      }),
    }),
  ];
}
