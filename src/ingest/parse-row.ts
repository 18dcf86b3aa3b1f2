/**
 * @module ingest/parse-row
 * Turns one source row into typed values following an entity's column specs, or the first issue.
 */
import {
  clip,
  type ParseResult,
  parseBoolean,
  parseCode,
  parseCountry,
  parseCurrency,
  parseDate,
  parseDecimal,
  parseEmail,
  parseInteger,
  parseTimeZone,
} from '../validation/field-parsers.js';
import type { ColumnSpec, FieldValue, Lookups, ParsedRow, RowIssue } from './entity-spec.js';

const REF_LABEL = { store: 'store_code', product: 'sku', supplier: 'supplier_code' } as const;

export function parseField(col: ColumnSpec, raw: string, decimalComma: boolean): ParseResult<FieldValue> {
  switch (col.type) {
    case 'code':
      return parseCode(raw);
    case 'text': {
      const t = raw.trim();
      const max = col.maxLength ?? 500;
      return t.length > max
        ? { ok: false, code: 'TOO_LONG', reason: `is longer than ${max} characters` }
        : { ok: true, value: t };
    }
    case 'integer':
      return checkRange(col, parseInteger(raw));
    case 'decimal':
      return checkRange(col, parseDecimal(raw, decimalComma));
    case 'date':
      return parseDate(raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'country':
      return parseCountry(raw);
    case 'currency':
      return parseCurrency(raw);
    case 'timezone':
      return parseTimeZone(raw);
    case 'email':
      return parseEmail(raw);
    case 'enum': {
      const t = raw.trim().toLowerCase();
      return col.values?.includes(t)
        ? { ok: true, value: t }
        : {
            ok: false,
            code: 'NOT_ALLOWED',
            reason: `'${clip(raw)}' is not one of ${col.values?.join(', ')}`,
          };
    }
    case 'list':
      return {
        ok: true,
        value: raw
          .split('|')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
  }
}

function checkRange(col: ColumnSpec, result: ParseResult<number>): ParseResult<number> {
  if (!result.ok) return result;
  const v = result.value;
  if (col.min !== undefined && v < col.min) {
    return {
      ok: false,
      code: v < 0 ? 'NEGATIVE' : 'TOO_SMALL',
      reason: `${v} is below the minimum ${col.min}`,
    };
  }
  if (col.max !== undefined && v > col.max) {
    return { ok: false, code: 'ABSURD_VALUE', reason: `${v} is above the plausible maximum ${col.max}` };
  }
  return result;
}

/**
 * Parses a row whose values are in `columnIndex` order (input header position per spec column,
 * -1 when the file lacks the column).
 */
export function parseRow(
  columns: readonly ColumnSpec[],
  columnIndex: readonly number[],
  values: readonly (string | null)[],
  decimalComma: boolean,
  lookups: Lookups,
): { row: ParsedRow; issue?: undefined } | { issue: RowIssue } {
  const row: ParsedRow = {};
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const index = columnIndex[c]!;
    const raw = index >= 0 ? (values[index] ?? null) : null;
    if (raw === null || raw.trim() === '') {
      if (col.required)
        return { issue: { field: col.name, code: 'MISSING_VALUE', reason: 'is required but empty' } };
      row[col.name] = col.default ?? null;
      continue;
    }
    const parsed = parseField(col, raw, decimalComma);
    if (!parsed.ok) return { issue: { field: col.name, code: parsed.code, reason: parsed.reason } };
    if (col.ref) {
      const code = parsed.value as string;
      const known =
        col.ref === 'store'
          ? lookups.stores.has(code)
          : col.ref === 'product'
            ? lookups.products.has(code)
            : lookups.suppliers.has(code);
      if (!known) {
        return {
          issue: {
            field: col.name,
            code: `UNKNOWN_${col.ref.toUpperCase()}`,
            reason: `${REF_LABEL[col.ref]} '${clip(code)}' is not in the catalog; ingest the ${col.ref}s first or fix the code`,
          },
        };
      }
    }
    row[col.name] = parsed.value;
  }
  return { row };
}
