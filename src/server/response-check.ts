/**
 * @module server/response-check
 * Every JSON response is checked against its route's schema before it leaves (a mismatch is a 500
 * and a log line, never a wrong answer). Serialised answers the serving module sends again and again
 * are checked once per distinct text.
 */
import type { ZodType } from 'zod';
import { ApiError } from './api-error.js';
import type { AnyRoute } from './define-route.js';

export type ErrorLog = (details: object, message: string) => void;

/**
 * Checks responses for one server; `enabled: false` (a benchmark setting) lets them through.
 *
 * @example
 * const responses = new ResponseCheck(true);
 * responses.text(route, spec.schema, text, () => request.id, (d, m) => request.log.error(d, m));
 */
export class ResponseCheck {
  readonly #checkedTexts = new CheckedTexts(8_000_000);

  constructor(readonly enabled: boolean) {}

  /**
   * The value as the schema parses it; throws a 500 ApiError, naming the request id (made only
   * then), when it does not match.
   */
  value(route: AnyRoute, schema: ZodType, value: unknown, requestId: () => string, log: ErrorLog): unknown {
    if (!this.enabled) return value;
    const checked = schema.safeParse(value);
    if (checked.success) return checked.data;
    log(
      { issues: checked.error.issues },
      `response of ${route.method} ${route.url} does not match its schema`,
    );
    throw new ApiError(
      500,
      'INTERNAL',
      `the server produced an invalid response (request ${requestId()}); the server log has the details`,
    );
  }

  /** Checks JSON text already serialised (once per distinct text); throws like {@link value}. */
  text(route: AnyRoute, schema: ZodType, text: string, requestId: () => string, log: ErrorLog): void {
    if (!this.enabled || this.#checkedTexts.has(text)) return;
    this.value(route, schema, JSON.parse(text), requestId, log);
    this.#checkedTexts.add(text);
  }
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
