/**
 * @module demo/holidays
 * Public holidays of the demo markets: fixed dates, Easter-based dates from the Gregorian computus,
 * n-th-weekday rules (Thanksgiving, bank holidays), Japan's equinox days and the substitute-day rules
 * of GB and ZA. Each holiday says whether the chain's shops close and how demand changes otherwise.
 * Lunar-calendar holidays (Diwali, ...) are not modelled.
 */
import { dayNumber, easterSunday, nthWeekday, weekday, weekdayOnOrAfter } from './calendar.js';

export interface Holiday {
  country: string;
  day: number;
  name: string;
  /** The chain's shops in this country are closed that day. */
  closed: boolean;
  /** Demand multiplier when open (shorter hours, fewer commuters, or a shopping day). */
  demand: number;
}

type DateRule = (year: number) => number | undefined;
interface HolidayRule {
  name: string;
  date: DateRule;
  closed?: boolean;
  demand?: number;
  /** Moved to the next free weekday when it falls on a weekend (GB, ZA Sunday rule). */
  substitute?: 'weekend' | 'sunday';
}

const fixed =
  (month: number, day: number): DateRule =>
  (y) =>
    dayNumber(y, month, day);
const easter =
  (offset: number): DateRule =>
  (y) =>
    easterSunday(y) + offset;
const nth =
  (month: number, wd: number, n: number): DateRule =>
  (y) =>
    nthWeekday(y, month, wd, n);
const from =
  (firstYear: number, rule: DateRule): DateRule =>
  (y) =>
    y >= firstYear ? rule(y) : undefined;

// Japan's equinox days, by the standard approximation valid for 1980–2099.
const vernalEquinox: DateRule = (y) =>
  dayNumber(y, 3, Math.floor(20.8431 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4)));
const autumnalEquinox: DateRule = (y) =>
  dayNumber(y, 9, Math.floor(23.2488 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4)));

