/**
 * @module catalog/store-entity
 * Stores as an ingestible entity:
 * `store_code,name,city,country,timezone,currency,opened_on,closed_on,format,size_sqm`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const STORE_FORMATS = ['kiosk', 'small', 'medium', 'flagship'] as const;

export const storeEntity: EntitySpec = {
  name: 'stores',
  description:
    'Stores: code, name, city, country (ISO 3166), IANA time zone, currency, opening and closing dates, format, size.',
  columns: [
    { name: 'store_code', type: 'code', required: true },
    { name: 'name', type: 'text', required: true, maxLength: 200 },
    { name: 'city', type: 'text', required: true, maxLength: 200 },
    { name: 'country', type: 'country', required: true },
    { name: 'timezone', type: 'timezone', required: true },
    { name: 'currency', type: 'currency', required: true },
    { name: 'opened_on', type: 'date', required: true },
    { name: 'closed_on', type: 'date', required: false },
    { name: 'format', type: 'enum', required: true, values: STORE_FORMATS },
    { name: 'size_sqm', type: 'decimal', required: false, min: 1, max: 100_000 },
  ],
  naturalKey: ['store_code'],
  needs: [],
  target: {
    table: 'stores',
    keyColumns: ['store_code'],
    valueColumns: [
      'name',
      'city',
      'country',
      'timezone',
      'currency',
      'opened_on',
      'closed_on',
      'format',
      'size_sqm',
    ],
    types: {
      store_code: 'text',
      name: 'text',
      city: 'text',
      country: 'char(2)',
      timezone: 'text',
      currency: 'char(3)',
      opened_on: 'date',
      closed_on: 'date',
      format: 'text',
      size_sqm: 'numeric',
    },
    touchesUpdatedAt: true,
  },
  toTarget(r) {
    const opened = r.opened_on as string;
    const closed = r.closed_on as string | null;
    if (closed && closed < opened) {
      return { field: 'closed_on', code: 'DATE_ORDER', reason: `${closed} is before opened_on ${opened}` };
    }
    return [
      r.store_code as string,
      r.name as string,
      r.city as string,
      r.country as string,
      r.timezone as string,
      r.currency as string,
      opened,
      closed,
      r.format as string,
      r.size_sqm as number | null,
    ];
  },
};
