import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDay, inferFrequency, PeriodCalendar, parseDay } from './calendar.js';
import { ForecastingError } from './forecasting-error.js';

const days = (...dates: string[]) => dates.map(parseDay);

describe('calendar', () => {
  it('parses and formats ISO days, refusing impossible dates', () => {
    assert.equal(formatDay(parseDay('2024-02-29')), '2024-02-29');
    assert.equal(formatDay(parseDay('2024-02-29T10:00:00Z')), '2024-02-29');
    assert.ok(Number.isNaN(parseDay('2023-02-29')));
    assert.ok(Number.isNaN(parseDay('29.02.2024')));
  });

  it('infers the frequency from the most common gap, despite gaps', () => {
    assert.equal(inferFrequency([days('2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06')]), 'D');
    assert.equal(inferFrequency([days('2024-01-01', '2024-01-08', '2024-01-22', '2024-01-29')]), 'W');
    assert.equal(inferFrequency([days('2024-01-31', '2024-02-29', '2024-03-31')]), 'M');
    assert.equal(inferFrequency([days('2024-01-01', '2024-04-01', '2024-07-01')]), 'Q');
    assert.equal(inferFrequency([days('2022-01-01', '2023-01-01')]), 'Y');
    assert.throws(() => inferFrequency([days('2024-01-01', '2024-01-04', '2024-01-07')]), ForecastingError);
    assert.throws(() => inferFrequency([days('2024-01-01')]), /pass --freq/);
  });

  it('steps weeks on the data’s weekday', () => {
    const cal = new PeriodCalendar('W', parseDay('2024-01-03')); // a Wednesday
    const i = cal.indexOf(parseDay('2024-01-10'));
    assert.equal(cal.dateOf(i + 1), '2024-01-17');
    assert.equal(cal.indexOf(parseDay('2024-01-12')), i); // a Friday belongs to the week starting Wednesday
  });

  it('keeps month ends and days of month', () => {
    const ends = new PeriodCalendar('M', parseDay('2024-01-31'));
    assert.equal(ends.dateOf(ends.indexOf(parseDay('2024-01-31')) + 1), '2024-02-29');
    const firsts = new PeriodCalendar('M', parseDay('1998-01-01'));
    assert.equal(firsts.dateOf(firsts.indexOf(parseDay('2002-03-01')) + 1), '2002-04-01');
    const quarters = new PeriodCalendar('Q', parseDay('2024-02-15'));
    assert.equal(quarters.dateOf(quarters.indexOf(parseDay('2024-02-15')) + 1), '2024-05-15');
    const years = new PeriodCalendar('Y', parseDay('2020-01-01'));
    assert.equal(years.dateOf(years.indexOf(parseDay('2020-01-01')) + 2), '2022-01-01');
  });
});
