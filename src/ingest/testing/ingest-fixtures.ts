/**
 * @module ingest/testing/ingest-fixtures
 * Small catalog files for ingestion tests, written to a fresh temporary folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../io/testing/temp-dir.js';

export const STORES_CSV = `store_code,name,city,country,timezone,currency,opened_on,closed_on,format,size_sqm
BER1,Berlin Mitte,Berlin,DE,Europe/Berlin,EUR,2023-01-01,,small,80
TYO1,Shibuya,Tokyo,JP,Asia/Tokyo,JPY,2024-06-01,,kiosk,20
SYD1,Surry Hills,Sydney,AU,Australia/Sydney,AUD,2022-01-01,2024-03-31,medium,150
`;

export const PRODUCTS_CSV = `sku,name,category,unit,shelf_life_days,certifications,launched_on,discontinued_on
BRUSH-01,Bamboo toothbrush,personal care,piece,,fsc|vegan,,
COFFEE-01,Organic coffee 500 g,food,pack,365,fairtrade|organic,2023-03-01,
SOAP-01,Olive oil soap,personal care,piece,730,,,
`;

export const SUPPLIERS_CSV = `supplier_code,name,country,currency,contact_email
SUP-A,Green Goods GmbH,DE,EUR,orders@greengoods.example
SUP-B,Kyoto Craft,JP,JPY,
`;

/** A folder with the catalog files plus any extra files given by name; removed when the process exits. */
export function fixtureDir(extra: Record<string, string | Buffer> = {}): string {
  const dir = tempDir('ingest');
  writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
  writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
  writeFileSync(join(dir, 'suppliers.csv'), SUPPLIERS_CSV);
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  return dir;
}
