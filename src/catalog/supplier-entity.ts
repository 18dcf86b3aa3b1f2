/**
 * @module catalog/supplier-entity
 * Suppliers as an ingestible entity: `supplier_code,name,country,currency,contact_email`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const supplierEntity: EntitySpec = {
  name: 'suppliers',
  description: 'Suppliers: code, name, country (ISO 3166), currency (ISO 4217), contact e-mail.',
  columns: [
    { name: 'supplier_code', type: 'code', required: true },
    { name: 'name', type: 'text', required: true, maxLength: 200 },
    { name: 'country', type: 'country', required: true },
    { name: 'currency', type: 'currency', required: true },
    { name: 'contact_email', type: 'email', required: false },
  ],
  naturalKey: ['supplier_code'],
  needs: [],
  target: {
    table: 'suppliers',
    keyColumns: ['supplier_code'],
    valueColumns: ['name', 'country', 'currency', 'contact_email'],
    types: {
      supplier_code: 'text',
      name: 'text',
      country: 'char(2)',
      currency: 'char(3)',
      contact_email: 'text',
    },
    touchesUpdatedAt: true,
  },
  toTarget: (r) => [
    r.supplier_code as string,
    r.name as string,
    r.country as string,
    r.currency as string,
    r.contact_email as string | null,
  ],
};
