/**
 * @module pipeline/snapshot
 * Immutable table snapshots: a table (rows or columns) written as a Parquet file named by the
 * SHA-256 of its bytes, never overwritten, and read back. The first step of a training pipeline
 * writes one, and every later step reads the same file by path.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { type BasicType, type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { sha256 } from './content-store.js';
import { PipelineRunError } from './pipeline-error.js';

export type SnapshotValue = string | number | boolean | Date | null;
/** Rows as objects, or columns as arrays of equal length. */
export type SnapshotTable =
  | readonly Record<string, SnapshotValue>[]
  | Readonly<Record<string, readonly SnapshotValue[]>>;

export interface SnapshotInfo {
  /** SHA-256 of the file's bytes. */
  readonly hash: string;
  readonly path: string;
  readonly rows: number;
  readonly columns: readonly string[];
  /** False when a file with the same content was already there. */
  readonly created: boolean;
}

function toColumns(table: SnapshotTable): Record<string, readonly SnapshotValue[]> {
  if (!Array.isArray(table)) return table as Record<string, readonly SnapshotValue[]>;
  const rows = table as readonly Record<string, SnapshotValue>[];
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const k of Object.keys(row))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  return Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n] ?? null)]));
}

/** Parquet type of a column: INT32 when every number is a 32-bit integer, else DOUBLE; null-only → STRING. */
function columnType(name: string, values: readonly SnapshotValue[]): BasicType {
  let type: BasicType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t: BasicType =
      typeof v === 'string'
        ? 'STRING'
        : typeof v === 'boolean'
          ? 'BOOLEAN'
          : v instanceof Date
            ? 'TIMESTAMP'
            : Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1
              ? 'INT32'
              : 'DOUBLE';
    if (type === undefined || type === t) type = t;
    else if ((type === 'INT32' && t === 'DOUBLE') || (type === 'DOUBLE' && t === 'INT32')) type = 'DOUBLE';
    else throw new TypeError(`column "${name}" mixes ${type} and ${t} values; give it one type`);
  }
  return type ?? 'STRING';
}

/**
 * Writes a table as `<dir>/<sha256>.parquet`. The same data always gives the same bytes and name;
 * an existing file is never overwritten.
 *
 * @example
 * const snap = writeSnapshot(dir, [{ store: 'S1', day: '2026-11-01', units: 3 }]);
 * const rows = await readSnapshot(snap.path);
 */
export function writeSnapshot(
  dir: string,
  table: SnapshotTable,
  options: { types?: Readonly<Record<string, BasicType>> } = {},
): SnapshotInfo {
  const columns = toColumns(table);
  const names = Object.keys(columns);
  const lengths = new Set(names.map((n) => columns[n]!.length));
  if (lengths.size > 1) throw new TypeError(`columns have different lengths (${[...lengths].join(', ')})`);
  const columnData: ColumnSource[] = names.map((name) => {
    const data = columns[name]!;
    return {
      name,
      data: data as SnapshotValue[],
      type: options.types?.[name] ?? columnType(name, data),
      nullable: true,
    };
  });
  // A fixed `createdBy` keeps the bytes free of the library version, so hashes stay stable.
  const bytes = new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'shelfcast snapshot' }));
  const hash = sha256(bytes);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${hash}.parquet`);
  let created = false;
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o444 });
    if (existsSync(path)) rmSync(tmp);
    else {
      renameSync(tmp, path);
      created = true;
    }
  }
  return { hash, path, rows: lengths.size === 0 ? 0 : [...lengths][0]!, columns: names, created };
}

/** Path of a snapshot in `dir` by its hash. */
export function snapshotPath(dir: string, hash: string): string {
  return join(dir, `${hash}.parquet`);
}

/**
 * Reads a snapshot back as row objects. With `verify`, checks that the file's bytes still hash
 * to the name it carries.
 */
export async function readSnapshot(
  path: string,
  options: { verify?: boolean; columns?: string[] } = {},
): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  if (options.verify) {
    const expected = /([0-9a-f]{64})\.parquet$/.exec(path)?.[1];
    if (expected !== sha256(bytes))
      throw new PipelineRunError(
        'ARTIFACT_NOT_FOUND',
        `snapshot ${path} does not match its content hash; it was changed after writing, write a new snapshot`,
      );
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({
    file,
    ...(options.columns ? { columns: options.columns } : {}),
  })) as Record<string, unknown>[];
}
