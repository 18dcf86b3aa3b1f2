/**
 * @module catalog/catalog-store-body
 * Reads a JSON body of the catalog API into an entity's typed row with the column specs and field
 * parsers ingestion applies to a file's row, so a product created through the API passes exactly
 * the checks an ingested one does. Unlike ingestion, which stops at a row's first issue, it reports
 * every bad field, each by its JSON path.
 */
import type { ColumnSpec, EntitySpec, FieldValue, ParsedRow } from '../ingest/entity-spec.js';
import { parseField } from '../ingest/parse-row.js';
import type { CatalogProblem } from './catalog-error.js';

export interface BodyRead {
  /** Parsed values by field name: every field for a create, only the fields sent for a patch. */
  values: ParsedRow;
  problems: CatalogProblem[];
}

/**
 * Parses a create body (every required field present) or a patch (only the fields to change; null
 * clears an optional field). `readOnly` fields are shown on rows but set by the store.
 */
export function readBody(
  spec: EntitySpec,
  body: unknown,
  mode: 'create' | 'patch',
  readOnly: readonly string[],
): BodyRead {
  const values: ParsedRow = {};
  const problems: CatalogProblem[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    problems.push({ path: '', message: `the body must be a JSON object with the fields of ${spec.name}` });
    return { values, problems };
  }
  const fields = body as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (spec.columns.some((c) => c.name === name)) continue;
    problems.push({
      path: fieldPath(name),
      message: readOnly.includes(name)
        ? 'is set by shelfcast and cannot be sent'
        : `is not a field of ${spec.name}; the fields are ${spec.columns.map((c) => c.name).join(', ')}`,
    });
  }
  for (const col of spec.columns) {
    const present = Object.hasOwn(fields, col.name);
    if (mode === 'patch' && !present) continue;
    const value = fields[col.name];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (col.required) {
        problems.push({
          path: col.name,
          message: mode === 'patch' && present ? 'is required and cannot be cleared' : 'is required',
        });
      } else {
        values[col.name] = col.default ?? null;
      }
      continue;
    }
    const parsed = parseJsonField(col, value, col.name);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else values[col.name] = parsed.value;
  }
  return { values, problems };
}

/** One JSON value through the field's parser: JSON numbers and booleans are accepted as such. */
function parseJsonField(
  col: ColumnSpec,
  value: unknown,
  path: string,
): { value: FieldValue } | { problems: CatalogProblem[] } {
  let raw: string;
  if (col.type === 'list' && Array.isArray(value)) return parseList(col, value, path);
  if (typeof value === 'string') raw = value;
  else if ((col.type === 'integer' || col.type === 'decimal') && typeof value === 'number')
    raw = String(value);
  else if (col.type === 'boolean' && typeof value === 'boolean') raw = String(value);
  else return { problems: [{ path, message: `must be ${expected(col)}, got ${describe(value)}` }] };
  // JSON has one decimal separator: a comma is never a decimal point here.
  const parsed = parseField(col, raw, false);
  return parsed.ok ? { value: parsed.value } : { problems: [{ path, message: parsed.reason }] };
}

/**
 * A list as a JSON array of strings. Each item must be one a file could carry: not empty and
 * without `|`, the separator of list fields in files.
 */
function parseList(
  col: ColumnSpec,
  items: readonly unknown[],
  path: string,
): { value: FieldValue } | { problems: CatalogProblem[] } {
  const out: string[] = [];
  const problems: CatalogProblem[] = [];
  items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (typeof item !== 'string') {
      problems.push({ path: itemPath, message: `must be a string, got ${describe(item)}` });
      return;
    }
    const t = item.trim();
    if (t === '') problems.push({ path: itemPath, message: 'is empty' });
    else if (t.includes('|'))
      problems.push({ path: itemPath, message: `contains '|', which separates ${col.name} in files` });
    else out.push(t);
  });
  return problems.length > 0 ? { problems } : { value: out };
}

function expected(col: ColumnSpec): string {
  switch (col.type) {
    case 'integer':
      return 'a whole number';
    case 'decimal':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'list':
      return 'an array of strings';
    case 'date':
      return 'a date string YYYY-MM-DD';
    default:
      return 'a string';
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A field name as a JSON path: plain names as they are, others quoted (`["odd name"]`). */
export function fieldPath(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `[${JSON.stringify(name)}]`;
}
