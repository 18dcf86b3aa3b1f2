/**
 * @module features/holidays
 * Public-holiday features per country: whether a period contains a holiday and how many days lie
 * between a day and the next or the previous holiday.
 */

import { dayNumber } from './calendar.js';

/** Days beyond which "days to / since a holiday" is reported as this cap (the effect has faded). */
export const HOLIDAY_DISTANCE_CAP = 60;

/** Holidays of each country as sorted day numbers, for fast look-ups. */
export class HolidayCalendar {
  readonly #days = new Map<string, Int32Array>();

  /**
   * @example
   * const cal = new HolidayCalendar(new Map([['DE', new Set(['2024-12-25', '2024-12-26'])]]));
   */
  constructor(holidays: ReadonlyMap<string, ReadonlySet<string> | readonly string[]>) {
    for (const [country, dates] of holidays) {
      const days = Int32Array.from([...dates].map(dayNumber)).sort();
      this.#days.set(country, days);
    }
  }

  /** Whether holidays are known for the country (unknown → the features are missing, not zero). */
  has(country: string): boolean {
    return this.#days.has(country);
  }

  /** Holidays as ISO dates per country, for storing with a model. */
  toJson(): Record<string, number[]> {
    return Object.fromEntries([...this.#days].map(([c, d]) => [c, Array.from(d)]));
  }

  /** Rebuilds a calendar stored with {@link toJson}. */
  static fromJson(json: Record<string, number[]>): HolidayCalendar {
    const cal = new HolidayCalendar(new Map());
    for (const [c, d] of Object.entries(json)) cal.#days.set(c, Int32Array.from(d));
    return cal;
  }

  /** Index of the first holiday on or after `day`. */
  #firstFrom(days: Int32Array, day: number): number {
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (days[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Holiday features of the period [day, day + length): holidays in it, days from `day` to the next
   * holiday on or after it, days since the last holiday on or before it (both capped). NaN for a
   * country without holiday data.
   *
   * @example
   * cal.features('DE', dayNumber('2024-12-24'), 1); // { count: 0, daysToNext: 1, daysSinceLast: 60 }
   */
  features(
    country: string,
    day: number,
    length = 1,
  ): { count: number; daysToNext: number; daysSinceLast: number } {
    const days = this.#days.get(country);
    if (!days) return { count: Number.NaN, daysToNext: Number.NaN, daysSinceLast: Number.NaN };
    const i = this.#firstFrom(days, day);
    const j = this.#firstFrom(days, day + length);
    const next = days[i];
    const last = next === day ? day : days[i - 1];
    return {
      count: j - i,
      daysToNext: next === undefined ? HOLIDAY_DISTANCE_CAP : Math.min(HOLIDAY_DISTANCE_CAP, next - day),
      daysSinceLast: last === undefined ? HOLIDAY_DISTANCE_CAP : Math.min(HOLIDAY_DISTANCE_CAP, day - last),
    };
  }
}
