/**
 * @module sales/stock-entity
 * Stock snapshots per store, product and day: `store_code,sku,date,on_hand,on_order`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';
import { checkStoreDay } from './store-day-checks.js';

export const stockEntity: EntitySpec = {
  name: 'stock',
  description: 'Stock snapshots: store, SKU, date, units on hand and on order at the end of that day.',
  columns: [
    { name: 'store_code', type: 'code', required: true, ref: 'store' },
    { name: 'sku', type: 'code', required: true, ref: 'product' },
    { name: 'date', type: 'date', required: true },
    { name: 'on_hand', type: 'decimal', required: true, min: 0, max: 10_000_000 },
    { name: 'on_order', type: 'decimal', required: false, min: 0, max: 10_000_000, default: 0 },
  ],
  naturalKey: ['store_code', 'sku', 'date'],
  needs: ['stores', 'products'],
  target: {
    table: 'stock_snapshots',
    keyColumns: ['store_id', 'product_id', 'snapshot_date'],
    valueColumns: ['on_hand', 'on_order'],
    types: {
      store_id: 'integer',
      product_id: 'integer',
      snapshot_date: 'date',
      on_hand: 'numeric',
      on_order: 'numeric',
    },
  },
  toTarget(r, { lookups }) {
    const storeCode = r.store_code as string;
    const store = lookups.stores.get(storeCode)!;
    const date = r.date as string;
    const dayIssue = checkStoreDay(store, storeCode, date);
    if (dayIssue) return dayIssue;
    return [
      store.id,
      lookups.products.get(r.sku as string)!.id,
      date,
      r.on_hand as number,
      r.on_order as number,
    ];
  },
};
