/**
 * @module catalog/catalog-error
 * Errors of the catalog store: a stable code for the server to map (INVALID → 400, CONFLICT → 409,
 * NOT_FOUND → 404) and, for bad input, one problem per field named by its JSON path.
 */

export type CatalogErrorCode =
  /** The body, a filter or a paging value is wrong; `problems` names each bad field. */
  | 'INVALID'
  /** A row with that code (or that sku and supplier) already exists. */
  | 'CONFLICT'
  /** The key is unknown, or the body refers to a product or supplier that is not in the catalog. */
  | 'NOT_FOUND';

export interface CatalogProblem {
  /** JSON path of the bad field: `pack_size`, `certifications[1]`; empty for the body as a whole. */
  path: string;
  message: string;
}

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    readonly problems: CatalogProblem[] = [],
  ) {
    super(message);
  }

  /** An INVALID error whose message lists every problem. */
  static invalid(what: string, problems: CatalogProblem[]): CatalogError {
    const list = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    return new CatalogError('INVALID', `${what} has ${count}: ${list}`, problems);
  }
}