const RULES: Readonly<Record<string, readonly HolidayRule[]>> = {
  DE: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Good Friday', date: easter(-2), closed: true },
    { name: 'Easter Monday', date: easter(1), closed: true },
    { name: 'Labour Day', date: fixed(5, 1), closed: true },
    { name: 'Ascension Day', date: easter(39), closed: true },
    { name: 'Whit Monday', date: easter(50), closed: true },
    { name: 'German Unity Day', date: fixed(10, 3), closed: true },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
    { name: "St Stephen's Day", date: fixed(12, 26), closed: true },
  ],
  FR: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Easter Monday', date: easter(1), demand: 0.7 },
    { name: 'Labour Day', date: fixed(5, 1), closed: true },
    { name: 'Victory in Europe Day', date: fixed(5, 8), demand: 0.75 },
    { name: 'Ascension Day', date: easter(39), demand: 0.75 },
    { name: 'Whit Monday', date: easter(50), demand: 0.8 },
    { name: 'Bastille Day', date: fixed(7, 14), demand: 0.6 },
    { name: 'Assumption of Mary', date: fixed(8, 15), demand: 0.65 },
    { name: "All Saints' Day", date: fixed(11, 1), demand: 0.7 },
    { name: 'Armistice Day', date: fixed(11, 11), demand: 0.75 },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
  ],
  NL: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Good Friday', date: easter(-2), demand: 0.9 },
    { name: 'Easter Sunday', date: easter(0), closed: true },
    { name: 'Easter Monday', date: easter(1), demand: 0.8 },
    {
      name: "King's Day",
      // Moved to the 26th when the 27th is a Sunday.
      date: (y) => (weekday(dayNumber(y, 4, 27)) === 6 ? dayNumber(y, 4, 26) : dayNumber(y, 4, 27)),
      demand: 0.6,
    },
    { name: 'Liberation Day', date: fixed(5, 5), demand: 0.85 },
    { name: 'Ascension Day', date: easter(39), demand: 0.8 },
    { name: 'Whit Sunday', date: easter(49), demand: 0.7 },
    { name: 'Whit Monday', date: easter(50), demand: 0.8 },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
    { name: 'Second Day of Christmas', date: fixed(12, 26), demand: 0.7 },
  ],
  SE: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Epiphany', date: fixed(1, 6), demand: 0.75 },
    { name: 'Good Friday', date: easter(-2), demand: 0.6 },
    { name: 'Easter Monday', date: easter(1), demand: 0.7 },
    { name: 'May Day', date: fixed(5, 1), demand: 0.7 },
    { name: 'Ascension Day', date: easter(39), demand: 0.75 },
    { name: 'National Day of Sweden', date: fixed(6, 6), demand: 0.8 },
    { name: 'Midsummer Eve', date: (y) => weekdayOnOrAfter(dayNumber(y, 6, 19), 4), closed: true },
    { name: 'Midsummer Day', date: (y) => weekdayOnOrAfter(dayNumber(y, 6, 20), 5), demand: 0.6 },
    { name: "All Saints' Day", date: (y) => weekdayOnOrAfter(dayNumber(y, 10, 31), 5), demand: 0.8 },
    { name: 'Christmas Eve', date: fixed(12, 24), closed: true },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
    { name: "St Stephen's Day", date: fixed(12, 26), demand: 0.8 },
    { name: "New Year's Eve", date: fixed(12, 31), demand: 0.6 },
  ],
  GB: [
    { name: "New Year's Day", date: fixed(1, 1), substitute: 'weekend', demand: 0.6 },
    { name: 'Good Friday', date: easter(-2), demand: 0.85 },
    { name: 'Easter Monday', date: easter(1), demand: 0.85 },
    { name: 'Early May Bank Holiday', date: nth(5, 0, 1), demand: 0.9 },
    { name: 'Spring Bank Holiday', date: nth(5, 0, -1), demand: 0.9 },
    { name: 'Summer Bank Holiday', date: nth(8, 0, -1), demand: 0.9 },
    { name: 'Christmas Day', date: fixed(12, 25), substitute: 'weekend', closed: true },
    { name: 'Boxing Day', date: fixed(12, 26), substitute: 'weekend', demand: 1.2 },
  ],
  US: [
    { name: "New Year's Day", date: fixed(1, 1), demand: 0.6 },
    { name: 'Martin Luther King Jr. Day', date: nth(1, 0, 3), demand: 0.95 },
    { name: "Washington's Birthday", date: nth(2, 0, 3), demand: 1.05 },
    { name: 'Memorial Day', date: nth(5, 0, -1), demand: 1.1 },
    { name: 'Juneteenth', date: fixed(6, 19), demand: 0.95 },
    { name: 'Independence Day', date: fixed(7, 4), demand: 0.6 },
    { name: 'Labor Day', date: nth(9, 0, 1), demand: 1.05 },
    { name: 'Columbus Day', date: nth(10, 0, 2), demand: 0.95 },
    { name: 'Veterans Day', date: fixed(11, 11), demand: 0.95 },
    { name: 'Thanksgiving Day', date: nth(11, 3, 4), closed: true },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
  ],
  CA: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Good Friday', date: easter(-2), demand: 0.7 },
    { name: 'Easter Monday', date: easter(1), demand: 0.9 },
    // The Monday before 25 May.
    { name: 'Victoria Day', date: (y) => weekdayOnOrAfter(dayNumber(y, 5, 18), 0), demand: 0.85 },
    { name: 'Canada Day', date: fixed(7, 1), demand: 0.6 },
    { name: 'Civic Holiday', date: nth(8, 0, 1), demand: 0.85 },
    { name: 'Labour Day', date: nth(9, 0, 1), demand: 0.8 },
    { name: 'National Day for Truth and Reconciliation', date: from(2021, fixed(9, 30)), demand: 0.9 },
    { name: 'Thanksgiving', date: nth(10, 0, 2), demand: 0.65 },
    { name: 'Remembrance Day', date: fixed(11, 11), demand: 0.9 },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
    { name: 'Boxing Day', date: fixed(12, 26), demand: 1.25 },
  ],
  JP: [
    { name: "New Year's Day", date: fixed(1, 1), closed: true },
    { name: 'Coming of Age Day', date: nth(1, 0, 2), demand: 1.1 },
    { name: 'National Foundation Day', date: fixed(2, 11), demand: 1.1 },
    { name: "The Emperor's Birthday", date: fixed(2, 23), demand: 1.1 },
    { name: 'Vernal Equinox Day', date: vernalEquinox, demand: 1.1 },
    { name: 'Showa Day', date: fixed(4, 29), demand: 1.15 },
    { name: 'Constitution Memorial Day', date: fixed(5, 3), demand: 1.2 },
    { name: 'Greenery Day', date: fixed(5, 4), demand: 1.2 },
    { name: "Children's Day", date: fixed(5, 5), demand: 1.15 },
    { name: 'Marine Day', date: nth(7, 0, 3), demand: 1.1 },
    { name: 'Mountain Day', date: fixed(8, 11), demand: 1.05 },
    { name: 'Respect for the Aged Day', date: nth(9, 0, 3), demand: 1.05 },
    { name: 'Autumnal Equinox Day', date: autumnalEquinox, demand: 1.05 },
    { name: 'Sports Day', date: nth(10, 0, 2), demand: 1.1 },
    { name: 'Culture Day', date: fixed(11, 3), demand: 1.1 },
    { name: 'Labour Thanksgiving Day', date: fixed(11, 23), demand: 1.1 },
  ],
  AU: [
    { name: "New Year's Day", date: fixed(1, 1), demand: 0.6 },
    { name: 'Australia Day', date: fixed(1, 26), demand: 0.8 },
    { name: 'Good Friday', date: easter(-2), closed: true },
    { name: 'Easter Saturday', date: easter(-1), demand: 1.15 },
    { name: 'Easter Monday', date: easter(1), demand: 0.8 },
    { name: 'Anzac Day', date: fixed(4, 25), demand: 0.6 },
    { name: "King's Birthday", date: nth(6, 0, 2), demand: 0.9 },
    { name: 'Labour Day', date: nth(10, 0, 1), demand: 0.9 },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
    { name: 'Boxing Day', date: fixed(12, 26), demand: 1.3 },
  ],
  BR: [
    { name: 'Confraternização Universal', date: fixed(1, 1), closed: true },
    { name: 'Carnival Monday', date: easter(-48), demand: 0.6 },
    { name: 'Carnival Tuesday', date: easter(-47), demand: 0.55 },
    { name: 'Good Friday', date: easter(-2), demand: 0.6 },
    { name: 'Tiradentes', date: fixed(4, 21), demand: 0.8 },
    { name: 'Labour Day', date: fixed(5, 1), demand: 0.6 },
    { name: 'Corpus Christi', date: easter(60), demand: 0.8 },
    { name: 'Independence Day', date: fixed(9, 7), demand: 0.75 },
    { name: 'Our Lady of Aparecida', date: fixed(10, 12), demand: 0.8 },
    { name: "All Souls' Day", date: fixed(11, 2), demand: 0.8 },
    { name: 'Proclamation of the Republic', date: fixed(11, 15), demand: 0.8 },
    { name: 'Black Consciousness Day', date: from(2024, fixed(11, 20)), demand: 0.85 },
    { name: 'Christmas Day', date: fixed(12, 25), closed: true },
  ],
  ZA: [
    { name: "New Year's Day", date: fixed(1, 1), substitute: 'sunday', closed: true },
    { name: 'Human Rights Day', date: fixed(3, 21), substitute: 'sunday', demand: 0.8 },
    { name: 'Good Friday', date: easter(-2), demand: 0.7 },
    { name: 'Family Day', date: easter(1), demand: 0.8 },
    { name: 'Freedom Day', date: fixed(4, 27), substitute: 'sunday', demand: 0.8 },
    { name: "Workers' Day", date: fixed(5, 1), substitute: 'sunday', demand: 0.8 },
    { name: 'Youth Day', date: fixed(6, 16), substitute: 'sunday', demand: 0.85 },
    { name: "National Women's Day", date: fixed(8, 9), substitute: 'sunday', demand: 0.85 },
    { name: 'Heritage Day', date: fixed(9, 24), substitute: 'sunday', demand: 0.85 },
    { name: 'Day of Reconciliation', date: fixed(12, 16), substitute: 'sunday', demand: 1.05 },
    { name: 'Christmas Day', date: fixed(12, 25), substitute: 'sunday', closed: true },
    { name: 'Day of Goodwill', date: fixed(12, 26), substitute: 'sunday', demand: 1.1 },
  ],
  IN: [
    { name: 'Republic Day', date: fixed(1, 26), demand: 0.8 },
    { name: 'Good Friday', date: easter(-2), demand: 0.95 },
    { name: 'Independence Day', date: fixed(8, 15), demand: 0.8 },
    { name: 'Gandhi Jayanti', date: fixed(10, 2), demand: 0.85 },
    { name: 'Christmas Day', date: fixed(12, 25), demand: 1.1 },
  ],
};

