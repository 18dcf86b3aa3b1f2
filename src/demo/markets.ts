/**
 * @module demo/markets
 * The countries the demo chain trades in: cities and their IANA time zones, currency and exchange
 * rate, price level, hemisphere, and the shape of a shopping week (weekend peaks, Sunday closing).
 */

export type Hemisphere = 'north' | 'south';

export interface City {
  name: string;
  /** Three ASCII letters used in store codes. */
  code: string;
  timezone: string;
}

export interface Market {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 4217. */
  currency: string;
  /** Units of local currency per euro (a round, plausible rate; the demo holds it fixed). */
  perEuro: number;
  /** Shelf prices relative to the euro area after conversion (purchasing-power flavour). */
  priceLevel: number;
  hemisphere: Hemisphere;
  /** Demand multiplier per weekday, Monday first. */
  weekly: readonly [number, number, number, number, number, number, number];
  /** Weekdays (0 = Monday) on which shops are closed by law or custom. */
  closedWeekdays: readonly number[];
  /** How strongly the December gift season shows (1 = full Christmas retail peak). */
  christmas: number;
  /** Whether Easter chocolate and gifting is a retail event. */
  easter: boolean;
  /** Day of year (0-based) around which back-to-school shopping peaks. */
  schoolPeakDay: number;
  /** Extra demand in the last days and first days of a month (payday shopping). */
  payday: number;
  /** Share of stores placed in this market once every market has one. */
  weight: number;
  /** Yearly list-price inflation used for price-list changes, as a fraction. */
  inflation: number;
  cities: readonly City[];
}

