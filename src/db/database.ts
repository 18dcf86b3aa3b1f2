/**
 * @module db/database
 * The storage contract both back ends fill: embedded PGlite (the default, no server) and PostgreSQL
 * (when DATABASE_URL is set). Both speak the same SQL, so every query is written once.
 */

/** A value that can be bound to a query parameter. */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | readonly string[]
  | readonly number[]
  | Uint8Array;

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs one parameterised statement and returns how many rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs one or more statements without parameters (DDL, scripts). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows with COPY FROM in PostgreSQL's text format: one row per line, columns separated
   * by tabs, `\N` for null (see {@link copyLine}). Resolves to the number of rows loaded.
   */
  copyIn(table: string, columns: readonly string[], text: string): Promise<number>;
}

export interface Transaction extends Queryable {}

export interface Database extends Queryable {
  readonly backend: 'pglite' | 'postgres';
  /** A readable description of where the data lives (a path or a URL without its password). */
  readonly location: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` after each committed transaction that sent `NOTIFY channel` (from any process
   * on PostgreSQL), and once more after a lost listening connection is back, since notifications
   * may have been missed meanwhile. Resolves, once listening, to a function that stops it.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Escapes one value for COPY's text format. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // Most values hold nothing to escape: scan once before paying for replace().
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  // Backslash first, then the characters that would end a field or a row.
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One COPY text line (with its newline) for a row of values. */
export function copyLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += copyValue(values[i]);
  }
  return `${line}\n`;
}

/** A PostgreSQL array literal for a text[] column, for use inside COPY or as a parameter. */
export function textArrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Quotes an identifier (table or column name) for SQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
