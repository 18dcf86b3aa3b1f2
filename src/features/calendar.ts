/**
 * @module features/calendar
 * Dates as whole days since 1970-01-01 (UTC, no time zone can shift a day) and the calendar
 * features of a day: day of week, day of month, month, ISO week of year, weekend flag.
 */

import type { Frequency } from '../models/model.js';
import { FeatureError } from './feature-error.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses `YYYY-MM-DD` into days since 1970-01-01.
 *
 * @example
 * dayNumber('1970-01-02'); // 1
 */
export function dayNumber(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new FeatureError('FEATURE_BAD_DATE', `'${iso}' is not an ISO date; write it as YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new FeatureError('FEATURE_BAD_DATE', `'${iso}' is not a real calendar date`);
  }
  return Math.round(ms / MS_PER_DAY);
}

/**
 * Formats days since 1970-01-01 as `YYYY-MM-DD`.
 *
 * @example
 * isoDate(0); // '1970-01-01'
 */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Day number of period `step` of a series that starts on `startDay`: days for 'D', weeks for 'W',
 * calendar months (day of month clamped, so Jan 31 + 1 month = Feb 28/29) for 'M', 'Q', 'Y'.
 *
 * @example
 * periodDay(dayNumber('2024-01-31'), 1, 'M') === dayNumber('2024-02-29');
 */
export function periodDay(startDay: number, step: number, freq: Frequency): number {
  if (freq === 'D') return startDay + step;
  if (freq === 'W') return startDay + 7 * step;
  const months = step * (freq === 'M' ? 1 : freq === 'Q' ? 3 : 12);
  const d = new Date(startDay * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const daysInMonth = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return Math.round(Date.UTC(targetYear, targetMonth, Math.min(d.getUTCDate(), daysInMonth)) / MS_PER_DAY);
}

/** Length in days of the period that starts on `day` (for counting holidays in a week or month). */
export function periodLength(day: number, freq: Frequency): number {
  return periodDay(day, 1, freq) - day;
}

export interface CalendarFeatures {
  /** 0 = Monday … 6 = Sunday (ISO order). */
  dayOfWeek: number;
  dayOfMonth: number;
  /** 1 = January … 12 = December. */
  month: number;
  /** ISO 8601 week number, 1–53. */
  weekOfYear: number;
  /** 1 on Saturday and Sunday, else 0. */
  isWeekend: number;
}

/**
 * Calendar features of one day.
 *
 * @example
 * calendarFeatures(dayNumber('2024-12-30'));
 * // { dayOfWeek: 0, dayOfMonth: 30, month: 12, weekOfYear: 1, isWeekend: 0 } (ISO week 1 of 2025)
 */
export function calendarFeatures(day: number): CalendarFeatures {
  const d = new Date(day * MS_PER_DAY);
  // 1970-01-01 was a Thursday (ISO index 3).
  const dayOfWeek = (((day + 3) % 7) + 7) % 7;
  // ISO week: the week belongs to the year of its Thursday.
  const thursday = day - dayOfWeek + 3;
  const thursdayYear = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const jan1 = Math.round(Date.UTC(thursdayYear, 0, 1) / MS_PER_DAY);
  return {
    dayOfWeek,
    dayOfMonth: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    weekOfYear: Math.floor((thursday - jan1) / 7) + 1,
    isWeekend: dayOfWeek >= 5 ? 1 : 0,
  };
}
