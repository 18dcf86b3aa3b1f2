/**
 * @module auth/auth-error
 * Errors of API tokens and the audit log, each with a stable code and a message saying what to do.
 * The server maps `UNAUTHENTICATED` to 401 and `FORBIDDEN` to 403; the rest are bad input (400).
 */

export type AuthErrorCode =
  /** A role name that is not viewer, analyst or admin. */
  | 'INVALID_ROLE'
  /** A token name, actor or paging value out of range. */
  | 'INVALID_INPUT'
  /** No token, or one that is unknown, malformed or revoked. */
  | 'UNAUTHENTICATED'
  /** A valid token whose role is below what the operation needs. */
  | 'FORBIDDEN';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
