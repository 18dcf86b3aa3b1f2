/**
 * @module catalog/catalog-store-tables
 * How each catalog entity maps onto its table for the catalog API: the public fields (the
 * ingestion columns, in snake_case, plus `retired_at` and `updated_at`), the key, the filters a
 * listing accepts and the order it pages in. Product–supplier terms show `sku` and `supplier_code`
 * in place of the internal ids they are stored under.
 */
import type { ColumnSpec, EntitySpec } from '../ingest/entity-spec.js';
import { productEntity } from './product-entity.js';
import { productSupplierEntity } from './product-supplier-entity.js';
import { storeEntity } from './store-entity.js';
import { supplierEntity } from './supplier-entity.js';

export const CATALOG_ENTITIES = ['products', 'suppliers', 'stores', 'product-suppliers'] as const;
export type CatalogEntity = (typeof CATALOG_ENTITIES)[number];

/** Fields every row shows that only the store sets. */
export const READ_ONLY_FIELDS = ['retired_at', 'updated_at'] as const;

/** A listing filter: an equality on a field (its value parsed like the field) or a code prefix. */
export interface CatalogFilter {
  /** SQL expression compared with the parameter. */
  expression: string;
  kind: 'equals' | 'prefix';
  /** The column spec whose parser normalises the value (`de` → `DE`), for equality filters. */
  column?: ColumnSpec;
}

export interface CatalogTable {
  entity: CatalogEntity;
  /** The ingestion spec: fields, parsers, cross-field checks, target columns. */
  spec: EntitySpec;
  /** Public fields that identify a row, in key order; they cannot change. */
  keyFields: readonly string[];
  /** `SELECT` list producing the public fields, over {@link from} (the table is aliased `t`). */
  select: string;
  from: string;
  /** Matches one row of {@link from} by the key fields as $1, $2. */
  keyWhere: string;
  /** Matches one row of the bare table (no alias) by the key fields as $1, $2, for UPDATE. */
  targetKeyWhere: string;
  orderBy: string;
  filters: Readonly<Record<string, CatalogFilter>>;
}

const column = (spec: EntitySpec, name: string): ColumnSpec => {
  const found = spec.columns.find((c) => c.name === name);
  if (!found) throw new Error(`${spec.name} has no column ${name}`);
  return found;
};
const fieldsOf = (spec: EntitySpec, alias: string) =>
  [...spec.columns.map((c) => `${alias}.${c.name}`), `${alias}.retired_at`, `${alias}.updated_at`].join(', ');

// Codes sort byte-wise (COLLATE "C") so pages come in the same order on every server and back end.
export const CATALOG_TABLES: Readonly<Record<CatalogEntity, CatalogTable>> = {
  products: {
    entity: 'products',
    spec: productEntity,
    keyFields: ['sku'],
    select: fieldsOf(productEntity, 't'),
    from: 'products t',
    keyWhere: 't.sku = $1',
    targetKeyWhere: 'sku = $1',
    orderBy: 't.sku COLLATE "C"',
    filters: {
      category: { expression: 't.category', kind: 'equals', column: column(productEntity, 'category') },
      unit: { expression: 't.unit', kind: 'equals', column: column(productEntity, 'unit') },
      q: { expression: 't.sku', kind: 'prefix' },
    },
  },
  suppliers: {
    entity: 'suppliers',
    spec: supplierEntity,
    keyFields: ['supplier_code'],
    select: fieldsOf(supplierEntity, 't'),
    from: 'suppliers t',
    keyWhere: 't.supplier_code = $1',
    targetKeyWhere: 'supplier_code = $1',
    orderBy: 't.supplier_code COLLATE "C"',
    filters: {
      country: { expression: 't.country', kind: 'equals', column: column(supplierEntity, 'country') },
      currency: { expression: 't.currency', kind: 'equals', column: column(supplierEntity, 'currency') },
      q: { expression: 't.supplier_code', kind: 'prefix' },
    },
  },
  stores: {
    entity: 'stores',
    spec: storeEntity,
    keyFields: ['store_code'],
    select: fieldsOf(storeEntity, 't'),
    from: 'stores t',
    keyWhere: 't.store_code = $1',
    targetKeyWhere: 'store_code = $1',
    orderBy: 't.store_code COLLATE "C"',
    filters: {
      country: { expression: 't.country', kind: 'equals', column: column(storeEntity, 'country') },
      format: { expression: 't.format', kind: 'equals', column: column(storeEntity, 'format') },
      city: { expression: 't.city', kind: 'equals', column: column(storeEntity, 'city') },
      q: { expression: 't.store_code', kind: 'prefix' },
    },
  },
  'product-suppliers': {
    entity: 'product-suppliers',
    spec: productSupplierEntity,
    keyFields: ['sku', 'supplier_code'],
    select: [
      'p.sku',
      's.supplier_code',
      ...productSupplierEntity.columns.slice(2).map((c) => `t.${c.name}`),
      't.retired_at',
      't.updated_at',
    ].join(', '),
    from: `product_suppliers t
      JOIN products p ON p.product_id = t.product_id
      JOIN suppliers s ON s.supplier_id = t.supplier_id`,
    keyWhere: 'p.sku = $1 AND s.supplier_code = $2',
    targetKeyWhere: `product_id = (SELECT product_id FROM products WHERE sku = $1)
      AND supplier_id = (SELECT supplier_id FROM suppliers WHERE supplier_code = $2)`,
    orderBy: 'p.sku COLLATE "C", s.supplier_code COLLATE "C"',
    filters: {
      sku: { expression: 'p.sku', kind: 'equals', column: column(productSupplierEntity, 'sku') },
      supplier_code: {
        expression: 's.supplier_code',
        kind: 'equals',
        column: column(productSupplierEntity, 'supplier_code'),
      },
      q: { expression: 'p.sku', kind: 'prefix' },
    },
  },
};

/**
 * The ways a key from a URL can name a row: the code itself, or for product–supplier terms
 * `SKU~SUPPLIER_CODE` split at each `~` in turn (a code may itself contain `~`).
 */
export function keyCandidates(table: CatalogTable, key: string): string[][] {
  if (table.keyFields.length === 1) return [[key]];
  const out: string[][] = [];
  for (let i = key.indexOf('~'); i >= 0; i = key.indexOf('~', i + 1)) {
    const sku = key.slice(0, i);
    const supplier = key.slice(i + 1);
    if (sku !== '' && supplier !== '') out.push([sku, supplier]);
  }
  return out;
}

/** The key of a public row as the API writes it (`SKU-1`, `SKU-1~SUP-1`). */
export function keyOf(table: CatalogTable, row: Readonly<Record<string, unknown>>): string {
  return table.keyFields.map((f) => String(row[f])).join('~');
}
