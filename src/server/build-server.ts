/**
 * @module server/build-server
 * Builds the HTTP API on its dependencies: registers every route definition with fastify, checks
 * the bearer token and its role, applies the rate limit, validates requests and responses, maps
 * every error to the JSON error shape, counts requests for `/metrics` and audits mutating calls.
 * Tests build one on a test database and call it over a loopback socket; `shelfcast serve` builds
 * one on the configured database.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { ApiToken } from '../auth/api-tokens.js';
import { recordAudit } from '../auth/audit-log.js';
import { roleAllows } from '../auth/roles.js';
import type { JsonValue } from '../pipeline/step.js';
import { ApiError, badRequest, type FieldProblem, toApiError } from './api-error.js';
import { readCredentials, TokenAuthenticator } from './auth-hook.js';
import {
  type AnyRoute,
  defaultStatus,
  fieldProblems,
  JsonText,
  type RouteContext,
  type TextBody,
} from './define-route.js';
import { renderDocsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { forecastRoutes } from './routes/forecast-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { ingestionRoutes, UPLOAD_CONTENT_TYPES } from './routes/ingestion-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { pipelineRoutes } from './routes/pipeline-routes.js';
import { registryRoutes } from './routes/registry-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import {
  type ServerContext,
  type ServerDependencies,
  type ServerOptions,
  serverSettings,
} from './server-context.js';
import { registerServerMetrics } from './server-metrics.js';
import { sweepStaleUploads, UploadJanitor } from './uploads.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token of the caller (null on public endpoints and before authentication). */
    caller: ApiToken | null;
    /** Audit target and details a handler named for this call. */
    auditNote: { target: string; details: Record<string, JsonValue> } | null;
    /** The code of the error this call was answered with, for its audit entry. */
    errorCode: string | null;
  }
  interface FastifyContextConfig {
    route?: AnyRoute;
  }
}

/**
 * Builds a server (not yet listening).
 *
 * @example
 * const app = await buildServer({ db, jobs, models }, { rateLimit: false });
 * await app.listen({ port: 0, host: '127.0.0.1' });
 */
