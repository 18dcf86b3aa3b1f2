import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayNumber, formatDay, weekday } from './calendar.js';
import { HOLIDAY_COUNTRIES, holidaysBetween } from './holidays.js';
import { MARKETS } from './markets.js';

function dates(country: string, year: number, name: string): string[] {
  return holidaysBetween(country, dayNumber(year, 1, 1), dayNumber(year, 12, 31))
    .filter((h) => h.name === name)
    .map((h) => formatDay(h.day));
}

describe('holidays', () => {
  it('has rules for every market', () => {
    for (const m of MARKETS) assert.ok(HOLIDAY_COUNTRIES.includes(m.country), m.country);
  });

  it('places Easter-based holidays from the computus', () => {
    assert.deepEqual(dates('DE', 2025, 'Good Friday'), ['2025-04-18']);
    assert.deepEqual(dates('DE', 2025, 'Ascension Day'), ['2025-05-29']);
    assert.deepEqual(dates('DE', 2024, 'Whit Monday'), ['2024-05-20']);
    assert.deepEqual(dates('BR', 2025, 'Carnival Monday'), ['2025-03-03']);
    assert.deepEqual(dates('BR', 2025, 'Corpus Christi'), ['2025-06-19']);
    assert.deepEqual(dates('ZA', 2024, 'Family Day'), ['2024-04-01']);
  });

  it('places moving holidays', () => {
    assert.deepEqual(dates('US', 2025, 'Thanksgiving Day'), ['2025-11-27']);
    assert.deepEqual(dates('US', 2024, 'Memorial Day'), ['2024-05-27']);
    assert.deepEqual(dates('CA', 2025, 'Thanksgiving'), ['2025-10-13']);
    assert.deepEqual(dates('CA', 2025, 'Victoria Day'), ['2025-05-19']);
    assert.deepEqual(dates('SE', 2025, 'Midsummer Eve'), ['2025-06-20']);
    assert.deepEqual(dates('JP', 2025, 'Vernal Equinox Day'), ['2025-03-20']);
    assert.deepEqual(dates('JP', 2024, 'Autumnal Equinox Day'), ['2024-09-22']);
    assert.deepEqual(dates('NL', 2025, "King's Day"), ['2025-04-26']); // 27 April 2025 is a Sunday
  });

  it('adds substitute days when a holiday falls on a weekend', () => {
    // 2021: Christmas on Saturday, Boxing Day on Sunday → Monday 27 and Tuesday 28 December.
    assert.deepEqual(dates('GB', 2021, 'Christmas Day (substitute day)'), ['2021-12-27']);
    assert.deepEqual(dates('GB', 2021, 'Boxing Day (substitute day)'), ['2021-12-28']);
    // ZA moves a Sunday holiday to the Monday: Freedom Day 2025 was a Sunday.
    assert.deepEqual(dates('ZA', 2025, 'Freedom Day (substitute day)'), ['2025-04-28']);
    for (const h of holidaysBetween('GB', dayNumber(2020, 1, 1), dayNumber(2026, 12, 31))) {
      if (h.name.endsWith('(substitute day)')) assert.ok(weekday(h.day) < 5, formatDay(h.day));
    }
  });

  it('lists only days inside the range, sorted, across year boundaries', () => {
    const from = dayNumber(2024, 12, 20);
    const to = dayNumber(2025, 1, 10);
    const list = holidaysBetween('SE', from, to);
    assert.deepEqual(
      list.map((h) => `${formatDay(h.day)} ${h.name}`),
      [
        '2024-12-24 Christmas Eve',
        '2024-12-25 Christmas Day',
        "2024-12-26 St Stephen's Day",
        "2024-12-31 New Year's Eve",
        "2025-01-01 New Year's Day",
        '2025-01-06 Epiphany',
      ],
    );
    assert.ok(list.every((h) => h.day >= from && h.day <= to));
  });
});
