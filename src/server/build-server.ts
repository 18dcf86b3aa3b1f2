/**
 * @module server/build-server
 * Builds the HTTP API on its dependencies: registers every route definition with fastify, checks
 * the bearer token and its role, applies the rate limit, validates requests and responses, maps
 * every error to the JSON error shape, counts requests for `/metrics` and audits mutating calls.
 * Tests build one on a test database and call it over a loopback socket; `shelfcast serve` builds
 * one on the configured database.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiToken } from '../auth/api-tokens.js';
import { recordAudit } from '../auth/audit-log.js';
import { type Role, roleAllows } from '../auth/roles.js';
import type { JsonValue } from '../pipeline/step.js';
import { ApiError, toApiError } from './api-error.js';
import { type Credentials, readCredentials, TokenAuthenticator } from './auth-hook.js';
import { type AnyRoute, defaultStatus, JsonText, type RouteContext, type TextBody } from './define-route.js';
import { renderDocsPage } from './docs-page.js';
import { forecastFastPath } from './forecast-fast-path.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { RequestCheck } from './request-parts.js';
import { ResponseCheck } from './response-check.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import {
  type ForecastBody,
  forecastRoutes,
  ONLINE_FORECAST_URL,
  onlineForecastText,
} from './routes/forecast-routes.js';
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
  const auth = new TokenAuthenticator(
    deps.db,
    options.tokenCacheMs === undefined ? {} : { cacheMs: options.tokenCacheMs },
  );
  await auth.listen();
  const uploads = new UploadJanitor(async (id) => {
    const job = await deps.jobs.get(id);
    return !job || job.finishedAt !== null;
  });
  await sweepStaleUploads(settings.home);
  const context: ServerContext = { ...deps, auth, uploads, settings };
  // Set once the routes exist; until then (and for every request it declines) fastify answers.
  let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  let closing = false;
  const app = Fastify({
    // The server fastify would create, with online forecasts offered to the fast path first.
    serverFactory: (handler, options) => {
      const server = createServer(options.http ?? {}, (req, res) => {
        if (fastPath === null || !fastPath(req, res)) handler(req, res);
      });
      // As fastify sets its own server up (its defaults: keep-alive 72 s, no request timeout).
      const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
      server.keepAliveTimeout = numberOr(options.keepAliveTimeout, 72_000);
      server.requestTimeout = numberOr(options.requestTimeout, 0);
      server.setTimeout(numberOr(options.connectionTimeout, 0));
      return server;
    },
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

  /**
   * Who calls, within their rate, with the role the route needs; runs before the body is read. A
   * callback hook that finishes synchronously when the token's verification is cached: an online
   * forecast should not wait a turn of the event loop to learn who asks.
   */
  const authenticate = (
    request: FastifyRequest,
    reply: FastifyReply,
    route: AnyRoute,
    done: (error?: Error) => void,
  ): void => {
    const needs = route.access;
    if (needs === 'public') {
      done();
      return;
    }
    const credentials = readCredentials(request.headers.authorization);
    const decide = (caller: ApiToken | null) => {
      let refused: Error | undefined;
      try {
        admit(request, reply, needs, credentials, caller);
      } catch (error) {
        refused = error as Error;
      }
      // Outside the try: done() runs the rest of the request, whose errors are not this hook's.
      done(refused);
    };
    const known = credentials.kind === 'bearer' ? auth.cached(credentials.token) : null;
    if (known !== undefined) decide(known);
    else if (credentials.kind === 'bearer')
      auth.verify(credentials.token).then(decide, (error: Error) => done(error));
  };

  /** Lets a verified caller (or null) through, or throws 429, 401 or 403. */
  const admit = (
    request: FastifyRequest,
    reply: FastifyReply,
    needs: Role,
    credentials: Credentials,
    caller: ApiToken | null,
  ): void => {
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
    if (!roleAllows(caller.role, needs)) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `this needs the ${needs} role, but token ${caller.id} has the ${caller.role} role; ask an admin for ${needs === 'admin' || needs === 'analyst' ? 'an' : 'a'} ${needs} token`,
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

  // Requests no route matched (404, undecodable URLs) are counted here; routes count their own.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) metrics.observe(request.method, 'unmatched', reply.statusCode, reply.elapsedTime);
    done();
  });

  const responses = new ResponseCheck(settings.validateResponses);
  /** Each route's bound request counter, shared by fastify's hook and the fast path. */
  const counters = new Map<AnyRoute, (status: number, elapsedMs: number) => void>();
  // Hooks per route, so public and unaudited routes pay for neither.
  for (const route of routes) {
    const count = metrics.forRoute(route.method, route.url);
    counters.set(route, count);
    const status = defaultStatus(route);
    app.route({
      method: route.method,
      url: route.url,
      config: { route },
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      ...(route.access === 'public'
        ? {}
        : {
            onRequest: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) =>
              authenticate(request, reply, route, done),
          }),
      ...(route.audit
        ? {
            onSend: (request: FastifyRequest, reply: FastifyReply, payload: unknown) =>
              audit(request, reply, payload, route),
          }
        : {}),
      onResponse: (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        count(reply.statusCode, reply.elapsedTime);
        done();
      },
      handler: (request, reply) => handle(route, status, request, reply, responses),
    });
  }
  const forecastRoute = routes.find((r) => r.method === 'POST' && r.url === ONLINE_FORECAST_URL);
  if (!forecastRoute) throw new Error(`no route POST ${ONLINE_FORECAST_URL}`);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // With request logging on, every request goes through fastify, whose logger writes each one.
  fastPath = settings.logger
    ? null
    : forecastFastPath({
        route: forecastRoute,
        answer: (body: ForecastBody) => onlineForecastText(deps.models, body),
        auth,
        limiter,
        bodyLimit: forecastRoute.bodyLimit ?? settings.bodyLimit,
        parseJson: (text) => {
          let parsed: { error: Error | null; value: unknown } = { error: null, value: undefined };
          parseJson(undefined as never, text, (error, value) => {
            parsed = { error, value };
          });
          if (parsed.error) throw parsed.error;
          return parsed.value;
        },
        responses,
        count: counters.get(forecastRoute) as (status: number, elapsedMs: number) => void,
        log: (details, message) => app.log.error(details, message),
        closing: () => closing,
      });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onClose', async () => {
    uploads.stop();
    auth.invalidate();
    await auth.close();
  });
  return app;
}

async function handle(
  route: AnyRoute,
  firstStatus: number,
  request: FastifyRequest,
  reply: FastifyReply,
  responses: ResponseCheck,
): Promise<unknown> {
  const parts = new RequestCheck();
  const params = parts.part('params', route.params, request.params);
  const query = parts.part('query', route.query, request.query);
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
    body = parts.part('body', route.body, request.body);
  }
  parts.finish();
  let status = firstStatus;
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
  const log = (details: object, message: string) => request.log.error(details, message);
  if (result instanceof JsonText) {
    reply.type('application/json; charset=utf-8');
    responses.text(route, spec.schema, result.text, () => request.id, log);
    return result.text;
  }
  return responses.value(route, spec.schema, result, () => request.id, log);
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