export async function buildServer(
  deps: ServerDependencies,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const settings = serverSettings(options);
  const auth = new TokenAuthenticator(deps.db, { cacheMs: settings.tokenCacheMs });
  const uploads = new UploadJanitor(async (id) => {
    const job = await deps.jobs.get(id);
    return !job || job.finishedAt !== null;
  });
  await sweepStaleUploads(settings.home);
  const context: ServerContext = { ...deps, auth, uploads, settings };
  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.bodyLimit,
    return503OnClosing: true,
    // A client cannot keep the server from stopping by holding idle keep-alive connections.
    forceCloseConnections: 'idle',
    // Room for the longest key a route accepts (200 characters) once percent-encoded.
    routerOptions: { maxParamLength: 1000 },
    // Unique across restarts and replicas, so an id in an error message finds its log line.
    genReqId: () => randomUUID(),
    // Errors the router raises before any route runs get the same JSON shape as all others.
    frameworkErrors: (error, request, reply) => {
      const longParam = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendError(
        request,
        reply,
        new ApiError(
          longParam ? 414 : 400,
          longParam ? 'URI_TOO_LONG' : 'INVALID_URL',
          longParam
            ? 'a path parameter is longer than any key this API accepts'
            : 'the URL cannot be decoded; percent-encode it as UTF-8',
        ),
      );
    },
  });
  const limiter = settings.rateLimit ? new RateLimiter(settings.rateLimit) : null;
  const metrics = registerServerMetrics(context);

  // Uploads arrive as raw streams; the ingestion route writes them to a file as they come.
  app.addContentTypeParser([...UPLOAD_CONTENT_TYPES], (_request, payload, done) => done(null, payload));
  app.decorateRequest('caller', null);
  app.decorateRequest('auditNote', null);
  app.decorateRequest('errorCode', null);

  const routes: AnyRoute[] = [
    ...healthRoutes(context, metrics.registry),
    ...catalogRoutes(context),
    ...ingestionRoutes(context),
    ...pipelineRoutes(context),
    ...registryRoutes(context),
    ...forecastRoutes(context),
    ...jobRoutes(context),
    ...tokenRoutes(context),
    ...referenceRoutes(
      () => document,
      () => docsPage,
    ),
  ];
  const document = openApiDocument(routes, { version: settings.version });
  const docsPage = renderDocsPage(document);

  app.setErrorHandler((error, request, reply) => {
    const api = toApiError(error, request.id);
    if (api.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, api);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new ApiError(
        404,
        'NOT_FOUND',
        `no endpoint ${request.method} ${request.url.split('?')[0]}; see /docs for the API`,
      ),
    ),
  );

  /** Who calls, within their rate, with the role the route needs; runs before the body is read. */
  const authenticate = async (
    request: FastifyRequest,
    reply: FastifyReply,
    route: AnyRoute,
  ): Promise<void> => {
    if (route.access === 'public') return;
    const credentials = readCredentials(request.headers.authorization);
    const caller = credentials.kind === 'bearer' ? await auth.verify(credentials.token) : null;
    const decision = limiter?.take(caller ? `token:${caller.id}` : `ip:${request.ip}`);
    if (decision && !decision.allowed) {
      reply.header('Retry-After', String(decision.retryAfterSeconds));
      throw new ApiError(
        429,
        'RATE_LIMITED',
        `too many requests; wait ${decision.retryAfterSeconds} s (limit: ${settings.rateLimit ? settings.rateLimit.perSecond : 0} per second per token)`,
      );
    }
    if (!caller) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        credentials.kind === 'none' ? 'MISSING_TOKEN' : 'INVALID_TOKEN',
        credentials.kind === 'none'
          ? 'this endpoint needs an API token: send "Authorization: Bearer sc_…" (an admin creates tokens)'
          : credentials.kind === 'malformed'
            ? 'the Authorization header must be "Bearer sc_…"'
            : 'the API token is unknown or revoked; ask an admin for a valid one',
      );
    }
    request.caller = caller;
    if (!roleAllows(caller.role, route.access)) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `this needs the ${route.access} role, but token ${caller.id} has the ${caller.role} role; ask an admin for ${route.access === 'admin' || route.access === 'analyst' ? 'an' : 'a'} ${route.access} token`,
      );
    }
  };

  // Written before the answer leaves, so a client that reads the audit log next finds the entry.
  const audit = async (request: FastifyRequest, reply: FastifyReply, payload: unknown, route: AnyRoute) => {
    if (!route.audit || !request.caller) return payload;
    const status = reply.statusCode;
    if (status === 429 || (route.audit.recordedByDomain && status < 400)) return payload;
    const note = request.auditNote;
    try {
      await recordAudit(deps.db, {
        actor: request.caller.id,
        action: route.audit.action,
        target: note?.target ?? request.url.split('?')[0]!.replace(/^\/v1\//, ''),
        status,
        details: {
          method: request.method,
          requestId: request.id,
          ...(request.errorCode ? { error: request.errorCode } : {}),
          ...(note?.details ?? {}),
        },
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not write the audit entry');
    }
    return payload;
  };

  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime,
    );
  });

  const checkedTexts = new CheckedTexts(8_000_000);
  // Hooks per route, so public and unaudited routes pay for neither.
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: { route },
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      ...(route.access === 'public'
        ? {}
        : {
            onRequest: (request: FastifyRequest, reply: FastifyReply) => authenticate(request, reply, route),
          }),
      ...(route.audit
        ? {
            onSend: (request: FastifyRequest, reply: FastifyReply, payload: unknown) =>
              audit(request, reply, payload, route),
          }
        : {}),
      handler: (request, reply) => handle(route, request, reply, settings.validateResponses, checkedTexts),
    });
  }
  app.addHook('onClose', async () => {
    uploads.stop();
    auth.invalidate();
  });
  return app;
}

/**
 * JSON texts already checked against their route's schema. The serving module sends the same text
 * for the same pair and version again and again; parsing it back for every request would cost more
 * than answering it. Bounded by total length; forgotten all at once when full.
 */
class CheckedTexts {
  readonly #texts = new Set<string>();
  #chars = 0;
  constructor(readonly maxChars: number) {}

  has(text: string): boolean {
    return this.#texts.has(text);
  }

