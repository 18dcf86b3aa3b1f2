/**
 * @module server/request-parts
 * Checks the parts of a request (path parameters, query, JSON body) against a route's zod schemas
 * and turns every bad field into one 400 that lists them all. Shared by fastify's route handler and
 * the online-forecast fast path, so both refuse the same requests with the same words.
 */
import type { ZodType } from 'zod';
import { badRequest, type FieldProblem } from './api-error.js';
import { fieldProblems } from './define-route.js';

export type RequestPart = 'params' | 'query' | 'body';

/** Collects the problems of several parts; {@link RequestCheck.finish} throws if there were any. */
export class RequestCheck {
  readonly problems: FieldProblem[] = [];

  /** The parsed part, or undefined when it has no schema or is invalid (its problems are kept). */
  part(where: RequestPart, schema: ZodType | undefined, value: unknown): unknown {
    if (!schema) return undefined;
    const nul = nulPath(value);
    if (nul !== null) {
      this.problems.push({
        in: where,
        path: nul,
        message: 'contains a NUL character (\\u0000), which text cannot hold',
      });
      return undefined;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    this.problems.push(...fieldProblems(where, result.error));
    return undefined;
  }

  /** Throws INVALID_REQUEST naming the first bad field (all of them in details) if any was found. */
  finish(): void {
    const problems = this.problems;
    if (problems.length === 0) return;
    const first = problems[0] as FieldProblem;
    throw badRequest(
      `the request has ${problems.length === 1 ? 'a bad field' : `${problems.length} bad fields`}: ${first.in}.${first.path}: ${first.message}${problems.length > 1 ? ' (all in details)' : ''}`,
      problems,
    );
  }
}

/** Where a NUL character hides in a parsed request part (PostgreSQL text cannot store one), or null. */
export function nulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(root)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const here = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return here;
      const found = nulPath((value as Record<string, unknown>)[key], here);
      if (found !== null) return found;
    }
  }
  return null;
}
