/**
 * @module ingest/entities
 * Every ingestible entity by name. A new entity is a spec file in its domain folder plus one line here.
 */
import { holidayEntity } from '../catalog/holiday-entity.js';
import { productEntity } from '../catalog/product-entity.js';
import { productSupplierEntity } from '../catalog/product-supplier-entity.js';
import { storeEntity } from '../catalog/store-entity.js';
import { supplierEntity } from '../catalog/supplier-entity.js';
import { priceEntity } from '../sales/price-entity.js';
import { promotionEntity } from '../sales/promotion-entity.js';
import { salesEntity } from '../sales/sales-entity.js';
import { stockEntity } from '../sales/stock-entity.js';
import type { EntitySpec } from './entity-spec.js';
import { IngestError } from './ingest-error.js';

/** In dependency order: an entity only refers to entities before it. */
export const ENTITIES: readonly EntitySpec[] = [
  supplierEntity,
  productEntity,
  productSupplierEntity,
  storeEntity,
  holidayEntity,
  priceEntity,
  promotionEntity,
  salesEntity,
  stockEntity,
];

export function entitySpec(name: string): EntitySpec {
  const spec = ENTITIES.find((e) => e.name === name);
  if (!spec) {
    throw new IngestError(
      'UNKNOWN_ENTITY',
      `unknown entity '${name}'. Choose one of: ${ENTITIES.map((e) => e.name).join(', ')}.`,
    );
  }
  return spec;
}
