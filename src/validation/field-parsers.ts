/**
 * @module validation/field-parsers
 * Parses one text field into a typed value or says exactly what is wrong with it. Used by ingestion
 * for every entity and by the forecasting engine for user files.
 */
import { isCountryCode, isCurrencyCode, isTimeZone } from './iso-codes.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (code: string, reason: string): ParseResult<never> => ({ ok: false, code, reason });

const DECIMAL_POINT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?(\d+,?\d*|,\d+)$/;

/**
 * A decimal number. With `decimalComma` (semicolon-delimited files) `12,5` means 12.5; otherwise a
 * comma is refused rather than guessed (it could be a thousands separator).
 */
export function parseDecimal(text: string, decimalComma: boolean): ParseResult<number> {
  if (isPlainDecimal(text)) return ok(Number(text));
  const t = text.trim();
  if (DECIMAL_POINT.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? ok(n) : fail('NOT_A_NUMBER', `'${clip(t)}' is too large`);
  }
  if (DECIMAL_COMMA.test(t)) {
    if (decimalComma) return ok(Number(t.replace(',', '.')));
    return fail(
      'DECIMAL_COMMA',
      `'${clip(t)}' uses a decimal comma in a comma-delimited file; write a decimal point, or delimit the file with semicolons`,
    );
  }
  return fail('NOT_A_NUMBER', `'${clip(t)}' is not a number`);
}

/** Fast path for the common case: digits with at most one point and a leading minus, nothing else. */
function isPlainDecimal(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 20) return false;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let points = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && points === 0) points++;
    else return false;
  }
  return digits > 0;
}

export function parseInteger(text: string): ParseResult<number> {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return fail('NOT_AN_INTEGER', `'${clip(t)}' is not a whole number`);
  const n = Number(t);
  return Number.isSafeInteger(n) ? ok(n) : fail('NOT_AN_INTEGER', `'${clip(t)}' is too large`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An ISO calendar date YYYY-MM-DD that exists (2025-02-30 does not). */
export function parseDate(text: string): ParseResult<string> {
  const t = text.length === 10 ? text : text.trim();
  if (!isDateShape(t)) return fail('BAD_DATE', `'${clip(t)}' is not a date in the form YYYY-MM-DD`);
  const y = digitsAt(t, 0, 4);
  const mo = digitsAt(t, 5, 2);
  const d = digitsAt(t, 8, 2);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > max || y < 1900 || y > 2200) {
    return fail('BAD_DATE', `'${t}' is not a real calendar date`);
  }
  return ok(t);
}

/** `dddd-dd-dd`, checked by character codes (this runs once per row of every fact file). */
function isDateShape(t: string): boolean {
  if (t.length !== 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function digitsAt(t: string, start: number, length: number): number {
  let v = 0;
  for (let i = start; i < start + length; i++) v = v * 10 + (t.charCodeAt(i) - 48);
  return v;
}

export function parseBoolean(text: string): ParseResult<boolean> {
  switch (text.trim().toLowerCase()) {
    case 'true':
    case 't':
    case '1':
    case 'yes':
    case 'y':
      return ok(true);
    case 'false':
    case 'f':
    case '0':
    case 'no':
    case 'n':
      return ok(false);
    default:
      return fail('NOT_A_BOOLEAN', `'${clip(text)}' is not true/false`);
  }
}

export function parseCountry(text: string): ParseResult<string> {
  const t = text.trim().toUpperCase();
  return isCountryCode(t)
    ? ok(t)
    : fail('UNKNOWN_COUNTRY', `'${clip(text)}' is not an ISO 3166 two-letter country code`);
}

export function parseCurrency(text: string): ParseResult<string> {
  const t = text.trim().toUpperCase();
  return isCurrencyCode(t)
    ? ok(t)
    : fail('UNKNOWN_CURRENCY', `'${clip(text)}' is not an ISO 4217 currency code`);
}

export function parseTimeZone(text: string): ParseResult<string> {
  const t = text.trim();
  return isTimeZone(t)
    ? ok(t)
    : fail('UNKNOWN_TIMEZONE', `'${clip(text)}' is not an IANA time zone like Europe/Berlin`);
}

export function parseEmail(text: string): ParseResult<string> {
  const t = text.trim();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t)
    ? ok(t)
    : fail('BAD_EMAIL', `'${clip(t)}' is not an e-mail address`);
}

/** A code (SKU, store code): no surrounding space, no control characters, at most 64 characters. */
export function parseCode(text: string): ParseResult<string> {
  const t = text.trim();
  if (t.length > 64) return fail('TOO_LONG', `'${clip(t)}' is longer than 64 characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(t)) return fail('BAD_CODE', 'contains control characters');
  return ok(t);
}

/** Shortens a value for an error message so one bad field cannot flood a report. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
