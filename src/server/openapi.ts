/**
 * @module server/openapi
 * The OpenAPI 3.1 document of the API, generated from the route definitions (their zod schemas
 * become JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Served at `/openapi.json` and rendered
 * at `/docs`.
 */
import { type ZodType, z } from 'zod';
import { ROLES } from '../auth/roles.js';
import { type AnyRoute, defaultStatus } from './define-route.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: { bearer: string[] }[];
  'x-required-role'?: string;
  'x-audit-action'?: string;
  parameters?: {
    name: string;
    in: 'path' | 'query';
    required: boolean;
    description?: string;
    schema: JsonSchema;
  }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, JsonSchema>;
  };
}

/** Sections of the reference, in the order they appear. */
export const TAGS: readonly { name: string; description: string }[] = [
  { name: 'health', description: 'Liveness, readiness and Prometheus metrics (no token needed).' },
  { name: 'catalog', description: 'Products, suppliers, product–supplier terms and stores.' },
  {
    name: 'ingestion',
    description:
      'Files and rows in as validated, all-or-nothing batches; their reports and quarantined rows.',
  },
  {
    name: 'pipelines',
    description: 'Training runs of the standard pipeline, started as jobs; step status and logs.',
  },
  { name: 'experiments', description: 'Tracked runs: parameters, metrics, comparisons.' },
  { name: 'registry', description: 'Registered models, versions, aliases; promotion and rollback.' },
  { name: 'forecasts', description: 'Online forecasts by the champion; batch forecasts, paged and as CSV.' },
  { name: 'jobs', description: 'Background work: progress, result, cancellation.' },
  { name: 'admin', description: 'API tokens and the audit log.' },
];

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable, machine-readable' },
        message: { type: 'string', description: 'what went wrong and what to do' },
        details: {
          description: 'for invalid requests: one item per bad field',
          type: 'array',
          items: {
            type: 'object',
            properties: {
              in: { type: 'string', enum: ['body', 'query', 'params'] },
              path: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

const ERROR_RESPONSES: Record<number, string> = {
  400: 'invalid request: malformed JSON or bad fields (each listed in `error.details`)',
  401: 'no token, or an unknown, malformed or revoked one',
  403: "the token's role does not allow this",
  404: 'no such object',
  413: 'body too large',
  429: 'too many requests from this token; retry after `Retry-After` seconds',
};

/**
 * Builds the document for `routes`.
 *
 * @example
 * const doc = openApiDocument(routes, { version: '0.1.0' });
 * doc.paths['/v1/forecasts'].post.requestBody;
 */
export function openApiDocument(routes: readonly AnyRoute[], info: { version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'shelfcast API',
      version: info.version,
      description:
        'Demand forecasting and MLOps for retail. Send `Authorization: Bearer TOKEN`; roles: ' +
        `${ROLES.join(' < ')} (each includes the ones before it). Errors are JSON ` +
        '`{ "error": { "code", "message", "details" } }`.',
    },
    servers: [{ url: '/' }],
    tags: TAGS.map((t) => ({ ...t })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (sc_…)' } },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

function operation(route: AnyRoute): OpenApiOperation {
  const op: OpenApiOperation = {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    responses: {},
  };
  if (route.access !== 'public') {
    op.security = [{ bearer: [] }];
    op['x-required-role'] = route.access;
  } else {
    op.security = [];
  }
  if (route.audit) op['x-audit-action'] = route.audit.action;
  const parameters = [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query')];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.consumes) {
    op.requestBody = {
      required: true,
      content: Object.fromEntries(
        route.consumes.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
      ),
    };
  } else if (route.body) {
    op.requestBody = {
      required: !route.body.safeParse(undefined).success,
      content: { 'application/json': { schema: toSchema(route.body, 'input') } },
    };
  }
  const main = defaultStatus(route);
  for (const [status, spec] of Object.entries(route.responses)) {
    op.responses[status] =
      'schema' in spec
        ? {
            description: spec.description,
            content: { 'application/json': { schema: toSchema(spec.schema, 'output') } },
          }
        : { description: spec.description, content: { [spec.contentType]: { schema: { type: 'string' } } } };
  }
  const errors = [400, ...(route.access === 'public' ? [] : [401, 403, 429]), 404, 413];
  for (const status of errors) {
    if (String(status) in op.responses) continue;
    if (status === 413 && !route.body && !route.consumes) continue;
    if (status === 404 && !route.params) continue;
    op.responses[String(status)] = {
      description: ERROR_RESPONSES[status] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  for (const [status, description] of Object.entries(route.errors ?? {})) {
    op.responses[status] = {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  op.responses.default = {
    description: 'unexpected error',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  if (!(String(main) in op.responses)) op.responses[String(main)] = { description: 'success' };
  return op;
}

function objectParameters(
  schema: ZodType | undefined,
  where: 'path' | 'query',
): NonNullable<OpenApiOperation['parameters']> {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** What the reference shows for a schema that validates less than it documents. */
const documentation = new WeakMap<object, ZodType>();

/**
 * `validator` as the route checks it, documented in OpenAPI as `documented`. For a part whose full
 * check runs in the handler (a pipeline config is checked with the model catalog, every bad key in
 * one answer), so the reference shows its real shape and not an open object.
 *
 * @example
 * config: documentedAs(z.record(z.string(), json), pipelineConfigSchema)
 */
export function documentedAs<T extends ZodType>(validator: T, documented: ZodType): T {
  documentation.set(validator, documented);
  return validator;
}

/** JSON Schema of a zod schema, inlined (no `$defs`), without the `$schema` key. */
export function toSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'throw',
    override: (ctx) => {
      const documented = documentation.get(ctx.zodSchema);
      if (!documented) return;
      const { description } = ctx.jsonSchema;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, toSchema(documented, io), description ? { description } : {});
    },
  }) as JsonSchema;
  return json;
}

function operationId(route: AnyRoute): string {
  const words = route.url
    .replace(/^\/v1\//, '')
    .split(/[/.-]/)
    .filter((w) => w !== '')
    .map((w) => (w.startsWith(':') ? `by ${w.slice(1)}` : w));
  const name = [route.method.toLowerCase(), ...words]
    .join(' ')
    .split(/[\s_]+/)
    .map((w, i) => (i === 0 ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
    .join('');
  return name.replace(/[^A-Za-z0-9]/g, '');
}
