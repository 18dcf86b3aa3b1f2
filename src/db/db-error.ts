/**
 * @module db/db-error
 * Errors about reaching or preparing the database, with what the user can do next.
 */

export type DbErrorCode = 'DB_UNREACHABLE' | 'DB_LOCKED' | 'DB_MIGRATION_FAILED' | 'DB_NEWER_SCHEMA';

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
