/**
 * @module sales/store-day-checks
 * Checks shared by facts recorded per store and day: the store was open, the day is not in the
 * future (in the store's own time zone).
 */
import type { RowIssue, StoreRef } from '../ingest/entity-spec.js';

export function checkStoreDay(
  store: StoreRef,
  storeCode: string,
  date: string,
  field = 'date',
): RowIssue | null {
  if (date > store.today) {
    return {
      field,
      code: 'FUTURE_DATE',
      reason: `${date} is in the future (today is ${store.today} in ${store.timezone})`,
    };
  }
  if (date < store.openedOn) {
    return {
      field,
      code: 'STORE_NOT_OPEN',
      reason: `store ${storeCode} opened on ${store.openedOn}, after ${date}`,
    };
  }
  if (store.closedOn && date > store.closedOn) {
    return {
      field,
      code: 'STORE_NOT_OPEN',
      reason: `store ${storeCode} closed on ${store.closedOn}, before ${date}`,
    };
  }
  return null;
}
