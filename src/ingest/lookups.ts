/**
 * @module ingest/lookups
 * Loads the catalog codes a batch may refer to (code → id and the attributes row checks need).
 */
import type { Queryable } from '../db/database.js';
import { localDate } from '../validation/iso-codes.js';
import type { EntitySpec, Lookups, ProductRef, StoreRef } from './entity-spec.js';

export async function loadLookups(db: Queryable, needs: EntitySpec['needs'], now: Date): Promise<Lookups> {
  const lookups: Lookups = { stores: new Map(), products: new Map(), suppliers: new Map() };
  if (needs.includes('stores')) {
    const rows = await db.query<{
      store_id: number;
      store_code: string;
      country: string;
      timezone: string;
      opened_on: string;
      closed_on: string | null;
    }>('SELECT store_id, store_code, country, timezone, opened_on, closed_on FROM stores');
    const todayByZone = new Map<string, string>();
    for (const r of rows) {
      let today = todayByZone.get(r.timezone);
      if (today === undefined) todayByZone.set(r.timezone, (today = localDate(r.timezone, now)));
      const ref: StoreRef = {
        id: r.store_id,
        country: r.country,
        timezone: r.timezone,
        openedOn: r.opened_on,
        closedOn: r.closed_on,
        today,
      };
      lookups.stores.set(r.store_code, ref);
    }
  }
  if (needs.includes('products')) {
    const rows = await db.query<{
      product_id: number;
      sku: string;
      launched_on: string | null;
      discontinued_on: string | null;
    }>('SELECT product_id, sku, launched_on, discontinued_on FROM products');
    for (const r of rows) {
      const ref: ProductRef = {
        id: r.product_id,
        launchedOn: r.launched_on,
        discontinuedOn: r.discontinued_on,
      };
      lookups.products.set(r.sku, ref);
    }
  }
  if (needs.includes('suppliers')) {
    const rows = await db.query<{ supplier_id: number; supplier_code: string }>(
      'SELECT supplier_id, supplier_code FROM suppliers',
    );
    for (const r of rows) lookups.suppliers.set(r.supplier_code, r.supplier_id);
  }
  return lookups;
}
