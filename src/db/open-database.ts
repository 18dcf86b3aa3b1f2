/**
 * @module db/open-database
 * Picks the storage from the environment: PostgreSQL when DATABASE_URL is set, otherwise the
 * embedded database under SHELFCAST_HOME (default ./.shelfcast). Migrations run on open.
 */
import { join, resolve } from 'node:path';
import type { Database } from './database.js';
import { migrateToLatest } from './migration.js';
import { PGliteDatabase } from './pglite-database.js';
import { PostgresDatabase } from './postgres-database.js';

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
  const db = settings.databaseUrl
    ? await PostgresDatabase.open(settings.databaseUrl)
    : await PGliteDatabase.open({ dataDir: join(settings.home, 'pgdata') });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