export const MARKETS: readonly Market[] = [
  {
    country: 'DE',
    currency: 'EUR',
    perEuro: 1,
    priceLevel: 1,
    hemisphere: 'north',
    weekly: [0.9, 0.92, 0.95, 1, 1.18, 1.55, 0],
    closedWeekdays: [6],
    christmas: 1,
    easter: true,
    schoolPeakDay: 225,
    payday: 0,
    weight: 4,
    inflation: 0.03,
    cities: [
      { name: 'Berlin', code: 'BER', timezone: 'Europe/Berlin' },
      { name: 'Hamburg', code: 'HAM', timezone: 'Europe/Berlin' },
      { name: 'München', code: 'MUC', timezone: 'Europe/Berlin' },
      { name: 'Köln', code: 'CGN', timezone: 'Europe/Berlin' },
      { name: 'Leipzig', code: 'LEJ', timezone: 'Europe/Berlin' },
      { name: 'Freiburg', code: 'FRB', timezone: 'Europe/Berlin' },
    ],
  },
  {
    country: 'FR',
    currency: 'EUR',
    perEuro: 1,
    priceLevel: 1.03,
    hemisphere: 'north',
    weekly: [0.85, 0.95, 1.02, 0.98, 1.12, 1.5, 0.55],
    closedWeekdays: [],
    christmas: 1,
    easter: true,
    schoolPeakDay: 235,
    payday: 0,
    weight: 3,
    inflation: 0.03,
    cities: [
      { name: 'Paris', code: 'PAR', timezone: 'Europe/Paris' },
      { name: 'Lyon', code: 'LYS', timezone: 'Europe/Paris' },
      { name: 'Bordeaux', code: 'BOD', timezone: 'Europe/Paris' },
      { name: 'Nantes', code: 'NTE', timezone: 'Europe/Paris' },
      { name: 'Marseille', code: 'MRS', timezone: 'Europe/Paris' },
    ],
  },
  {
    country: 'NL',
    currency: 'EUR',
    perEuro: 1,
    priceLevel: 1.02,
    hemisphere: 'north',
    weekly: [0.82, 0.92, 0.95, 1.0, 1.15, 1.42, 0.78],
    closedWeekdays: [],
    christmas: 0.9,
    easter: true,
    schoolPeakDay: 230,
    payday: 0.04,
    weight: 2,
    inflation: 0.035,
    cities: [
      { name: 'Amsterdam', code: 'AMS', timezone: 'Europe/Amsterdam' },
      { name: 'Utrecht', code: 'UTC', timezone: 'Europe/Amsterdam' },
      { name: 'Rotterdam', code: 'RTM', timezone: 'Europe/Amsterdam' },
      { name: 'Groningen', code: 'GRQ', timezone: 'Europe/Amsterdam' },
    ],
  },
  {
    country: 'SE',
    currency: 'SEK',
    perEuro: 11.3,
    priceLevel: 1.08,
    hemisphere: 'north',
    weekly: [0.88, 0.93, 0.97, 1.02, 1.2, 1.3, 0.95],
    closedWeekdays: [],
    christmas: 1,
    easter: true,
    schoolPeakDay: 225,
    payday: 0.08,
    weight: 2,
    inflation: 0.03,
    cities: [
      { name: 'Stockholm', code: 'STO', timezone: 'Europe/Stockholm' },
      { name: 'Göteborg', code: 'GOT', timezone: 'Europe/Stockholm' },
      { name: 'Malmö', code: 'MMX', timezone: 'Europe/Stockholm' },
      { name: 'Uppsala', code: 'UPP', timezone: 'Europe/Stockholm' },
    ],
  },
  {
    country: 'GB',
    currency: 'GBP',
    perEuro: 0.85,
    priceLevel: 1.05,
    hemisphere: 'north',
    weekly: [0.88, 0.9, 0.95, 1.0, 1.12, 1.4, 1.0],
    closedWeekdays: [],
    christmas: 1.1,
    easter: true,
    schoolPeakDay: 235,
    payday: 0.05,
    weight: 3,
    inflation: 0.04,
    cities: [
      { name: 'London', code: 'LON', timezone: 'Europe/London' },
      { name: 'Bristol', code: 'BRS', timezone: 'Europe/London' },
      { name: 'Manchester', code: 'MAN', timezone: 'Europe/London' },
      { name: 'Edinburgh', code: 'EDI', timezone: 'Europe/London' },
      { name: 'Brighton', code: 'BTN', timezone: 'Europe/London' },
    ],
  },
  {
    country: 'US',
    currency: 'USD',
    perEuro: 1.08,
    priceLevel: 1.1,
    hemisphere: 'north',
    weekly: [0.85, 0.87, 0.92, 0.97, 1.1, 1.38, 1.2],
    closedWeekdays: [],
    christmas: 1.15,
    easter: true,
    schoolPeakDay: 220,
    payday: 0.03,
    weight: 4,
    inflation: 0.035,
    cities: [
      { name: 'Portland', code: 'PDX', timezone: 'America/Los_Angeles' },
      { name: 'Seattle', code: 'SEA', timezone: 'America/Los_Angeles' },
      { name: 'San Francisco', code: 'SFO', timezone: 'America/Los_Angeles' },
      { name: 'Denver', code: 'DEN', timezone: 'America/Denver' },
      { name: 'Austin', code: 'AUS', timezone: 'America/Chicago' },
      { name: 'Chicago', code: 'CHI', timezone: 'America/Chicago' },
      { name: 'New York', code: 'NYC', timezone: 'America/New_York' },
      { name: 'Boston', code: 'BOS', timezone: 'America/New_York' },
    ],
  },
  {
    country: 'CA',
    currency: 'CAD',
    perEuro: 1.47,
    priceLevel: 1.08,
    hemisphere: 'north',
    weekly: [0.86, 0.88, 0.93, 1.0, 1.12, 1.36, 1.1],
    closedWeekdays: [],
    christmas: 1.1,
    easter: true,
    schoolPeakDay: 232,
    payday: 0.03,
    weight: 2,
    inflation: 0.03,
    cities: [
      { name: 'Vancouver', code: 'YVR', timezone: 'America/Vancouver' },
      { name: 'Toronto', code: 'YTO', timezone: 'America/Toronto' },
      { name: 'Montréal', code: 'YMQ', timezone: 'America/Toronto' },
      { name: 'Calgary', code: 'YYC', timezone: 'America/Edmonton' },
    ],
  },
  {
    country: 'JP',
    currency: 'JPY',
    perEuro: 160,
    priceLevel: 0.95,
    hemisphere: 'north',
    weekly: [0.85, 0.86, 0.9, 0.92, 1.02, 1.42, 1.45],
    closedWeekdays: [],
    christmas: 0.45,
    easter: false,
    schoolPeakDay: 85,
    payday: 0.06,
    weight: 2,
    inflation: 0.02,
    cities: [
      { name: 'Tokyo', code: 'TYO', timezone: 'Asia/Tokyo' },
      { name: 'Osaka', code: 'OSA', timezone: 'Asia/Tokyo' },
      { name: 'Kyoto', code: 'UKY', timezone: 'Asia/Tokyo' },
      { name: 'Fukuoka', code: 'FUK', timezone: 'Asia/Tokyo' },
    ],
  },
  {
    country: 'AU',
    currency: 'AUD',
    perEuro: 1.63,
    priceLevel: 1.05,
    hemisphere: 'south',
    weekly: [0.86, 0.88, 0.92, 1.08, 1.12, 1.35, 1.0],
    closedWeekdays: [],
    christmas: 1,
    easter: true,
    schoolPeakDay: 25,
    payday: 0.04,
    weight: 2,
    inflation: 0.035,
    cities: [
      { name: 'Sydney', code: 'SYD', timezone: 'Australia/Sydney' },
      { name: 'Melbourne', code: 'MEL', timezone: 'Australia/Melbourne' },
      { name: 'Brisbane', code: 'BNE', timezone: 'Australia/Brisbane' },
      { name: 'Perth', code: 'PER', timezone: 'Australia/Perth' },
    ],
  },
  {
    country: 'BR',
    currency: 'BRL',
    perEuro: 5.9,
    priceLevel: 0.72,
    hemisphere: 'south',
    weekly: [0.9, 0.9, 0.95, 1.0, 1.15, 1.42, 0.68],
    closedWeekdays: [],
    christmas: 1,
    easter: true,
    schoolPeakDay: 30,
    payday: 0.12,
    weight: 2,
    inflation: 0.06,
    cities: [
      { name: 'São Paulo', code: 'SAO', timezone: 'America/Sao_Paulo' },
      { name: 'Rio de Janeiro', code: 'RIO', timezone: 'America/Sao_Paulo' },
      { name: 'Curitiba', code: 'CWB', timezone: 'America/Sao_Paulo' },
      { name: 'Florianópolis', code: 'FLN', timezone: 'America/Sao_Paulo' },
      { name: 'Manaus', code: 'MAO', timezone: 'America/Manaus' },
    ],
  },
  {
    country: 'ZA',
    currency: 'ZAR',
    perEuro: 20,
    priceLevel: 0.68,
    hemisphere: 'south',
    weekly: [0.85, 0.88, 0.92, 0.98, 1.25, 1.38, 0.8],
    closedWeekdays: [],
    christmas: 0.9,
    easter: true,
    schoolPeakDay: 10,
    payday: 0.18,
    weight: 1,
    inflation: 0.055,
    cities: [
      { name: 'Cape Town', code: 'CPT', timezone: 'Africa/Johannesburg' },
      { name: 'Johannesburg', code: 'JNB', timezone: 'Africa/Johannesburg' },
      { name: 'Durban', code: 'DUR', timezone: 'Africa/Johannesburg' },
    ],
  },
  {
    country: 'IN',
    currency: 'INR',
    perEuro: 90,
    priceLevel: 0.45,
    hemisphere: 'north',
    weekly: [0.9, 0.9, 0.92, 0.95, 1.05, 1.3, 1.4],
    closedWeekdays: [],
    christmas: 0.3,
    easter: false,
    schoolPeakDay: 150,
    payday: 0.1,
    weight: 1,
    inflation: 0.055,
    cities: [
      { name: 'Bengaluru', code: 'BLR', timezone: 'Asia/Kolkata' },
      { name: 'Mumbai', code: 'BOM', timezone: 'Asia/Kolkata' },
      { name: 'Pune', code: 'PNQ', timezone: 'Asia/Kolkata' },
      { name: 'Delhi', code: 'DEL', timezone: 'Asia/Kolkata' },
    ],
  },
];

