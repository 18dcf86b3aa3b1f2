/**
 * @module auth/roles
 * The roles an API token carries, from least to most trusted: `viewer` reads, `analyst` also ingests
 * and trains, `admin` also promotes models and manages tokens.
 */

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Whether a token holding `has` may do what needs `needs`: each role includes the ones before it.
 *
 * @example
 * roleAllows('admin', 'analyst'); // true
 * roleAllows('viewer', 'analyst'); // false
 */
export function roleAllows(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}
