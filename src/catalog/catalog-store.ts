/**
 * @module catalog/catalog-store
 * Products, suppliers, product–supplier terms and stores for the catalog API: list (paged,
 * filtered), read, create, update, retire. Bodies go through the ingestion column specs and field
 * parsers, so the API accepts exactly what a file may carry; rows are addressed by their public
 * codes, never by internal ids. Every change writes an audit entry in its own transaction.
 */
import { recordAudit } from '../auth/audit-log.js';
import type { Database, Queryable, SqlValue } from '../db/database.js';
import type { EntitySpec, Lookups, ParsedRow, RowContext } from '../ingest/entity-spec.js';
import { parseField } from '../ingest/parse-row.js';
import type { JsonValue } from '../pipeline/step.js';
import { CatalogError, type CatalogProblem } from './catalog-error.js';
import { fieldPath, readBody } from './catalog-store-body.js';
import {
  CATALOG_ENTITIES,
  CATALOG_TABLES,
  type CatalogEntity,
  type CatalogTable,
  keyCandidates,
  keyOf,
  READ_ONLY_FIELDS,
} from './catalog-store-tables.js';

export { CATALOG_ENTITIES, type CatalogEntity } from './catalog-store-tables.js';

export interface Page<T> {
  items: T[];
  /** Rows matching the filters, over all pages. */
  total: number;
  limit: number;
  offset: number;
}

export interface CatalogQuery {
  /** Page size: default 50, at most 500. */
  limit?: number;
  offset?: number;
  /** Field filters per entity (see the API docs), e.g. `{ category: 'dairy', q: 'SKU-1' }`. */
  filters?: Record<string, string>;
  /** Include retired rows (left out by default). */
  includeRetired?: boolean;
}

export const CATALOG_PAGE = { default: 50, max: 500 } as const;

type Row = Record<string, unknown>;

/**
 * One page of an entity's rows in code order.
 *
 * @example
 * const page = await listCatalog(db, 'stores', { filters: { country: 'de', format: 'small' }, limit: 20 });
 * // { items: [{ store_code: 'BER-01', … }], total: 3, limit: 20, offset: 0 }
 */
