/**
 * @module jobs/handlers/job-payload
 * Checks a job's payload against its type's schema, so a malformed one fails the job with every bad
 * key named (`INVALID_JOB_PAYLOAD`) instead of somewhere inside the work.
 */
import type { z } from 'zod';
import type { JsonValue } from '../../pipeline/step.js';
import { JobError } from '../job-error.js';

export function parsePayload<S extends z.ZodType>(type: string, schema: S, payload: JsonValue): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`,
  );
  throw new JobError(
    'INVALID_JOB_PAYLOAD',
    `the payload of a '${type}' job is invalid; fix these keys and enqueue it again: ${issues.join('; ')}`,
    { type, issues },
  );
}
