/**
 * @module ingest/entity-spec
 * How an entity (stores, sales, ...) is read, checked and stored. Each entity is one spec file in its
 * domain folder (catalog, sales) filling this shape; the ingest engine does the rest the same way
 * for all of them.
 */

export type ColumnType =
  | 'code'
  | 'text'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'boolean'
  | 'country'
  | 'currency'
  | 'timezone'
  | 'email'
  | 'enum'
  | 'list';

export interface ColumnSpec {
  /** Column name in the input file (matched case-insensitively). */
  name: string;
  type: ColumnType;
  required: boolean;
  /** For numbers: smallest and largest accepted value (inclusive). */
  min?: number;
  max?: number;
  /** For enum columns. */
  values?: readonly string[];
  /** For text: longest accepted value. */
  maxLength?: number;
  /** A code column naming a catalog row that must already exist. */
  ref?: 'store' | 'product' | 'supplier';
  /** Value used when the column is absent or empty (only for non-required columns). */
  default?: string | number | boolean;
}

export type FieldValue = string | number | boolean | null | readonly string[];

export interface StoreRef {
  id: number;
  country: string;
  timezone: string;
  openedOn: string;
  closedOn: string | null;
  /** Today's date in the store's time zone, when the batch started. */
  today: string;
}
export interface ProductRef {
  id: number;
  launchedOn: string | null;
  discontinuedOn: string | null;
}

/** Catalog rows an entity's rows may refer to, loaded once per batch. */
export interface Lookups {
  stores: Map<string, StoreRef>;
  products: Map<string, ProductRef>;
  suppliers: Map<string, number>;
}

/** A problem with one row: which field, a stable code and a readable reason. */
export interface RowIssue {
  field: string | null;
  code: string;
  reason: string;
}

/** A parsed row: values by column name, in the spec's types. */
export type ParsedRow = Record<string, FieldValue>;

export interface IngestLimits {
  /** Largest plausible units per store, product and day; above it a row is rejected as absurd. */
  maxUnitsPerDay: number;
}

export interface RowContext {
  lookups: Lookups;
  limits: IngestLimits;
}

export interface EntitySpec {
  /** Name used on the command line and in the API (`product-suppliers`). */
  name: string;
  description: string;
  /** Input columns. */
  columns: readonly ColumnSpec[];
  /** Input columns that together identify a row (the natural key). */
  naturalKey: readonly string[];
  /** Which catalog lookups the spec needs. */
  needs: readonly ('stores' | 'products' | 'suppliers')[];
  target: {
    table: string;
    /** Target columns forming the conflict key (primary key or unique constraint). */
    keyColumns: readonly string[];
    /** Target columns updated on conflict. */
    valueColumns: readonly string[];
    /** SQL type of every key and value column, for the staging table. */
    types: Readonly<Record<string, string>>;
    /** The table has an updated_at column to touch when a row changes. */
    touchesUpdatedAt?: boolean;
  };
  /**
   * Checks that span fields or need the catalog (store open that day, date not in the future) and
   * maps the parsed row to target values (keyColumns then valueColumns). Returns an issue to reject it.
   */
  toTarget(row: ParsedRow, ctx: RowContext): (string | number | boolean | null)[] | RowIssue;
}