/** Looks a market up by country code. */
export function marketFor(country: string): Market {
  const market = MARKETS.find((m) => m.country === country);
  if (!market) throw new RangeError(`no demo market for country ${country}`);
  return market;
}

/**
 * Rounds a converted price to how shelf prices look in that currency (3.49 EUR, 39 SEK, 1,280 JPY,
 * 249 INR), returned in minor units (cents; for JPY still hundredths so every price has two decimals).
 *
 * @example
 * retailPriceCents(3.41, 'EUR'); // 349
 * retailPriceCents(1234, 'JPY'); // 124000 (1,240 yen)
 */
export function retailPriceCents(value: number, currency: string): number {
  switch (currency) {
    case 'JPY':
      return Math.max(100, Math.ceil(value / 10) * 10) * 100;
    case 'INR':
    case 'SEK':
      // Whole units ending in 9 (249 INR, 39 SEK).
      return Math.max(9, Math.ceil((value + 1) / 10) * 10 - 1) * 100;
    case 'ZAR':
      return Math.max(999, Math.ceil((value + 0.01) / 5) * 500 - 1);
    case 'BRL':
      return Math.max(90, Math.ceil(value) * 100 - 10);
    default:
      // Ends in 9 cents: 3.49, 12.99.
      return Math.max(49, Math.ceil(value * 10) * 10 - 1);
  }
}
