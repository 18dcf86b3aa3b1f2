/**
 * @module db/open-database
 * Picks the storage from the environment: PostgreSQL when DATABASE_URL is set, otherwise the
 * embedded database under SHELFCAST_HOME (default ./.shelfcast). Migrations run on open.
 */
import { join, resolve } from 'node:path';
import type { Database } from './database.js';
import { migrateToLatest } from './migration.js';

export interface StorageSettings {
  databaseUrl?: string;
  home: string;
}

/** Reads SHELFCAST_HOME and DATABASE_URL. */
export function storageSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StorageSettings {
  const home = resolve(env.SHELFCAST_HOME || '.shelfcast');
  return env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, home } : { home };
}

/**
 * Opens the configured database and applies pending migrations.
 *
 * @example
 * const db = await openDatabase(); // embedded under ./.shelfcast unless DATABASE_URL is set
 */
export async function openDatabase(settings: StorageSettings = storageSettingsFromEnv()): Promise<Database> {
  if (shared) return borrowed(shared);
  // Only the configured back end's driver is loaded: each takes a noticeable part of a CLI start.
  const db = settings.databaseUrl
    ? await (await import('./postgres-database.js')).PostgresDatabase.open(settings.databaseUrl)
    : await (await import('./pglite-database.js')).PGliteDatabase.open({
        dataDir: join(settings.home, 'pgdata'),
      });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

let shared: Database | undefined;

/**
 * Makes every later {@link openDatabase} in this process return `db` (whose `close` then does
 * nothing) until the returned function is called. A long-lived process (the server, a worker) opens
 * the embedded database once: PGlite admits one process, and code that opens its own handle, such as
 * a pipeline step, must borrow that one instead.
 *
 * @example
 * const release = shareDatabase(db);
 * try { await trainFromConfig(file); } finally { release(); }
 */
export function shareDatabase(db: Database): () => void {
  const previous = shared;
  shared = db;
  return () => {
    shared = previous;
  };
}

function borrowed(db: Database): Database {
  return {
    backend: db.backend,
    location: db.location,
    query: (sql, params) => db.query(sql, params),
    run: (sql, params) => db.run(sql, params),
    exec: (sql) => db.exec(sql),
    copyIn: (table, columns, text) => db.copyIn(table, columns, text),
    transaction: (work) => db.transaction(work),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: async () => {},
  };
}
