/**
 * @module demo/calendar
 * Civil-date arithmetic on day numbers (days since 1970-01-01, UTC), the Gregorian Easter computus
 * and the "n-th weekday of a month" rules that moving holidays are built from.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of a civil date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Civil date of a day number. */
export function civilDate(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Formats a day number as `YYYY-MM-DD`.
 *
 * @example
 * formatDay(dayNumber(2025, 2, 28)); // '2025-02-28'
 */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Parses a strict `YYYY-MM-DD` date into a day number; `undefined` for anything else, including
 * impossible dates such as 2025-02-30.
 *
 * @example
 * parseDay('2024-02-29'); // 19782
 * parseDay('2025-02-30'); // undefined
 */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const n = dayNumber(year, month, day);
  const back = civilDate(n);
  return back.year === year && back.month === month && back.day === day ? n : undefined;
}

/** Day of week, 0 = Monday … 6 = Sunday (ISO order). 1970-01-01 was a Thursday. */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Day of year, 0 = 1 January. */
export function dayOfYear(day: number): number {
  return day - dayNumber(civilDate(day).year, 1, 1);
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian computus (Meeus/Jones/Butcher).
 *
 * @example
 * formatDay(easterSunday(2025)); // '2025-04-20'
 */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/**
 * The n-th given weekday (0 = Monday) of a month; n = -1 is the last one.
 *
 * @example
 * formatDay(nthWeekday(2025, 11, 3, 4)); // '2025-11-27', US Thanksgiving
 */
export function nthWeekday(year: number, month: number, wd: number, n: number): number {
  if (n > 0) {
    const first = dayNumber(year, month, 1);
    return first + ((wd - weekday(first) + 7) % 7) + 7 * (n - 1);
  }
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7) - 7 * (-n - 1);
}

/** The first given weekday on or after a date. */
export function weekdayOnOrAfter(day: number, wd: number): number {
  return day + ((wd - weekday(day) + 7) % 7);
}
