/**
 * @module db/postgres-database
 * The production back end: a PostgreSQL server reached through a connection pool (`pg`), with COPY
 * through `pg-copy-streams` for bulk loads.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Queryable, SqlValue, Transaction } from './database.js';
import { ident } from './database.js';
import { DatabaseError } from './db-error.js';
import { listenPostgres } from './postgres-listener.js';

// Return DATE columns as 'YYYY-MM-DD' text and bigint counts as numbers, matching PGlite's shapes.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
      return result.rows as Row[];
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      const result = await client.query({ text: sql, values: params as unknown[] });
      return result.rowCount ?? 0;
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
    async copyIn(table: string, columns: readonly string[], text: string): Promise<number> {
      if (text.length === 0) return 0;
      const run = async (c: pg.PoolClient) => {
        const stream = c.query(
          copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN`),
        );
        await pipeline(Readable.from([text]), stream);
        return Number(stream.rowCount ?? 0);
      };
      if (client instanceof pg.Pool) {
        const c = await client.connect();
        try {
          return await run(c);
        } finally {
          c.release();
        }
      }
      return run(client);
    },
  };
}

export class PostgresDatabase implements Database {
  readonly backend = 'postgres' as const;
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #base: Queryable;
  readonly #url: string;
  readonly #listeners = new Set<() => Promise<void>>();

  private constructor(pool: pg.Pool, location: string, url: string) {
    this.#pool = pool;
    this.location = location;
    this.#url = url;
    this.#base = queryable(pool);
  }

  static async open(url: string, options: { max?: number } = {}): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it on next use.
    });
    const location = redact(url);
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => {});
      throw new DatabaseError(
        'DB_UNREACHABLE',
        `cannot connect to PostgreSQL at ${location}: ${(error as Error).message}. Check that the server runs and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.`,
        { cause: error },
      );
    }
    return new PostgresDatabase(pool, location, url);
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
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(queryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const stop = await listenPostgres(this.#url, channel, onNotify);
    const stopOnce = async () => {
      this.#listeners.delete(stopOnce);
      await stop();
    };
    this.#listeners.add(stopOnce);
    return stopOnce;
  }
  async close(): Promise<void> {
    // Listening connections are not the pool's: they end with the database handle.
    await Promise.all([...this.#listeners].map((stop) => stop()));
    await this.#pool.end();
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}
