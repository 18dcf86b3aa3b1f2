/**
 * @module db/migration
 * Versioned schema migrations, applied in order on start inside one transaction each. A lock keeps
 * two processes starting at once from applying the same version twice (PostgreSQL advisory lock).
 */
import { createHash } from 'node:crypto';
import type { Database } from './database.js';
import { DatabaseError } from './db-error.js';
import { migrations as allMigrations } from './migrations/index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  applied: { version: number; name: string }[];
  current: number;
}

/** Arbitrary constant naming shelfcast's migration lock among advisory locks. */
const MIGRATION_LOCK_KEY = 727_431_001;

/** A hash of every migration's SQL: changes whenever the schema does (used to key test templates). */
export function schemaFingerprint(migrations: readonly Migration[] = allMigrations): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.version}:${m.name}:${m.sql}\n`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Brings the schema to the latest version.
 *
 * @example
 * const { applied } = await migrateToLatest(db); // [] when already current
 */
export async function migrateToLatest(
  db: Database,
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrationResult> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: { version: number; name: string }[] = [];
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new DatabaseError(
        'DB_NEWER_SCHEMA',
        `the database schema is at version ${newest}, newer than this shelfcast knows (${latest}). Upgrade shelfcast.`,
      );
    }
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.exec(m.sql);
      } catch (error) {
        throw new DatabaseError(
          'DB_MIGRATION_FAILED',
          `migration ${m.version} (${m.name}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push({ version: m.version, name: m.name });
    }
    return { applied, current: latest };
  });
}
