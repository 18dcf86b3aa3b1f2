/**
 * @module sales/promotion-entity
 * Promotions per store and product: `store_code,sku,start_date,end_date,discount_pct,kind`.
 * Future dates are normal here: promotions are planned ahead.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const promotionEntity: EntitySpec = {
  name: 'promotions',
  description:
    'Promotions: store, SKU, first and last day, discount in percent, kind (price_cut, bundle, display, ...).',
  columns: [
    { name: 'store_code', type: 'code', required: true, ref: 'store' },
    { name: 'sku', type: 'code', required: true, ref: 'product' },
    { name: 'start_date', type: 'date', required: true },
    { name: 'end_date', type: 'date', required: true },
    { name: 'discount_pct', type: 'decimal', required: true, min: 0, max: 100 },
    { name: 'kind', type: 'text', required: true, maxLength: 50 },
  ],
  naturalKey: ['store_code', 'sku', 'start_date'],
  needs: ['stores', 'products'],
  target: {
    table: 'promotions',
    keyColumns: ['store_id', 'product_id', 'start_date'],
    valueColumns: ['end_date', 'discount_pct', 'kind'],
    types: {
      store_id: 'integer',
      product_id: 'integer',
      start_date: 'date',
      end_date: 'date',
      discount_pct: 'numeric',
      kind: 'text',
    },
  },
  toTarget(r, { lookups }) {
    const start = r.start_date as string;
    const end = r.end_date as string;
    if (end < start)
      return { field: 'end_date', code: 'DATE_ORDER', reason: `${end} is before start_date ${start}` };
    return [
      lookups.stores.get(r.store_code as string)!.id,
      lookups.products.get(r.sku as string)!.id,
      start,
      end,
      r.discount_pct as number,
      r.kind as string,
    ];
  },
};
