/**
 * @module sales/sales-entity
 * Daily sales per store and product as an ingestible entity:
 * `store_code,sku,date,units,revenue,price,on_promotion` (date is the store's local date).
 */
import type { EntitySpec } from '../ingest/entity-spec.js';
import { checkStoreDay } from './store-day-checks.js';

export const salesEntity: EntitySpec = {
  name: 'sales',
  description: 'Daily sales: store, SKU, local date, units, revenue, shelf price, promotion flag.',
  columns: [
    { name: 'store_code', type: 'code', required: true, ref: 'store' },
    { name: 'sku', type: 'code', required: true, ref: 'product' },
    { name: 'date', type: 'date', required: true },
    { name: 'units', type: 'decimal', required: true, min: 0 },
    { name: 'revenue', type: 'decimal', required: false, min: 0 },
    { name: 'price', type: 'decimal', required: false, min: 0 },
    { name: 'on_promotion', type: 'boolean', required: false, default: false },
  ],
  naturalKey: ['store_code', 'sku', 'date'],
  needs: ['stores', 'products'],
  target: {
    table: 'sales',
    keyColumns: ['store_id', 'product_id', 'sale_date'],
    valueColumns: ['units', 'revenue', 'price', 'on_promotion'],
    types: {
      store_id: 'integer',
      product_id: 'integer',
      sale_date: 'date',
      units: 'numeric',
      revenue: 'numeric',
      price: 'numeric',
      on_promotion: 'boolean',
    },
  },
  toTarget(r, { lookups, limits }) {
    const storeCode = r.store_code as string;
    const store = lookups.stores.get(storeCode)!;
    const date = r.date as string;
    const units = r.units as number;
    if (units > limits.maxUnitsPerDay) {
      return {
        field: 'units',
        code: 'ABSURD_VALUE',
        reason: `${units} units in one day is above the plausible maximum ${limits.maxUnitsPerDay}`,
      };
    }
    const dayIssue = checkStoreDay(store, storeCode, date);
    if (dayIssue) return dayIssue;
    return [
      store.id,
      lookups.products.get(r.sku as string)!.id,
      date,
      units,
      r.revenue as number | null,
      r.price as number | null,
      r.on_promotion as boolean,
    ];
  },
};
