/**
 * @module catalog/product-entity
 * Products as an ingestible entity:
 * `sku,name,category,unit,shelf_life_days,certifications,launched_on,discontinued_on`.
 */
import { textArrayLiteral } from '../db/database.js';
import type { EntitySpec } from '../ingest/entity-spec.js';

export const PRODUCT_UNITS = ['piece', 'kg', 'litre', 'pack'] as const;

export const productEntity: EntitySpec = {
  name: 'products',
  description:
    'Products: SKU, name, category, unit, shelf life, certifications (pipe-separated), launch and discontinuation dates.',
  columns: [
    { name: 'sku', type: 'code', required: true },
    { name: 'name', type: 'text', required: true, maxLength: 200 },
    { name: 'category', type: 'text', required: true, maxLength: 100 },
    { name: 'unit', type: 'enum', required: true, values: PRODUCT_UNITS },
    { name: 'shelf_life_days', type: 'integer', required: false, min: 1, max: 36_500 },
    { name: 'certifications', type: 'list', required: false },
    { name: 'launched_on', type: 'date', required: false },
    { name: 'discontinued_on', type: 'date', required: false },
  ],
  naturalKey: ['sku'],
  needs: [],
  target: {
    table: 'products',
    keyColumns: ['sku'],
    valueColumns: [
      'name',
      'category',
      'unit',
      'shelf_life_days',
      'certifications',
      'launched_on',
      'discontinued_on',
    ],
    types: {
      sku: 'text',
      name: 'text',
      category: 'text',
      unit: 'text',
      shelf_life_days: 'integer',
      certifications: 'text[]',
      launched_on: 'date',
      discontinued_on: 'date',
    },
    touchesUpdatedAt: true,
  },
  toTarget(r) {
    const launched = r.launched_on as string | null;
    const discontinued = r.discontinued_on as string | null;
    if (launched && discontinued && discontinued < launched) {
      return {
        field: 'discontinued_on',
        code: 'DATE_ORDER',
        reason: `${discontinued} is before launched_on ${launched}`,
      };
    }
    return [
      r.sku as string,
      r.name as string,
      r.category as string,
      r.unit as string,
      r.shelf_life_days as number | null,
      textArrayLiteral((r.certifications as readonly string[] | null) ?? []),
      launched,
      discontinued,
    ];
  },
};
