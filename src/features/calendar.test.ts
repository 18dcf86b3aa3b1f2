import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFeatures, dayNumber, isoDate, periodDay } from './calendar.js';
import { FeatureError } from './feature-error.js';
import { HolidayCalendar } from './holidays.js';

describe('calendar', () => {
  it('gives the calendar features of known dates', () => {
    assert.deepEqual(calendarFeatures(dayNumber('2024-02-29')), {
      dayOfWeek: 3,
      dayOfMonth: 29,
      month: 2,
      weekOfYear: 9,
      isWeekend: 0,
    });
    // Monday 30 Dec 2024 starts ISO week 1 of 2025; Sunday 1 Jan 2023 is in week 52 of 2022.
    assert.equal(calendarFeatures(dayNumber('2024-12-30')).weekOfYear, 1);
    assert.deepEqual(calendarFeatures(dayNumber('2023-01-01')), {
      dayOfWeek: 6,
      dayOfMonth: 1,
      month: 1,
      weekOfYear: 52,
      isWeekend: 1,
    });
    assert.equal(calendarFeatures(dayNumber('2021-01-03')).weekOfYear, 53);
    assert.equal(calendarFeatures(dayNumber('1969-12-28')).dayOfWeek, 6);
  });

  it('round-trips ISO dates and refuses impossible ones', () => {
    assert.equal(isoDate(dayNumber('2026-11-28')), '2026-11-28');
    assert.equal(dayNumber('1970-01-01'), 0);
    assert.throws(
      () => dayNumber('2024-02-30'),
      (e: unknown) => e instanceof FeatureError && e.code === 'FEATURE_BAD_DATE',
    );
    assert.throws(
      () => dayNumber('28.11.2026'),
      (e: unknown) => e instanceof FeatureError,
    );
  });

  it('steps through days, weeks and clamped months', () => {
    const jan31 = dayNumber('2024-01-31');
    assert.equal(isoDate(periodDay(jan31, 1, 'M')), '2024-02-29');
    assert.equal(isoDate(periodDay(jan31, 13, 'M')), '2025-02-28');
    assert.equal(isoDate(periodDay(jan31, 1, 'Q')), '2024-04-30');
    assert.equal(isoDate(periodDay(jan31, 2, 'W')), '2024-02-14');
    assert.equal(isoDate(periodDay(jan31, -1, 'D')), '2024-01-30');
  });
});

describe('holidays', () => {
  const cal = new HolidayCalendar(new Map([['DE', new Set(['2024-12-25', '2024-12-26', '2025-01-01'])]]));

  it('flags holidays and measures the distance to the next and the last', () => {
    assert.deepEqual(cal.features('DE', dayNumber('2024-12-25')), {
      count: 1,
      daysToNext: 0,
      daysSinceLast: 0,
    });
    assert.deepEqual(cal.features('DE', dayNumber('2024-12-20')), {
      count: 0,
      daysToNext: 5,
      daysSinceLast: 60,
    });
    assert.deepEqual(cal.features('DE', dayNumber('2024-12-28')), {
      count: 0,
      daysToNext: 4,
      daysSinceLast: 2,
    });
    // A week starting on 23 Dec holds two holidays.
    assert.equal(cal.features('DE', dayNumber('2024-12-23'), 7).count, 2);
  });

  it('reports missing (not zero) features for a country without data', () => {
    const f = cal.features('FR', dayNumber('2024-12-25'));
    assert.ok(Number.isNaN(f.count) && Number.isNaN(f.daysToNext));
    assert.equal(cal.has('FR'), false);
  });

  it('survives storage as JSON', () => {
    const back = HolidayCalendar.fromJson(JSON.parse(JSON.stringify(cal.toJson())));
    assert.deepEqual(
      back.features('DE', dayNumber('2024-12-30')),
      cal.features('DE', dayNumber('2024-12-30')),
    );
  });
});
