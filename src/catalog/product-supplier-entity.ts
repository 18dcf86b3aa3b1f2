/**
 * @module catalog/product-supplier-entity
 * Product–supplier terms as an ingestible entity:
 * `sku,supplier_code,lead_time_days,min_order_qty,pack_size,unit_cost,currency,is_primary`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const productSupplierEntity: EntitySpec = {
  name: 'product-suppliers',
  description:
    'Purchasing terms per product and supplier: lead time (days), minimum order quantity, pack size, unit cost, primary supplier.',
  columns: [
    { name: 'sku', type: 'code', required: true, ref: 'product' },
    { name: 'supplier_code', type: 'code', required: true, ref: 'supplier' },
    { name: 'lead_time_days', type: 'integer', required: true, min: 0, max: 365 },
    { name: 'min_order_qty', type: 'decimal', required: true, min: 0.001, max: 1_000_000 },
    { name: 'pack_size', type: 'decimal', required: true, min: 0.001, max: 100_000 },
    { name: 'unit_cost', type: 'decimal', required: true, min: 0, max: 1_000_000 },
    { name: 'currency', type: 'currency', required: true },
    { name: 'is_primary', type: 'boolean', required: false, default: false },
  ],
  naturalKey: ['sku', 'supplier_code'],
  needs: ['products', 'suppliers'],
  target: {
    table: 'product_suppliers',
    keyColumns: ['product_id', 'supplier_id'],
    valueColumns: ['lead_time_days', 'min_order_qty', 'pack_size', 'unit_cost', 'currency', 'is_primary'],
    types: {
      product_id: 'integer',
      supplier_id: 'integer',
      lead_time_days: 'integer',
      min_order_qty: 'numeric',
      pack_size: 'numeric',
      unit_cost: 'numeric',
      currency: 'char(3)',
      is_primary: 'boolean',
    },
    touchesUpdatedAt: true,
  },
  toTarget(r, { lookups }) {
    return [
      lookups.products.get(r.sku as string)!.id,
      lookups.suppliers.get(r.supplier_code as string)!,
      r.lead_time_days as number,
      r.min_order_qty as number,
      r.pack_size as number,
      r.unit_cost as number,
      r.currency as string,
      r.is_primary as boolean,
    ];
  },
};
