import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  civilDate,
  dayNumber,
  dayOfYear,
  easterSunday,
  formatDay,
  nthWeekday,
  parseDay,
  weekday,
  weekdayOnOrAfter,
} from './calendar.js';

describe('calendar', () => {
  it('round-trips dates and rejects impossible or malformed ones', () => {
    for (const text of ['1999-12-31', '2000-02-29', '2024-02-29', '2025-11-28']) {
      const day = parseDay(text);
      assert.notEqual(day, undefined, text);
      assert.equal(formatDay(day as number), text);
    }
    for (const text of [
      '2025-02-30',
      '2023-02-29',
      '2025-13-01',
      'yesterday',
      '31/12/2024',
      '2025-1-05',
      '',
    ]) {
      assert.equal(parseDay(text), undefined, text);
    }
    assert.deepEqual(civilDate(dayNumber(2026, 11, 28)), { year: 2026, month: 11, day: 28 });
    assert.equal(dayOfYear(dayNumber(2024, 12, 31)), 365);
  });

  it('numbers weekdays from Monday', () => {
    assert.equal(weekday(dayNumber(2025, 11, 24)), 0); // a Monday
    assert.equal(weekday(dayNumber(2025, 11, 30)), 6); // a Sunday
    assert.equal(weekday(dayNumber(1969, 12, 29)), 0); // before the epoch
  });

  it('computes Gregorian Easter Sunday', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22',
      1943: '1943-04-25',
      2000: '2000-04-23',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2038: '2038-04-25',
    };
    for (const [year, date] of Object.entries(known))
      assert.equal(formatDay(easterSunday(Number(year))), date);
  });

  it('finds the n-th and the last weekday of a month', () => {
    assert.equal(formatDay(nthWeekday(2024, 11, 3, 4)), '2024-11-28'); // US Thanksgiving
    assert.equal(formatDay(nthWeekday(2025, 5, 0, -1)), '2025-05-26'); // last Monday in May
    assert.equal(formatDay(nthWeekday(2025, 9, 0, 1)), '2025-09-01'); // first Monday of September
    assert.equal(formatDay(weekdayOnOrAfter(dayNumber(2025, 6, 19), 4)), '2025-06-20');
  });
});