export async function listCatalog(
  db: Queryable,
  entity: CatalogEntity,
  query: CatalogQuery = {},
): Promise<Page<Row>> {
  const table = tableOf(entity);
  const limit = query.limit ?? CATALOG_PAGE.default;
  const offset = query.offset ?? 0;
  const problems: CatalogProblem[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > CATALOG_PAGE.max)
    problems.push({ path: 'limit', message: `must be a whole number from 1 to ${CATALOG_PAGE.max}` });
  if (!Number.isInteger(offset) || offset < 0)
    problems.push({ path: 'offset', message: 'must be a whole number of at least 0' });
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  for (const [name, value] of Object.entries(query.filters ?? {})) {
    const filter = table.filters[name];
    if (!filter) {
      problems.push({
        path: fieldPath(name),
        message: `is not a filter of ${entity}; filter by ${Object.keys(table.filters).join(', ')}`,
      });
      continue;
    }
    if (typeof value !== 'string' || value === '') continue;
    let param: string = value;
    if (filter.column) {
      const parsed = parseField(filter.column, value, false);
      if (!parsed.ok) {
        problems.push({ path: fieldPath(name), message: parsed.reason });
        continue;
      }
      param = String(parsed.value);
    }
    params.push(param);
    conditions.push(
      filter.kind === 'prefix'
        ? `starts_with(${filter.expression}, $${params.length})`
        : `${filter.expression} = $${params.length}`,
    );
  }
  if (problems.length > 0) throw CatalogError.invalid(`the ${entity} query`, problems);
  if (!query.includeRetired) conditions.push('t.retired_at IS NULL');
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const items = await db.query<Row>(
    `SELECT ${table.select} FROM ${table.from} ${where}
     ORDER BY ${table.orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  const counted = await db.query<{ total: number }>(
    `SELECT count(*) AS total FROM ${table.from} ${where}`,
    params,
  );
  return { items: items.map(publicRow), total: Number(counted[0]?.total ?? 0), limit, offset };
}

/**
 * One row by its code (`sku`, `supplier_code`, `store_code`, or `SKU~SUPPLIER_CODE` for
 * product–supplier terms), retired or not; null when there is none.
 *
 * @example
 * const terms = await getCatalogItem(db, 'product-suppliers', 'SKU-1~SUP-1');
 */
export async function getCatalogItem(db: Queryable, entity: CatalogEntity, key: string): Promise<Row | null> {
  const row = await findRow(db, tableOf(entity), key, false);
  return row ? publicRow(row) : null;
}

/**
 * Creates a row from a JSON body with the entity's ingestion fields.
 * Throws CatalogError INVALID (with a problem per bad field), CONFLICT (the code exists, retired or
 * not) or NOT_FOUND (product–supplier terms naming an unknown sku or supplier_code).
 *
 * @example
 * await createCatalogItem(db, 'products', { sku: 'SKU-9', name: 'Oat milk 1 l', category: 'dairy', unit: 'litre' }, 'tok_1a2b3c4d5e6f');
 */
export async function createCatalogItem(
  db: Database,
  entity: CatalogEntity,
  body: unknown,
  actor: string,
): Promise<Row> {
  const table = tableOf(entity);
  const { values, problems } = readBody(table.spec, body, 'create', READ_ONLY_FIELDS);
  if (problems.length > 0) throw CatalogError.invalid(`the new ${entity} row`, problems);
  const keyParts = table.keyFields.map((f) => values[f] as string);
  const key = keyParts.join('~');
  try {
    return await db.transaction(async (tx) => {
      const target = toTarget(table, values, await lookupsFor(tx, table, values));
      const existing = await findByParts(tx, table, keyParts, false);
      if (existing) {
        const retired = existing.retired_at ? ' (retired)' : '';
        throw new CatalogError(
          'CONFLICT',
          `${entity} ${key} already exists${retired}; change it with an update instead of creating it again`,
        );
      }
      const columns = [...table.spec.target.keyColumns, ...table.spec.target.valueColumns];
      const types = table.spec.target.types;
      await tx.run(
        `INSERT INTO ${table.spec.target.table} (${columns.join(', ')})
         VALUES (${columns.map((c, i) => `$${i + 1}::${types[c]}`).join(', ')})`,
        target,
      );
      const created = publicRow((await findByParts(tx, table, keyParts, false))!);
      await recordAudit(tx, {
        actor,
        action: 'catalog.create',
        target: `${entity}/${key}`,
        details: { item: toJson(created) },
      });
      return created;
    });
  } catch (error) {
    throw conflictOnUniqueViolation(error, `${entity} ${key} already exists`);
  }
}

/**
 * Changes the fields a patch names (the code fields cannot change; null clears an optional field)
 * and sets `updated_at`. The merged row must pass the same checks as a new one.
 * Throws CatalogError NOT_FOUND (unknown key) or INVALID.
 *
 * @example
 * await updateCatalogItem(db, 'stores', 'BER-01', { format: 'medium', size_sqm: 420 }, 'tok_1a2b3c4d5e6f');
 */
export async function updateCatalogItem(
  db: Database,
  entity: CatalogEntity,
  key: string,
  patch: unknown,
  actor: string,
): Promise<Row> {
  const table = tableOf(entity);
  return db.transaction(async (tx) => {
    const current = await findRow(tx, table, key, true);
    if (!current) throw notFound(entity, key);
    const before = publicRow(current);
    const { values, problems } = readBody(table.spec, patch, 'patch', READ_ONLY_FIELDS);
    for (const field of table.keyFields) {
      if (field in values && values[field] !== before[field]) {
        problems.push({
          path: field,
          message: `cannot change: it identifies the row; create the ${entity} row anew and retire this one`,
        });
      }
    }
    if (problems.length > 0)
      throw CatalogError.invalid(`the patch of ${entity} ${keyOf(table, before)}`, problems);
    const merged: ParsedRow = { ...parsedRowOf(table.spec, before), ...values };
    const target = toTarget(table, merged, await lookupsFor(tx, table, merged));
    const keyParts = table.keyFields.map((f) => before[f] as string);
    const valueColumns = table.spec.target.valueColumns;
    const types = table.spec.target.types;
    const offset = keyParts.length;
    await tx.run(
      `UPDATE ${table.spec.target.table}
       SET ${valueColumns.map((c, i) => `${c} = $${offset + i + 1}::${types[c]}`).join(', ')}, updated_at = now()
       WHERE ${table.targetKeyWhere}`,
      [...keyParts, ...target.slice(table.spec.target.keyColumns.length)],
    );
    const after = publicRow((await findByParts(tx, table, keyParts, false))!);
    const changes: Record<string, JsonValue> = {};
    for (const col of table.spec.columns) {
      const from = toJson(before[col.name]);
      const to = toJson(after[col.name]);
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[col.name] = { from, to };
    }
    await recordAudit(tx, {
      actor,
      action: 'catalog.update',
      target: `${entity}/${keyOf(table, after)}`,
      details: { changes },
    });
    return after;
  });
}

/**
 * Retires a row: it leaves listings (unless asked for) but stays readable and keeps its history.
 * Retiring a retired row changes nothing and returns it as it is. Throws CatalogError NOT_FOUND.
 *
 * @example
 * const row = await retireCatalogItem(db, 'products', 'SKU-1', 'tok_1a2b3c4d5e6f'); // row.retired_at set
 */
export async function retireCatalogItem(
  db: Database,
  entity: CatalogEntity,
  key: string,
  actor: string,
): Promise<Row> {
  const table = tableOf(entity);
  return db.transaction(async (tx) => {
    const current = await findRow(tx, table, key, true);
    if (!current) throw notFound(entity, key);
    const keyParts = table.keyFields.map((f) => current[f] as string);
    const changed = await tx.run(
      `UPDATE ${table.spec.target.table} SET retired_at = now(), updated_at = now()
       WHERE ${table.targetKeyWhere} AND retired_at IS NULL`,
      keyParts,
    );
    const after = publicRow((await findByParts(tx, table, keyParts, false))!);
    await recordAudit(tx, {
      actor,
      action: 'catalog.retire',
      target: `${entity}/${keyOf(table, after)}`,
      details: { changed: changed > 0, retired_at: toJson(after.retired_at) },
    });
    return after;
  });
}

function tableOf(entity: CatalogEntity): CatalogTable {
  const table = (CATALOG_TABLES as Record<string, CatalogTable | undefined>)[entity];
  if (!table || !Object.hasOwn(CATALOG_TABLES, entity)) {
    throw new CatalogError(
      'NOT_FOUND',
      `there is no catalog entity '${String(entity)}'; use one of ${CATALOG_ENTITIES.join(', ')}`,
    );
  }
  return table;
}

async function findRow(db: Queryable, table: CatalogTable, key: string, lock: boolean): Promise<Row | null> {
  if (typeof key !== 'string') return null;
  for (const parts of keyCandidates(table, key)) {
    const row = await findByParts(db, table, parts, lock);
    if (row) return row;
  }
  return null;
}

async function findByParts(
  db: Queryable,
  table: CatalogTable,
  parts: readonly string[],
  lock: boolean,
): Promise<Row | null> {
  const rows = await db.query<Row>(
    `SELECT ${table.select} FROM ${table.from} WHERE ${table.keyWhere}${lock ? ' FOR UPDATE OF t' : ''}`,
    parts,
  );
  return rows[0] ?? null;
}

/**
 * The catalog rows the entity's checks need: for product–supplier terms, the product and supplier
 * they name (NOT_FOUND when either is missing).
 */
async function lookupsFor(tx: Queryable, table: CatalogTable, values: ParsedRow): Promise<Lookups> {
  const lookups: Lookups = { stores: new Map(), products: new Map(), suppliers: new Map() };
  if (!table.spec.needs.includes('products') && !table.spec.needs.includes('suppliers')) return lookups;
  const problems: CatalogProblem[] = [];
  const sku = values.sku as string;
  const products = await tx.query<{
    product_id: number;
    launched_on: string | null;
    discontinued_on: string | null;
  }>('SELECT product_id, launched_on, discontinued_on FROM products WHERE sku = $1', [sku]);
  const product = products[0];
  if (product) {
    lookups.products.set(sku, {
      id: product.product_id,
      launchedOn: product.launched_on,
      discontinuedOn: product.discontinued_on,
    });
  } else {
    problems.push({ path: 'sku', message: `no product with sku '${sku}'; create the product first` });
  }
  const code = values.supplier_code as string;
  const suppliers = await tx.query<{ supplier_id: number }>(
    'SELECT supplier_id FROM suppliers WHERE supplier_code = $1',
    [code],
  );
  if (suppliers[0]) lookups.suppliers.set(code, suppliers[0].supplier_id);
  else problems.push({ path: 'supplier_code', message: `no supplier '${code}'; create the supplier first` });
  if (problems.length > 0) {
    throw new CatalogError(
      'NOT_FOUND',
      `the ${table.entity} row refers to ${problems.map((p) => p.message.split(';')[0]).join(' and ')}`,
      problems,
    );
  }
  return lookups;
}

// Catalog entities check no fact-level limits; the field is required by the shared row context.
const CATALOG_CONTEXT_LIMITS: RowContext['limits'] = { maxUnitsPerDay: Number.POSITIVE_INFINITY };

/** Runs the entity's cross-field checks (closing after opening, …) and returns the target values. */
function toTarget(table: CatalogTable, values: ParsedRow, lookups: Lookups): SqlValue[] {
  const result = table.spec.toTarget(values, { lookups, limits: CATALOG_CONTEXT_LIMITS });
  if (!Array.isArray(result)) {
    throw CatalogError.invalid(`the ${table.entity} row`, [
      { path: result.field ?? '', message: result.reason },
    ]);
  }
  return result;
}

/** A stored row back as parsed values, to merge a patch over. */
function parsedRowOf(spec: EntitySpec, row: Row): ParsedRow {
  const out: ParsedRow = {};
  for (const col of spec.columns) {
    const v = row[col.name];
    out[col.name] = v === undefined ? null : (v as ParsedRow[string]);
  }
  return out;
}

/** Timestamps as ISO strings; everything else as the driver returned it. */
function publicRow(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function notFound(entity: CatalogEntity, key: string): CatalogError {
  const hint = entity === 'product-suppliers' ? ' (write the key as SKU~SUPPLIER_CODE)' : '';
  return new CatalogError('NOT_FOUND', `there is no ${entity} row '${key}'${hint}`);
}

/** A unique violation means another request created the same code between our check and insert. */
function conflictOnUniqueViolation(error: unknown, message: string): unknown {
  if (error instanceof CatalogError) return error;
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') {
    return new CatalogError('CONFLICT', `${message}; change it with an update instead of creating it again`);
  }
  return error;
}
