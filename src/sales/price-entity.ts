/**
 * @module sales/price-entity
 * Price lists per product and country over time: `sku,country,valid_from,price,currency`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const priceEntity: EntitySpec = {
  name: 'prices',
  description: 'Price list: SKU, country, valid-from date, shelf price, currency.',
  columns: [
    { name: 'sku', type: 'code', required: true, ref: 'product' },
    { name: 'country', type: 'country', required: true },
    { name: 'valid_from', type: 'date', required: true },
    { name: 'price', type: 'decimal', required: true, min: 0, max: 10_000_000 },
    { name: 'currency', type: 'currency', required: true },
  ],
  naturalKey: ['sku', 'country', 'valid_from'],
  needs: ['products'],
  target: {
    table: 'prices',
    keyColumns: ['product_id', 'country', 'valid_from'],
    valueColumns: ['price', 'currency'],
    types: {
      product_id: 'integer',
      country: 'char(2)',
      valid_from: 'date',
      price: 'numeric',
      currency: 'char(3)',
    },
  },
  toTarget: (r, { lookups }) => [
    lookups.products.get(r.sku as string)!.id,
    r.country as string,
    r.valid_from as string,
    r.price as number,
    r.currency as string,
  ],
};
