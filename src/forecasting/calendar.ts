/**
 * @module forecasting/calendar
 * Periods of a frequency: mapping dates to whole-number period indexes and back, inferring the
 * frequency of a panel from its dates, and the default season length per frequency.
 * Weeks keep the weekday of the data (a Monday series forecasts Mondays); months, quarters and
 * years keep the day of month of the data, or the month end when the data uses month ends.
 */
import type { Frequency } from '../models/model.js';
import { ForecastingError } from './forecasting-error.js';

const DAY_MS = 86_400_000;

/** Season length used when the caller gives none: weekly cycle in daily data, yearly otherwise. */
export const DEFAULT_SEASON_LENGTH: Readonly<Record<Frequency, number>> = { D: 7, W: 52, M: 12, Q: 4, Y: 1 };

const MONTHS_PER_PERIOD: Readonly<Record<'M' | 'Q' | 'Y', number>> = { M: 1, Q: 3, Y: 12 };

/** Parses `YYYY-MM-DD` (a time part after it is ignored) to days since 1970-01-01; NaN if invalid. */
export function parseDay(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return Number.NaN;
  return ms / DAY_MS;
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Converts dates to period indexes and back for one frequency. The anchor (weekday, month within a
 * quarter or year, day of month) is taken from the first date it sees, so all series of a panel align.
 *
 * @example
 * const cal = new PeriodCalendar('W', parseDay('2024-01-01'));
 * cal.dateOf(cal.indexOf(parseDay('2024-01-08')) + 1); // '2024-01-15'
 */
export class PeriodCalendar {
  readonly freq: Frequency;
  readonly #weekAnchor: number;
  readonly #monthAnchor: number;
  readonly #dayOfMonth: number | 'end';

  constructor(freq: Frequency, anchorDay: number) {
    this.freq = freq;
    this.#weekAnchor = ((anchorDay % 7) + 7) % 7;
    const d = new Date(anchorDay * DAY_MS);
    const monthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const k = freq === 'M' || freq === 'Q' || freq === 'Y' ? MONTHS_PER_PERIOD[freq] : 1;
    this.#monthAnchor = monthIndex % k;
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    this.#dayOfMonth =
      d.getUTCDate() === lastDay && lastDay !== 1 && d.getUTCDate() >= 28 ? 'end' : d.getUTCDate();
  }

  /** Period index of a day (days since epoch); days inside a period map to that period. */
  indexOf(day: number): number {
    switch (this.freq) {
      case 'D':
        return day;
      case 'W':
        return Math.floor((day - this.#weekAnchor) / 7);
      default: {
        const d = new Date(day * DAY_MS);
        const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
        return Math.floor((months - this.#monthAnchor) / MONTHS_PER_PERIOD[this.freq]);
      }
    }
  }

  /** ISO date of a period index. */
  dateOf(index: number): string {
    switch (this.freq) {
      case 'D':
        return formatDay(index);
      case 'W':
        return formatDay(index * 7 + this.#weekAnchor);
      default: {
        const months = index * MONTHS_PER_PERIOD[this.freq] + this.#monthAnchor;
        const year = Math.floor(months / 12);
        const month = months - year * 12;
        const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
        const day = this.#dayOfMonth === 'end' ? lastDay : Math.min(this.#dayOfMonth, lastDay);
        return formatDay(Date.UTC(year, month, day) / DAY_MS);
      }
    }
  }
}

/**
 * Infers the frequency from the most common gap between consecutive distinct dates of each series.
 * Throws FORECAST_FREQ_UNKNOWN when the gaps fit no frequency or there are too few dates.
 *
 * @example
 * inferFrequency([[parseDay('2024-01-01'), parseDay('2024-02-01'), parseDay('2024-03-01')]]); // 'M'
 */
export function inferFrequency(daysPerSeries: Iterable<readonly number[]>): Frequency {
  const counts = new Map<number, number>();
  for (const days of daysPerSeries) {
    const sorted = [...new Set(days)].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const gap = (sorted[i] as number) - (sorted[i - 1] as number);
      counts.set(gap, (counts.get(gap) ?? 0) + 1);
    }
  }
  let best = Number.NaN;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && gap < best)) {
      best = gap;
      bestCount = count;
    }
  }
  if (best === 1) return 'D';
  if (best === 7) return 'W';
  if (best >= 28 && best <= 31) return 'M';
  if (best >= 89 && best <= 92) return 'Q';
  if (best === 365 || best === 366) return 'Y';
  throw new ForecastingError(
    'FORECAST_FREQ_UNKNOWN',
    Number.isNaN(best)
      ? 'cannot infer the frequency: no series has two distinct dates; pass --freq D|W|M|Q|Y'
      : `cannot infer the frequency: the most common gap between dates is ${best} days; pass --freq D|W|M|Q|Y`,
  );
}

export function isFrequency(value: string): value is Frequency {
  return value === 'D' || value === 'W' || value === 'M' || value === 'Q' || value === 'Y';
}
