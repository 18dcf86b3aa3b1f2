/**
 * @module catalog/holiday-entity
 * Public holidays per country as an ingestible entity: `country,date,name`.
 */
import type { EntitySpec } from '../ingest/entity-spec.js';

export const holidayEntity: EntitySpec = {
  name: 'holidays',
  description: 'Public holidays: country (ISO 3166), date, name.',
  columns: [
    { name: 'country', type: 'country', required: true },
    { name: 'date', type: 'date', required: true },
    { name: 'name', type: 'text', required: true, maxLength: 200 },
  ],
  naturalKey: ['country', 'date'],
  needs: [],
  target: {
    table: 'holidays',
    keyColumns: ['country', 'holiday_date'],
    valueColumns: ['name'],
    types: { country: 'char(2)', holiday_date: 'date', name: 'text' },
  },
  toTarget: (r) => [r.country as string, r.date as string, r.name as string],
};