  add(text: string): void {
    if (text.length > this.maxChars) return;
    if (this.#chars + text.length > this.maxChars) {
      this.#texts.clear();
      this.#chars = 0;
    }
    this.#texts.add(text);
    this.#chars += text.length;
  }
}

async function handle(
  route: AnyRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  validateResponses: boolean,
  checkedTexts: CheckedTexts,
): Promise<unknown> {
  const problems: FieldProblem[] = [];
  const parse = (
    where: 'params' | 'query' | 'body',
    schema: ZodType | undefined,
    value: unknown,
  ): unknown => {
    if (!schema) return undefined;
    const nul = nulPath(value);
    if (nul !== null) {
      problems.push({
        in: where,
        path: nul,
        message: 'contains a NUL character (\\u0000), which text cannot hold',
      });
      return undefined;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(...fieldProblems(where, result.error));
    return undefined;
  };
  const params = parse('params', route.params, request.params);
  const query = parse('query', route.query, request.query);
  let body: unknown;
  if (route.consumes) {
    if (!(request.body instanceof Readable))
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `send the file as the raw body with Content-Type ${route.consumes.join(', ')}`,
      );
    body = request.body;
  } else {
    if (request.body instanceof Readable)
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'this endpoint takes a JSON body (Content-Type: application/json)',
      );
    if (route.body && request.body === undefined && !route.body.safeParse(undefined).success)
      throw new ApiError(
        400,
        'BODY_REQUIRED',
        'this endpoint needs a JSON body (Content-Type: application/json); see /docs for its fields',
      );
    body = parse('body', route.body, request.body);
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw badRequest(
      `the request has ${problems.length === 1 ? 'a bad field' : `${problems.length} bad fields`}: ${first.in}.${first.path}: ${first.message}${problems.length > 1 ? ' (all in details)' : ''}`,
      problems,
    );
  }
  let status = defaultStatus(route);
  const ctx: RouteContext<unknown, unknown, unknown> = {
    params,
    query,
    body,
    caller: request.caller,
    request,
    reply,
    status(code) {
      if (!(code in route.responses))
        throw new Error(`${route.method} ${route.url} does not document status ${code}`);
      status = code;
    },
    audit(target, details = {}) {
      request.auditNote = { target, details };
    },
  };
  const result = await route.handler(ctx);
  const spec = route.responses[status]!;
  reply.code(status);
  if ('contentType' in spec) {
    reply.type(spec.contentType);
    const text = result as TextBody;
    return typeof text === 'string' ? text : Readable.from(text);
  }
  if (result instanceof JsonText) {
    reply.type('application/json; charset=utf-8');
    if (validateResponses && !checkedTexts.has(result.text)) {
      check(spec.schema, JSON.parse(result.text));
      checkedTexts.add(result.text);
    }
    return result.text;
  }
  if (!validateResponses) return result;
  return check(spec.schema, result);

  function check(schema: ZodType, value: unknown): unknown {
    const checked = schema.safeParse(value);
    if (!checked.success) {
      request.log.error(
        { issues: checked.error.issues },
        `response of ${route.method} ${route.url} does not match its schema`,
      );
      throw new ApiError(
        500,
        'INTERNAL',
        `the server produced an invalid response (request ${request.id}); the server log has the details`,
      );
    }
    return checked.data;
  }
}

/** Where a NUL character hides in a parsed request part (PostgreSQL text cannot store one), or null. */
function nulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(root)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const here = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return here;
      const found = nulPath(v, here);
      if (found !== null) return found;
    }
  }
  return null;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  request.errorCode = error.code;
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.body());
}

/** `/openapi.json` and `/docs`. */
function referenceRoutes(document: () => unknown, docsPage: () => string): AnyRoute[] {
  return [
    {
      method: 'GET',
      url: '/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'health',
      access: 'public',
      responses: { 200: { description: 'the document', contentType: 'application/json' } },
      handler: async () => JSON.stringify(document()),
    },
    {
      method: 'GET',
      url: '/docs',
      summary: 'The API reference as a web page',
      tag: 'health',
      access: 'public',
      responses: { 200: { description: 'the reference', contentType: 'text/html; charset=utf-8' } },
      handler: async () => docsPage(),
    },
  ];
}
