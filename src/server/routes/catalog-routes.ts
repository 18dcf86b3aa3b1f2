/**
 * @module server/routes/catalog-routes
 * `/v1/catalog/{products,suppliers,stores,product-suppliers}`: list (paged, filtered), read, create,
 * update and retire. The request and row schemas are derived from each entity's column specs (the
 * ones ingestion uses), so the API and file ingestion accept the same fields; the catalog store
 * parses every field and writes the audit entry in the change's own transaction.
 */
import { type ZodType, z } from 'zod';
import {
  createCatalogItem,
  getCatalogItem,
  listCatalog,
  retireCatalogItem,
  updateCatalogItem,
} from '../../catalog/catalog-store.js';
import { CATALOG_ENTITIES, CATALOG_TABLES, type CatalogTable } from '../../catalog/catalog-store-tables.js';
import type { ColumnSpec } from '../../ingest/entity-spec.js';
import { notFound } from '../api-error.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import type { ServerContext } from '../server-context.js';

const KEY_HELP: Record<string, string> = {
  products: 'the SKU',
  suppliers: 'the supplier code',
  stores: 'the store code',
  'product-suppliers': 'SKU~SUPPLIER_CODE',
};

/** What a field accepts in a request: JSON types, or the same text a file would hold. */
function requestField(col: ColumnSpec): ZodType {
  const text = z.string().max(10_000);
  switch (col.type) {
    case 'integer':
    case 'decimal':
      return z.union([z.number(), text]);
    case 'boolean':
      return z.union([z.boolean(), text]);
    case 'list':
      return z.union([z.array(z.string().max(10_000)).max(1000), text]);
    case 'enum':
      return col.values ? z.union([z.enum(col.values as [string, ...string[]]), text]) : text;
    default:
      return text;
  }
}

/** What a stored row holds in a field. */
function rowField(col: ColumnSpec): ZodType {
  switch (col.type) {
    case 'integer':
      return z.number().nullable();
    case 'decimal':
      // PostgreSQL numerics arrive as text on some drivers.
      return z.union([z.number(), z.string()]).nullable();
    case 'boolean':
      return z.boolean().nullable();
    case 'list':
      return z.array(z.string()).nullable();
    default:
      return z.string().nullable();
  }
}

function describeColumn(col: ColumnSpec): string {
  const parts: string[] = [col.type];
  if (col.values) parts.push(`one of ${col.values.join(', ')}`);
  if (col.min !== undefined) parts.push(`≥ ${col.min}`);
  if (col.max !== undefined) parts.push(`≤ ${col.max}`);
  if (col.maxLength !== undefined) parts.push(`at most ${col.maxLength} characters`);
  if (col.ref) parts.push(`a ${col.ref} in the catalog`);
  if (col.default !== undefined) parts.push(`default ${String(col.default)}`);
  return parts.join('; ');
}

function schemasOf(table: CatalogTable) {
  const create: Record<string, ZodType> = {};
  const patch: Record<string, ZodType> = {};
  const row: Record<string, ZodType> = {};
  for (const col of table.spec.columns) {
    const field = requestField(col).describe(describeColumn(col));
    create[col.name] = col.required ? field : field.nullable().optional();
    patch[col.name] = field.nullable().optional();
    row[col.name] = rowField(col);
  }
  row.retired_at = z.string().nullable().describe('when the row was retired; null while active');
  row.updated_at = z.string().nullable();
  const filters: Record<string, ZodType> = {};
  for (const [name, filter] of Object.entries(table.filters))
    filters[name] = z
      .string()
      .max(200)
      .optional()
      .describe(filter.kind === 'prefix' ? 'code starts with' : `${name} equals`);
  return {
    create: z.strictObject(create),
    patch: z.strictObject(patch),
    row: z.object(row),
    query: z.strictObject({
      ...common.page(50, 500),
      includeRetired: z.stringbool().default(false).describe('include retired rows'),
      ...filters,
    }),
  };
}

export function catalogRoutes(ctx: ServerContext): AnyRoute[] {
  return CATALOG_ENTITIES.flatMap((entity) => {
    const table = CATALOG_TABLES[entity];
    const s = schemasOf(table);
    const base = `/v1/catalog/${entity}`;
    const keyParams = z.strictObject({ key: common.key('key').describe(KEY_HELP[entity] ?? 'the key') });
    const page = z.object({
      items: z.array(s.row),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    });
    return [
      defineRoute({
        method: 'GET',
        url: base,
        summary: `List ${entity}`,
        description: `Active rows in code order, ${Object.keys(table.filters).join(', ')} as filters.`,
        tag: 'catalog',
        access: 'viewer',
        query: s.query,
        responses: { 200: { description: 'one page', schema: page } },
        handler: async ({ query }) => {
          const { limit, offset, includeRetired, ...rest } = query;
          const filters: Record<string, string> = {};
          for (const [k, v] of Object.entries(rest)) if (typeof v === 'string') filters[k] = v;
          return listCatalog(ctx.db, entity, { limit, offset, includeRetired, filters });
        },
      }),
      defineRoute({
        method: 'GET',
        url: `${base}/:key`,
        summary: `Read one of ${entity}`,
        tag: 'catalog',
        access: 'viewer',
        params: keyParams,
        responses: { 200: { description: 'the row (retired or not)', schema: s.row } },
        handler: async ({ params }) => {
          const row = await getCatalogItem(ctx.db, entity, params.key);
          if (!row) throw notFound(`there is no ${entity} row '${params.key}'`);
          return row;
        },
      }),
      defineRoute({
        method: 'POST',
        url: base,
        summary: `Create one of ${entity}`,
        tag: 'catalog',
        access: 'analyst',
        body: s.create,
        responses: { 201: { description: 'created', schema: s.row } },
        errors: { 409: 'a row with that key exists (retired or not)' },
        audit: { action: 'catalog.create', recordedByDomain: true },
        handler: async ({ body, caller, audit }) => {
          const row = await createCatalogItem(ctx.db, entity, body, caller!.id);
          audit(`${entity}/${table.keyFields.map((f) => String(row[f])).join('~')}`);
          return row;
        },
      }),
      defineRoute({
        method: 'PATCH',
        url: `${base}/:key`,
        summary: `Update one of ${entity}`,
        description:
          'Only the fields sent change; null clears an optional field; the key fields cannot change.',
        tag: 'catalog',
        access: 'analyst',
        params: keyParams,
        body: s.patch,
        responses: { 200: { description: 'the updated row', schema: s.row } },
        audit: { action: 'catalog.update', recordedByDomain: true },
        handler: async ({ params, body, caller, audit }) => {
          audit(`${entity}/${params.key}`);
          return updateCatalogItem(ctx.db, entity, params.key, body, caller!.id);
        },
      }),
      defineRoute({
        method: 'DELETE',
        url: `${base}/:key`,
        summary: `Retire one of ${entity}`,
        description:
          'The row leaves listings but stays readable with its history; retiring twice changes nothing.',
        tag: 'catalog',
        access: 'analyst',
        params: keyParams,
        responses: { 200: { description: 'the retired row', schema: s.row } },
        audit: { action: 'catalog.retire', recordedByDomain: true },
        handler: async ({ params, caller, audit }) => {
          audit(`${entity}/${params.key}`);
          return retireCatalogItem(ctx.db, entity, params.key, caller!.id);
        },
      }),
    ];
  });
}
