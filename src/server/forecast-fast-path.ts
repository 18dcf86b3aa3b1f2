/**
 * @module server/forecast-fast-path
 * `POST /v1/forecasts` answered straight from node:http. Online forecasts are the one endpoint
 * called thousands of times a second, and what they compute is small (a kept answer, already JSON):
 * fastify's per-request machinery (hooks, reply object, content-type parsing in an async resource)
 * cost more than the forecast itself and halved the server's throughput. This path takes a request
 * only when its headers show the ordinary case: the exact URL, a JSON body of known length within
 * the limit, a cached valid token with the route's role and within its rate, a server not closing.
 * Every other request (no or unknown token, wrong media type, chunked or oversized body, 429) goes
 * to fastify, which answers it as it answers every route. What this path does check after taking a
 * request, it checks with the route's own pieces: fastify's JSON parser, the route's zod schema via
 * {@link RequestCheck}, the same answer function, response check, error mapping and metrics.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows } from '../auth/roles.js';
import { toApiError } from './api-error.js';
import type { TokenAuthenticator } from './auth-hook.js';
import { readCredentials } from './auth-hook.js';
import type { AnyRoute } from './define-route.js';
import type { RateLimiter } from './rate-limit.js';
import { RequestCheck } from './request-parts.js';
import type { ErrorLog, ResponseCheck } from './response-check.js';

export interface FastPathDependencies {
  /** The route this path answers: its URL, access, body schema and 200 response schema. */
  route: AnyRoute;
  /** The JSON text answering a body the route's schema accepted. */
  answer: (body: never) => Promise<string>;
  auth: TokenAuthenticator;
  limiter: RateLimiter | null;
  /** Largest body in bytes (the route's, else the server's). */
  bodyLimit: number;
  /** fastify's JSON parser: same prototype-poisoning rules, same errors. */
  parseJson: (text: string) => unknown;
  responses: ResponseCheck;
  /** Counts an answered request for /metrics (status, milliseconds since it arrived). */
  count: (status: number, elapsedMs: number) => void;
  log: ErrorLog;
  /** True once the server is closing: fastify then answers 503. */
  closing: () => boolean;
}

/** Returns a handler that answers a request and returns true, or returns false and leaves it alone. */
export function forecastFastPath(
  deps: FastPathDependencies,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { route } = deps;
  const needs = route.access;
  const spec = route.responses[200];
  if (needs === 'public' || !route.body || !spec || !('schema' in spec))
    throw new Error(`${route.method} ${route.url} cannot be served by the fast path`);
  const bodySchema = route.body;
  const responseSchema = spec.schema;

  const answer = async (res: ServerResponse, text: string, started: number) => {
    let requestId: string | undefined;
    const id = () => {
      requestId ??= randomUUID();
      return requestId;
    };
    let status = 200;
    let out: string;
    let closeAfter = false;
    try {
      let value: unknown;
      try {
        value = deps.parseJson(text);
      } catch (error) {
        // As fastify does after a body it could not parse: the client may be out of step.
        closeAfter = true;
        throw error;
      }
      const parts = new RequestCheck();
      const body = parts.part('body', bodySchema, value);
      parts.finish();
      out = await deps.answer(body as never);
      deps.responses.text(route, responseSchema, out, id, deps.log);
    } catch (error) {
      const api = toApiError(error, id());
      if (api.status >= 500) deps.log({ err: error, reqId: id() }, 'request failed');
      status = api.status;
      out = JSON.stringify(api.body());
    }
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(out),
    };
    if (closeAfter) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(out);
    deps.count(status, performance.now() - started);
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== route.url || deps.closing()) return false;
    const headers = req.headers;
    if (!isJson(headers['content-type']) || headers['transfer-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!(Number.isInteger(length) && length > 0 && length <= deps.bodyLimit)) return false;
    const credentials = readCredentials(headers.authorization);
    if (credentials.kind !== 'bearer') return false;
    const caller = deps.auth.cached(credentials.token);
    if (!caller || !roleAllows(caller.role, needs)) return false;
    // A refused take consumes nothing, so fastify's own take refuses too and answers the 429.
    if (deps.limiter && !deps.limiter.take(`token:${caller.id}`).allowed) return false;
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
      answer(res, text, started).catch((error: unknown) => {
        deps.log({ err: error }, 'could not answer a forecast request');
        res.destroy();
      });
    });
    req.on('error', () => res.destroy());
    return true;
  };
}

/** `application/json`, with or without `; charset=utf-8` (what clients send); others go to fastify. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.toLowerCase();
  return type === 'application/json' || type.replace(/\s+/g, '') === 'application/json;charset=utf-8';
}
