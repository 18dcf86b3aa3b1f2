/**
 * @module db/pglite-database
 * The embedded back end: PostgreSQL compiled to WebAssembly (PGlite), data in a directory on disk.
 * Nothing to install; one process at a time owns the directory (a lock file says which).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { Database, Queryable, SqlValue, Transaction } from './database.js';
import { ident } from './database.js';
import { DatabaseError } from './db-error.js';

type PGliteLike = Pick<PGlite, 'query' | 'exec'> | PGliteTransaction;

function queryable(target: PGliteLike): Queryable {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const result = await target.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      const result = await target.query(sql, params as unknown[]);
      return result.affectedRows ?? 0;
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
    async copyIn(table: string, columns: readonly string[], text: string): Promise<number> {
      if (text.length === 0) return 0;
      const result = await target.query(
        `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob'`,
        [],
        {
          blob: new Blob([text]),
        },
      );
      return result.affectedRows ?? 0;
    },
  };
}

export interface PGliteOpenOptions {
  /** Data directory; omitted = in memory. */
  dataDir?: string;
  /** A dumped data directory (tarball) to start from, e.g. a migrated template in tests. */
  loadDataDir?: Blob;
}

export class PGliteDatabase implements Database {
  readonly backend = 'pglite' as const;
  readonly location: string;
  readonly #pg: PGlite;
  readonly #base: Queryable;
  readonly #lockFile: string | undefined;

  private constructor(pg: PGlite, location: string, lockFile: string | undefined) {
    this.#pg = pg;
    this.location = location;
    this.#base = queryable(pg);
    this.#lockFile = lockFile;
  }

  static async open(options: PGliteOpenOptions = {}): Promise<PGliteDatabase> {
    let lockFile: string | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      lockFile = acquireLock(options.dataDir);
    }
    try {
      const pg = new PGlite({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
        // Durability is PostgreSQL's job in production; the embedded store syncs at close and commit.
        relaxedDurability: false,
        // Same value shapes as the PostgreSQL back end: dates as 'YYYY-MM-DD', numeric and int8 as numbers.
        parsers: { 1082: (v: string) => v, 1700: (v: string) => Number(v), 20: (v: string) => Number(v) },
      });
      await pg.waitReady;
      return new PGliteDatabase(pg, options.dataDir ?? 'memory', lockFile);
    } catch (error) {
      if (lockFile) rmSync(lockFile, { force: true });
      throw new DatabaseError(
        'DB_UNREACHABLE',
        `cannot open the embedded database${options.dataDir ? ` at ${options.dataDir}` : ''}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.#base.query<Row>(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.#base.run(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.#base.exec(sql);
  }
  copyIn(table: string, columns: readonly string[], text: string): Promise<number> {
    return this.#base.copyIn(table, columns, text);
  }
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#pg.transaction((tx) => work(queryable(tx)));
  }
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    // One process owns an embedded database, so every NOTIFY is sent in this process.
    const stop = await this.#pg.listen(channel, () => onNotify());
    return () => stop();
  }
  /** The data directory as a tarball, to seed other instances (test templates, backups). */
  dump(): Promise<Blob> {
    return this.#pg.dumpDataDir('none') as Promise<Blob>;
  }
  async close(): Promise<void> {
    await this.#pg.close();
    if (this.#lockFile) rmSync(this.#lockFile, { force: true });
  }
}

/**
 * PGlite has no server to arbitrate between processes, so two processes on one data directory would
 * corrupt it. A lock file with the owner's pid refuses the second; a stale lock (dead pid) is taken over.
 */
function acquireLock(dataDir: string): string {
  const lockFile = join(dataDir, 'shelfcast.lock');
  if (existsSync(lockFile)) {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseError(
        'DB_LOCKED',
        `the embedded database at ${dataDir} is in use by process ${pid}. Stop that process, point SHELFCAST_HOME elsewhere, or use PostgreSQL (DATABASE_URL) for several processes at once.`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return lockFile;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
