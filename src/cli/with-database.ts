/**
 * @module cli/with-database
 * Opens the configured storage for one command and always closes it, so the embedded database's
 * lock is released however the command ends.
 */
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';

export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
