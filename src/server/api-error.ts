/**
 * @module server/api-error
 * The one place that turns errors into HTTP answers. Every error a client sees is JSON
 * `{ error: { code, message, details? } }` with a 4xx or 5xx status; domain errors keep their stable
 * code and their message (which says what to do next), anything unexpected becomes a 500 whose
 * message names the request id to look up in the server log, never a stack trace.
 */

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** One bad field of a request: where (`body`, `query`, `params`), the field's path and what is wrong. */
export interface FieldProblem {
  in?: 'body' | 'query' | 'params';
  path: string;
  message: string;
}

/** An error with the HTTP status and stable code the client receives. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function badRequest(message: string, details?: FieldProblem[]): ApiError {
  return new ApiError(400, 'INVALID_REQUEST', message, details);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', message);
}

/**
 * HTTP status of each domain error code, by error class name. Matching by name keeps the server free
 * of a compile-time dependency on every domain's error class while still reading their typed codes;
 * a code not listed falls back to the class's default.
 */
const DOMAIN_STATUS: Record<string, { default: number; codes: Record<string, number> }> = {
  RegistryError: {
    default: 400,
    codes: { MODEL_NOT_FOUND: 404, VERSION_NOT_FOUND: 404, NO_CHAMPION: 409, INVALID_ROLLBACK: 409 },
  },
  TrackingError: {
    default: 400,
    codes: {
      RUN_NOT_FOUND: 404,
      EXPERIMENT_NOT_FOUND: 404,
      ARTIFACT_NOT_FOUND: 404,
      ARTIFACT_CORRUPT: 500,
      ARTIFACT_STORE_CONFIG: 500,
      ARTIFACT_STORE_FAILED: 503,
    },
  },
  IngestError: { default: 400, codes: { CONCURRENT_BATCH: 409 } },
  InputFileError: { default: 400, codes: {} },
  PipelineConfigError: { default: 400, codes: {} },
  CatalogError: { default: 400, codes: { NOT_FOUND: 404, CONFLICT: 409 } },
  ServingError: {
    default: 400,
    codes: { NO_CHAMPION: 404, UNKNOWN_PAIR: 404, MODEL_ARTIFACT_MISSING: 503 },
  },
  AuthError: { default: 400, codes: { UNAUTHENTICATED: 401, FORBIDDEN: 403 } },
  JobError: { default: 400, codes: { JOB_NOT_FOUND: 404, UNKNOWN_JOB_TYPE: 500 } },
};

/** Domain-error fields that carry per-field problems, in the order they are looked for. */
const PROBLEM_FIELDS = ['problems', 'issues'] as const;

/**
 * The API error for anything thrown by a handler: ApiErrors pass through, typed domain errors keep
 * their code and message with the mapped status, fastify's own errors (bad JSON, body too large,
 * wrong media type) get a stable code, and the rest become a 500 without internals.
 */
export function toApiError(error: unknown, requestId?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const mapping = DOMAIN_STATUS[error.name];
    if (mapping && typeof code === 'string') {
      const status = mapping.codes[code] ?? mapping.default;
      if (status >= 500 && status !== 503) return internal(requestId);
      return new ApiError(status, code, error.message, domainDetails(error));
    }
    const fastify = fastifyError(error);
    if (fastify) return fastify;
  }
  return internal(requestId);
}

function internal(requestId: string | undefined): ApiError {
  return new ApiError(
    500,
    'INTERNAL',
    `the server failed to handle this request${requestId ? ` (request ${requestId})` : ''}; the server log has the details`,
  );
}

function domainDetails(error: Error): unknown {
  for (const field of PROBLEM_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (Array.isArray(value) && value.length > 0) return value;
  }
  const details = (error as { details?: unknown }).details;
  return details === undefined || details === null ? undefined : details;
}

/** Fastify's own request errors, which carry a 4xx statusCode and an FST_ code. */
function fastifyError(error: Error): ApiError | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  const code = String((error as { code?: unknown }).code ?? '');
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new ApiError(
      413,
      'PAYLOAD_TOO_LARGE',
      'the request body is larger than this endpoint accepts; send less per request (see the API reference for limits)',
    );
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'this endpoint does not accept that Content-Type; send application/json (or a file type the endpoint lists)',
    );
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new ApiError(
      400,
      'INVALID_JSON',
      'the body is empty but Content-Type says JSON; send a JSON body',
    );
  if (error instanceof SyntaxError || code.startsWith('FST_ERR_CTP'))
    return new ApiError(400, 'INVALID_JSON', `the body is not valid JSON: ${error.message}`);
  return new ApiError(status, 'INVALID_REQUEST', error.message);
}
