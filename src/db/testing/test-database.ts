/**
 * @module db/testing/test-database
 * Fresh, migrated databases for tests, on whichever back end the run selects: PostgreSQL when
 * DATABASE_URL is set (a new database per test, cloned from a migrated template database), otherwise
 * embedded PGlite in memory, loaded from a migrated data-directory tarball made once per schema
 * version (a fresh initdb costs seconds; loading the tarball well under one).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Database } from '../database.js';
import { migrateToLatest, schemaFingerprint } from '../migration.js';
import { PGliteDatabase } from '../pglite-database.js';
import { PostgresDatabase } from '../postgres-database.js';

const cacheDir = resolve(process.env.SHELFCAST_TEST_CACHE ?? '.shelfcast-test');

/** Which back end the test run uses, for test names and skips. */
export function testBackend(): 'postgres' | 'pglite' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

/**
 * Opens an empty, migrated database for one test; `close()` disposes of it.
 *
 * @example
 * const db = await openTestDatabase();
 * t.after(() => db.close());
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return url ? openPostgresTestDatabase(url) : openPGliteTestDatabase();
}

async function openPGliteTestDatabase(): Promise<Database> {
  const template = await ensurePGliteTemplate();
  return PGliteDatabase.open({ loadDataDir: new Blob([readFileSync(template)]) });
}

/** Builds the migrated template tarball once; concurrent test processes wait for the first. */
export async function ensurePGliteTemplate(): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const template = join(cacheDir, `pglite-template-${schemaFingerprint()}.tar`);
  const lock = `${template}.lock`;
  for (;;) {
    if (existsSync(template)) return template;
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Another process builds it; a lock older than two minutes was left by a killed process.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      const db = await PGliteDatabase.open();
      await migrateToLatest(db);
      const dump = await db.dump();
      await db.close();
      const tmp = `${template}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      // Rename is atomic: readers never see a half-written template.
      const { renameSync } = await import('node:fs');
      renameSync(tmp, template);
      return template;
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
}

/**
 * Storage for a test that runs the `shelfcast` CLI as a separate process: environment variables
 * pointing at a fresh, migrated database (a SHELFCAST_HOME seeded from the template, or a new
 * PostgreSQL database), and a cleanup function.
 */
export async function createTestStorageEnv(): Promise<{
  /** Always names a fresh SHELFCAST_HOME (pipeline runs, caches, artifacts), on both back ends. */
  env: Record<string, string> & { SHELFCAST_HOME: string };
  cleanup: () => Promise<void>;
}> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const home = mkdtempSync(join(tmpdir(), 'shelfcast-home-'));
  const removeHome = async () => rmSync(home, { recursive: true, force: true });
  const url = process.env.DATABASE_URL;
  if (url) {
    const { url: dbUrl, drop } = await createPostgresTestDatabase(url);
    return {
      env: { DATABASE_URL: dbUrl, SHELFCAST_HOME: home },
      cleanup: async () => {
        await drop();
        await removeHome();
      },
    };
  }
  const template = await ensurePGliteTemplate();
  const db = await PGliteDatabase.open({
    dataDir: join(home, 'pgdata'),
    loadDataDir: new Blob([readFileSync(template)]),
  });
  await db.close();
  return { env: { SHELFCAST_HOME: home }, cleanup: removeHome };
}

async function openPostgresTestDatabase(url: string): Promise<Database> {
  const { url: dbUrl, drop } = await createPostgresTestDatabase(url);
  const db = await PostgresDatabase.open(dbUrl, { max: 4 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      await drop();
    },
  });
}

async function createPostgresTestDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const templateName = `shelfcast_tpl_${schemaFingerprint()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `shelfcast_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query('SELECT pg_advisory_lock(727431002)');
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateName]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${templateName}`);
        const tpl = await PostgresDatabase.open(withDatabase(url, templateName), { max: 1 });
        try {
          await migrateToLatest(tpl);
        } finally {
          await tpl.close();
        }
      }
      // Cloning while holding the lock: CREATE DATABASE ... TEMPLATE fails if another session is cloning.
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(727431002)');
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(url, name),
    async drop() {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