/** Countries with holiday rules (every market of the demo chain). */
export const HOLIDAY_COUNTRIES: readonly string[] = Object.keys(RULES);

/**
 * Public holidays of a country between two day numbers (both included), sorted by date. Substitute
 * days ("Christmas Day (substitute day)") are listed under their own name.
 *
 * @example
 * holidaysBetween('US', dayNumber(2025, 1, 1), dayNumber(2025, 12, 31))
 *   .find((h) => h.name === 'Thanksgiving Day'); // day of 2025-11-27, closed: true
 */
export function holidaysBetween(country: string, firstDay: number, lastDay: number): Holiday[] {
  const rules = RULES[country];
  if (!rules) throw new RangeError(`no holiday rules for country ${country}`);
  const firstYear = new Date(firstDay * 86_400_000).getUTCFullYear();
  const lastYear = new Date(lastDay * 86_400_000).getUTCFullYear();
  const out: Holiday[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    const taken = new Set<number>();
    const yearHolidays: Holiday[] = [];
    for (const rule of rules) {
      const day = rule.date(year);
      if (day === undefined) continue;
      yearHolidays.push({
        country,
        day,
        name: rule.name,
        closed: rule.closed ?? false,
        demand: rule.demand ?? 1,
      });
      taken.add(day);
    }
    // Substitutes are placed after all regular dates are known, so Boxing Day's substitute skips
    // the Monday already taken by Christmas Day's substitute.
    for (const rule of rules) {
      if (!rule.substitute) continue;
      const day = rule.date(year);
      if (day === undefined) continue;
      const wd = weekday(day);
      const needs = rule.substitute === 'weekend' ? wd >= 5 : wd === 6;
      if (!needs) continue;
      let sub = day + 1;
      while ((rule.substitute === 'weekend' && weekday(sub) >= 5) || taken.has(sub)) sub++;
      taken.add(sub);
      yearHolidays.push({
        country,
        day: sub,
        name: `${rule.name} (substitute day)`,
        closed: false,
        demand: rule.demand ?? 1,
      });
    }
    for (const h of yearHolidays) if (h.day >= firstDay && h.day <= lastDay) out.push(h);
  }
  out.sort((a, b) => a.day - b.day || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}
