/**
 * @module server/define-route
 * One definition per endpoint: method, URL, who may call it, zod schemas for its path parameters,
 * query, body and responses, and the handler. The same definition registers the fastify route,
 * validates every request (and every JSON response) and produces the endpoint's OpenAPI entry, so
 * the reference cannot drift from what the server does.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ZodError, type ZodType, z } from 'zod';
import type { ApiToken } from '../auth/api-tokens.js';
import type { Role } from '../auth/roles.js';
import type { JsonValue } from '../pipeline/step.js';
import type { FieldProblem } from './api-error.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call an endpoint: anyone, or a token with at least this role. */
export type Access = Role | 'public';

/** A JSON response (validated against `schema`) or a non-JSON one (text, CSV, HTML). */
export type ResponseSpec =
  | { description: string; schema: ZodType }
  | { description: string; contentType: string };

/** A streamed or whole text body, for non-JSON responses. */
export type TextBody = string | AsyncIterable<string>;

/**
 * A JSON response body already serialised (the serving module keeps each forecast's JSON text), sent
 * as is; it is still checked against the route's schema when responses are validated.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

type ResponseBody<R extends Record<number, ResponseSpec>> = {
  [K in keyof R]: R[K] extends { schema: infer S extends ZodType } ? z.input<S> | JsonText : TextBody;
}[keyof R];

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The calling token; null only on public endpoints. */
  caller: ApiToken | null;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Answers with another of the route's documented statuses than its first. */
  status(code: number): void;
  /** Names the object an audited call acted on (`products/SKU-1`) and adds details to its entry. */
  audit(target: string, details?: Record<string, JsonValue>): void;
}

export interface AuditSpec {
  /** `<domain>.<verb>`, e.g. `catalog.create`. */
  action: string;
  /**
   * The domain function writes its own entry for a success (token create/revoke); the server then
   * records only refused calls.
   */
  recordedByDomain?: boolean;
}

export interface RouteDefinition<
  P extends ZodType = ZodType,
  Q extends ZodType = ZodType,
  B extends ZodType = ZodType,
  R extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
> {
  method: HttpMethod;
  /** fastify form: `/v1/catalog/products/:key`. */
  url: string;
  summary: string;
  description?: string;
  /** The reference page's section. */
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Documented answers; the first 2xx is the default status. */
  responses: R;
  /** Error statuses this endpoint can answer besides the common ones (400, 401, 403, 404, 413, 429). */
  errors?: Record<number, string>;
  /**
   * Raw request bodies this endpoint takes instead of JSON (file uploads); the handler receives the
   * request stream as `body`.
   */
  consumes?: readonly string[];
  /** Largest body in bytes, when different from the server's default. */
  bodyLimit?: number;
  /** Mutating endpoints are audited; reads are not. */
  audit?: AuditSpec;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<ResponseBody<R>>;
}

/** A route definition with its types erased, as the server stores them. */
export type AnyRoute = RouteDefinition<ZodType, ZodType, ZodType, Record<number, ResponseSpec>>;

/**
 * Declares an endpoint; the types of the handler's inputs and result follow from the schemas.
 *
 * @example
 * defineRoute({
 *   method: 'GET', url: '/v1/jobs/:id', summary: 'One job', tag: 'jobs', access: 'viewer',
 *   params: z.object({ id: z.string() }),
 *   responses: { 200: { description: 'the job', schema: jobSchema } },
 *   handler: async ({ params }) => requireJob(params.id),
 * });
 */
export function defineRoute<
  P extends ZodType = z.ZodObject<Record<string, never>>,
  Q extends ZodType = z.ZodObject<Record<string, never>>,
  B extends ZodType = z.ZodUndefined,
  R extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
>(definition: RouteDefinition<P, Q, B, R>): AnyRoute {
  return definition as unknown as AnyRoute;
}

/** The status a route answers with unless the handler picks another. */
export function defaultStatus(route: AnyRoute): number {
  const statuses = Object.keys(route.responses)
    .map(Number)
    .sort((a, b) => a - b);
  return statuses.find((s) => s >= 200 && s < 300) ?? statuses[0] ?? 200;
}

/** True for methods that change something and therefore need an audit entry. */
export function isMutating(method: HttpMethod): boolean {
  return method !== 'GET';
}

/**
 * zod's issues as one problem per bad field, with the field's path written as in JavaScript
 * (`pairs[0].store`); an unknown key is reported at its own path.
 *
 * @example
 * fieldProblems('body', error); // [{ in: 'body', path: 'horizon', message: 'Too big: expected number to be <=366' }]
 */
export function fieldProblems(where: NonNullable<FieldProblem['in']>, error: ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({
          in: where,
          path: fieldPath([...issue.path, key]),
          message: `unknown field '${clip(key)}': remove it (see the API reference for the accepted fields)`,
        });
      continue;
    }
    const path = fieldPath(issue.path);
    // One entry per field: a value can break several rules at once (too big and not a safe integer).
    const same = out.find((p) => p.path === path);
    if (same) {
      if (!same.message.includes(issue.message)) same.message += `; ${issue.message}`;
    } else out.push({ in: where, path, message: issue.message });
  }
  return out;
}

function fieldPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const s of segments) {
    if (typeof s === 'number') path += `[${s}]`;
    else path += path === '' ? String(s) : `.${String(s)}`;
  }
  return path === '' ? '(root)' : path;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Route inputs used again and again. */
export const common = {
  /** `limit` and `offset` of a paged list. */
  page: (defaultLimit = 50, maxLimit = 1000) => ({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit).describe('page size'),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).describe('rows to skip'),
  }),
  /** A query parameter given once or repeated (`?id=a&id=b`), or comma-separated (`?id=a,b`). */
  list: (item: ZodType<string>, max = 50) =>
    z.preprocess(
      (v) =>
        v === undefined
          ? undefined
          : (Array.isArray(v) ? v : [v]).flatMap((s) => (typeof s === 'string' ? s.split(',') : [s])),
      z.array(item).min(1).max(max),
    ),
  /** A key or name in a path: printable, bounded, never empty. */
  key: (what: string) =>
    z
      .string()
      .min(1)
      .max(200)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
      .regex(/^[^\u0000-\u001f\u007f]+$/, `${what} must not contain control characters`),
} as const;
