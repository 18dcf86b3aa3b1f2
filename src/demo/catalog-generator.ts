/**
 * @module demo/catalog-generator
 * Master data of the demo chain, drawn from a seed: stores opening over the period in many
 * countries, suppliers with lead times, MOQs and pack sizes, a product range with launches and
 * discontinuations, assortments per store, price lists that change over time, and country-wide
 * promotion campaigns. The sales simulator turns this into daily facts.
 */
import { dayNumber } from './calendar.js';
import { type Holiday, holidaysBetween } from './holidays.js';
import { MARKETS, type Market, retailPriceCents } from './markets.js';
import { Rng } from './prng.js';
import { CATEGORIES, type Category, PRODUCT_LINES, type SalesUnit } from './product-templates.js';

export type StoreFormat = 'kiosk' | 'small' | 'medium' | 'flagship';
export type PromotionKind = 'price_cut' | 'bundle' | 'display';

/** The simulated period; both ends are day numbers (days since 1970-01-01) and included. */
export interface DemoPeriod {
  startDay: number;
  endDay: number;
  days: number;
}

export interface DemoStore {
  index: number;
  code: string;
  name: string;
  city: string;
  country: string;
  timezone: string;
  currency: string;
  /** First trading day. */
  openedDay: number;
  /** First day the store no longer trades (closed for good). */
  closedDay: number | undefined;
  format: StoreFormat;
  sizeSqm: number;
  market: Market;
  /** Demand multiplier of the store (format, location). */
  scale: number;
  /** Yearly growth of the store's footfall once ramped up, as a log rate. */
  growth: number;
  /** Weekday (0 = Monday) on which the store places its replenishment orders. */
  reviewWeekday: number;
}

export interface DemoSupplier {
  index: number;
  code: string;
  name: string;
  country: string;
  currency: string;
  email: string;
  /** Supplier currency units per euro. */
  perEuro: number;
  overseas: boolean;
  /** Periods [from, to] (day numbers, included) in which shipments are delayed. */
  disruptions: readonly (readonly [number, number])[];
}

export interface DemoProduct {
  index: number;
  sku: string;
  name: string;
  category: Category;
  categoryIndex: number;
  unit: SalesUnit;
  shelfLifeDays: number | undefined;
  certifications: readonly string[];
  /** First day on sale when launched inside the period; undefined = already sold before it. */
  launchedDay: number | undefined;
  /** First day no longer sold; undefined = still sold at the end of the period. */
  discontinuedDay: number | undefined;
  priceEur: number;
  /** Mean units per day in a medium store before seasonality and other effects. */
  baseRate: number;
  /** Negative-binomial dispersion: small = bursty and intermittent. */
  dispersion: number;
  elasticity: number;
  /** Log growth per year of the product's popularity. */
  trend: number;
  /** 0 = least, 1 = most popular product of the range. */
  popularity: number;
  /** Countries where the product is sold; undefined = all. */
  countries: ReadonlySet<string> | undefined;
  slowMover: boolean;
}

export interface DemoTerms {
  productIndex: number;
  supplierIndex: number;
  leadTimeDays: number;
  minOrderQty: number;
  packSize: number;
  /** Unit cost in hundredths of the supplier's currency. */
  unitCostCents: number;
  isPrimary: boolean;
}

/** A price list of one product in one country: `cents[i]` valid from `days[i]` until the next entry. */
export interface PriceList {
  days: number[];
  cents: number[];
}

/** A promotion planned centrally for a country; most stores of the country take part. */
export interface Campaign {
  startDay: number;
  endDay: number;
  kind: PromotionKind;
  discountPct: number;
  productIndices: ReadonlySet<number>;
}

export interface DemoCatalog {
  seed: number;
  period: DemoPeriod;
  stores: DemoStore[];
  suppliers: DemoSupplier[];
  products: DemoProduct[];
  terms: DemoTerms[];
  /** Primary supplier terms, indexed by product. */
  primaryTerms: DemoTerms[];
  /** Key `${productIndex}:${country}`. */
  prices: Map<string, PriceList>;
  /** Product indices each store carries, ascending, indexed by store. */
  assortments: number[][];
  /** Country → campaigns sorted by start. */
  campaigns: Map<string, Campaign[]>;
  /** Countries with at least one store, sorted. */
  countries: string[];
  /** Public holidays of those countries over the period, sorted by country and date. */
  holidays: Holiday[];
}

export interface CatalogOptions {
  seed: number;
  stores: number;
  products: number;
  period: DemoPeriod;
}

const FORMATS: readonly {
  format: StoreFormat;
  weight: number;
  scale: number;
  sqm: readonly [number, number];
}[] = [
  { format: 'kiosk', weight: 0.2, scale: 0.45, sqm: [15, 35] },
  { format: 'small', weight: 0.4, scale: 0.8, sqm: [40, 120] },
  { format: 'medium', weight: 0.3, scale: 1.25, sqm: [130, 300] },
  { format: 'flagship', weight: 0.1, scale: 2.2, sqm: [350, 800] },
];

/** Share of the non-core range a store of each format lists. */
const ASSORTMENT_SHARE: Readonly<Record<StoreFormat, number>> = {
  kiosk: 0.22,
  small: 0.42,
  medium: 0.65,
  flagship: 0.92,
};

const STORE_SITES = [
  'Central',
  'Station',
  'Old Town',
  'Harbour',
  'Market Hall',
  'University',
  'Riverside',
  'North',
  'South',
  'West End',
  'Arcade',
  'Garden Quarter',
];

const HOME_MARKETS = ['DE', 'NL', 'FR', 'SE', 'GB'];

interface SupplierOrigin {
  country: string;
  currency: string;
  perEuro: number;
  overseas: boolean;
}

const SUPPLIER_ORIGINS: readonly SupplierOrigin[] = [
  { country: 'DE', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'NL', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'FR', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'ES', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'PT', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'IT', currency: 'EUR', perEuro: 1, overseas: false },
  { country: 'DK', currency: 'DKK', perEuro: 7.46, overseas: false },
  { country: 'SE', currency: 'SEK', perEuro: 11.3, overseas: false },
  { country: 'GB', currency: 'GBP', perEuro: 0.85, overseas: false },
  { country: 'US', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'IN', currency: 'INR', perEuro: 90, overseas: true },
  { country: 'VN', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'ID', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'LK', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'KE', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'CO', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'PE', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'GH', currency: 'EUR', perEuro: 1, overseas: true },
  { country: 'CN', currency: 'USD', perEuro: 1.08, overseas: true },
  { country: 'ZA', currency: 'ZAR', perEuro: 20, overseas: true },
  { country: 'BR', currency: 'BRL', perEuro: 5.9, overseas: true },
  { country: 'JP', currency: 'JPY', perEuro: 160, overseas: true },
  { country: 'AU', currency: 'AUD', perEuro: 1.63, overseas: true },
];

const SUPPLIER_WORDS_A = [
  'Green Valley',
  'Bamboo Grove',
  'Fair Harvest',
  'Blue River',
  'Sun Path',
  'Clean Cycle',
  'Highland',
  'Cocoa Coast',
  'Nordic Leaf',
  'Beehive',
  'Open Field',
  'Coral Bay',
  'Red Earth',
  'Mountain Mist',
];
const SUPPLIER_WORDS_B = [
  'Trading',
  'Co-op',
  'Works',
  'Supply',
  'Collective',
  'Growers',
  'Goods',
  'Partners',
];

/**
 * Draws the whole master data of the demo chain from a seed.
 *
 * @example
 * const catalog = generateCatalog({ seed: 42, stores: 20, products: 150, period });
 * catalog.stores[0]?.code; // e.g. 'DE-BER-01'
 */
export function generateCatalog(options: CatalogOptions): DemoCatalog {
  const { seed, period } = options;
  const products = generateProducts(seed, options.products, period);
  const stores = generateStores(seed, options.stores, period);
  const suppliers = generateSuppliers(seed, options.products, period);
  const terms = generateTerms(seed, products, suppliers);
  const primaryTerms: DemoTerms[] = [];
  for (const t of terms) if (t.isPrimary) primaryTerms[t.productIndex] = t;
  const countries = [...new Set(stores.map((s) => s.country))].sort();
  const assortments = stores.map((s) => generateAssortment(seed, s, products));
  const prices = generatePrices(seed, products, countries, period);
  const campaigns = new Map<string, Campaign[]>();
  for (const c of countries) campaigns.set(c, generateCampaigns(seed, c, products, period));
  const holidays = countries.flatMap((c) => holidaysBetween(c, period.startDay, period.endDay));
  return {
    seed,
    period,
    stores,
    suppliers,
    products,
    terms,
    primaryTerms,
    prices,
    assortments,
    campaigns,
    countries,
    holidays,
  };
}

/** Whether a product is sold in a country. */
export function soldIn(product: DemoProduct, country: string): boolean {
  return product.countries === undefined || product.countries.has(country);
}

function generateStores(seed: number, count: number, period: DemoPeriod): DemoStore[] {
  const rng = Rng.derive(seed, 'stores');
  // A few stores trade before the period, all in the home markets; the rest open at staggered
  // dates during it, in every market once the chain has at least as many stores as markets.
  const preCount = Math.max(1, Math.min(count, Math.round(count * 0.2)));
  const home = rng.shuffle(MARKETS.filter((m) => HOME_MARKETS.includes(m.country)));
  const abroad = rng.shuffle(MARKETS.filter((m) => !HOME_MARKETS.includes(m.country)));
  const homeWeights = home.map((m) => m.weight);
  const early: Market[] = [];
  for (let i = 0; i < preCount; i++) early.push(home[i] ?? (home[rng.weightedIndex(homeWeights)] as Market));
  const later: Market[] = [...home.slice(preCount), ...abroad];
  const weights = MARKETS.map((m) => m.weight);
  while (early.length + later.length < count) later.push(MARKETS[rng.weightedIndex(weights)] as Market);
  const ordered = [...early, ...rng.shuffle(later).slice(0, count - preCount)];
  const newCount = count - preCount;
  const firstOpen = period.startDay + Math.floor(period.days * 0.03);
  const lastOpen = period.endDay - Math.max(7, Math.floor(period.days * 0.12));
  const span = Math.max(0, lastOpen - firstOpen);
  const perCity = new Map<string, number>();
  const usedSites = new Map<string, Set<string>>();
  const stores: DemoStore[] = [];
  for (let i = 0; i < count; i++) {
    const market = ordered[i] as Market;
    const city = rng.pick(market.cities);
    const n = (perCity.get(city.code) ?? 0) + 1;
    perCity.set(city.code, n);
    const sites = usedSites.get(city.code) ?? new Set<string>();
    usedSites.set(city.code, sites);
    let site = rng.pick(STORE_SITES);
    for (let k = 0; sites.has(site) && k < STORE_SITES.length; k++) site = STORE_SITES[k] as string;
    if (sites.has(site)) site = `${site} ${n}`;
    sites.add(site);
    const formatSpec = FORMATS[rng.weightedIndex(FORMATS.map((f) => f.weight))] ?? FORMATS[1];
    if (!formatSpec) throw new Error('store formats are empty');
    let openedDay: number;
    if (i < preCount) {
      openedDay = period.startDay - rng.int(180, 2600);
    } else {
      const slot = newCount <= 1 ? 0.5 : (i - preCount) / (newCount - 1);
      const jitter = newCount <= 1 ? 0 : rng.uniform(-0.4, 0.4) / (newCount - 1);
      openedDay = firstOpen + Math.round(span * Math.min(1, Math.max(0, slot + jitter)));
    }
    stores.push({
      index: i,
      code: `${market.country}-${city.code}-${String(n).padStart(2, '0')}`,
      name: `${city.name} ${site}`,
      city: city.name,
      country: market.country,
      timezone: city.timezone,
      currency: market.currency,
      openedDay,
      closedDay: undefined,
      format: formatSpec.format,
      sizeSqm: rng.int(formatSpec.sqm[0], formatSpec.sqm[1]),
      market,
      scale: formatSpec.scale * rng.logNormal(0, 0.25),
      growth: rng.normal(0.04, 0.05),
      reviewWeekday: rng.int(0, 4),
    });
  }
  // The occasional store closes for good (one per ten), always one that traded before the period.
  const closures = Math.floor(count / 10);
  for (let k = 0; k < closures && k < preCount; k++) {
    const store = stores[preCount - 1 - k];
    if (store) store.closedDay = period.startDay + Math.floor(period.days * rng.uniform(0.55, 0.85));
  }
  return stores;
}

function generateSuppliers(seed: number, productCount: number, period: DemoPeriod): DemoSupplier[] {
  const rng = Rng.derive(seed, 'suppliers');
  const count = Math.max(CATEGORIES.length, Math.round(productCount / 8));
  const suppliers: DemoSupplier[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const origin = rng.pick(SUPPLIER_ORIGINS);
    let name = `${rng.pick(SUPPLIER_WORDS_A)} ${rng.pick(SUPPLIER_WORDS_B)}`;
    if (names.has(name)) name = `${name} ${origin.country}`;
    if (names.has(name)) name = `${name} ${i + 1}`;
    names.add(name);
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const disruptions: [number, number][] = [];
    const windows = rng.weightedIndex([0.45, 0.4, 0.15]);
    for (let k = 0; k < windows; k++) {
      const from = rng.int(period.startDay, period.endDay);
      disruptions.push([from, from + rng.int(10, 40)]);
    }
    suppliers.push({
      index: i,
      code: `SUP-${String(i + 1).padStart(3, '0')}`,
      name,
      country: origin.country,
      currency: origin.currency,
      email: `orders@${slug}.example`,
      perEuro: origin.perEuro,
      overseas: origin.overseas,
      disruptions,
    });
  }
  return suppliers;
}

function generateProducts(seed: number, count: number, period: DemoPeriod): DemoProduct[] {
  const rng = Rng.derive(seed, 'products');
  const weights = CATEGORIES.map((c) => c.weight);
  const perTemplate = new Map<string, number>();
  const names = new Set<string>();
  const skuCounters = new Map<string, number>();
  const drafts: Omit<DemoProduct, 'popularity'>[] = [];
  for (let i = 0; i < count; i++) {
    // Round-robin first so that even a small range covers every category.
    const categoryIndex = i < CATEGORIES.length ? i : rng.weightedIndex(weights);
    const category = CATEGORIES[categoryIndex] as Category;
    const seen = perTemplate.get(category.code) ?? 0;
    perTemplate.set(category.code, seen + 1);
    const template = category.templates[seen % category.templates.length];
    if (!template) throw new Error(`category ${category.name} has no templates`);
    const round = Math.floor(seen / category.templates.length);
    const variant = template.variants[round % template.variants.length] ?? '';
    const line = PRODUCT_LINES[Math.floor(round / template.variants.length) % PRODUCT_LINES.length] ?? '';
    let name = `${line} ${template.name} ${variant}`.trim();
    for (let k = 2; names.has(name); k++) name = `${line} ${template.name} ${variant} edition ${k}`;
    names.add(name);
    const skuNumber = (skuCounters.get(category.code) ?? 0) + 1;
    skuCounters.set(category.code, skuNumber);
    const certs = template.certifications.filter(() => rng.chance(0.7));
    const slowMover = rng.chance(category.slowShare);
    const baseRate = slowMover
      ? rng.uniform(0.04, 0.35)
      : Math.exp(rng.uniform(Math.log(category.velocity[0]), Math.log(category.velocity[1])));
    let launchedDay: number | undefined;
    let discontinuedDay: number | undefined;
    const launchFrom = period.startDay + 14;
    const launchTo = period.endDay - 30;
    if (launchTo > launchFrom && i >= CATEGORIES.length && rng.chance(0.2)) {
      launchedDay = rng.int(launchFrom, launchTo);
    }
    const stopFrom = Math.max(period.startDay + 60, (launchedDay ?? period.startDay) + 120);
    const stopTo = period.endDay - 14;
    if (stopTo > stopFrom && i >= CATEGORIES.length && rng.chance(0.09)) {
      discontinuedDay = rng.int(stopFrom, stopTo);
    }
    let countries: ReadonlySet<string> | undefined;
    if (template.countries) countries = new Set(template.countries);
    else if (rng.chance(0.08)) {
      // A regional product: sold in a handful of markets only.
      countries = new Set(rng.shuffle(MARKETS.map((m) => m.country)).slice(0, rng.int(3, 6)));
    }
    drafts.push({
      index: i,
      sku: `${category.code}-${String(skuNumber).padStart(5, '0')}`,
      name,
      category,
      categoryIndex,
      unit: template.unit,
      shelfLifeDays: template.shelfLifeDays
        ? rng.int(template.shelfLifeDays[0], template.shelfLifeDays[1])
        : undefined,
      certifications: certs,
      launchedDay,
      discontinuedDay,
      priceEur: rng.uniform(template.priceEur[0], template.priceEur[1]),
      baseRate,
      dispersion: slowMover ? rng.uniform(0.4, 1.5) : rng.uniform(3, 12),
      elasticity: rng.uniform(category.elasticity[0], category.elasticity[1]),
      trend: rng.normal(0.02, 0.12),
      countries,
      slowMover,
    });
  }
  const order = drafts.map((d, i) => ({ i, r: d.baseRate })).sort((a, b) => a.r - b.r || a.i - b.i);
  const popularity = new Float64Array(count);
  order.forEach((o, rank) => {
    popularity[o.i] = count > 1 ? rank / (count - 1) : 1;
  });
  return drafts.map((d) => ({ ...d, popularity: popularity[d.index] ?? 0 }));
}

function generateTerms(seed: number, products: DemoProduct[], suppliers: DemoSupplier[]): DemoTerms[] {
  const rng = Rng.derive(seed, 'terms');
  // Each supplier serves a few categories; every category has at least one supplier.
  const byCategory: number[][] = CATEGORIES.map(() => []);
  suppliers.forEach((s, i) => {
    const first = i % CATEGORIES.length;
    byCategory[first]?.push(s.index);
    if (rng.chance(0.5)) byCategory[rng.int(0, CATEGORIES.length - 1)]?.push(s.index);
  });
  const baseLead = suppliers.map((s) => (s.overseas ? rng.int(21, 56) : rng.int(2, 12)));
  const terms: DemoTerms[] = [];
  for (const p of products) {
    const pool = [...new Set(byCategory[p.categoryIndex] ?? [])];
    const wanted = 1 + rng.weightedIndex([0.55, 0.35, 0.1]);
    const chosen = rng.shuffle(pool).slice(0, Math.min(wanted, pool.length));
    while (chosen.length < wanted) {
      const extra = rng.int(0, suppliers.length - 1);
      if (!chosen.includes(extra)) chosen.push(extra);
      if (chosen.length >= suppliers.length) break;
    }
    chosen.forEach((supplierIndex, k) => {
      const supplier = suppliers[supplierIndex] as DemoSupplier;
      const lead = Math.min(60, Math.max(2, (baseLead[supplierIndex] ?? 7) + rng.int(-2, 4)));
      const packSize =
        p.priceEur >= 30
          ? rng.pick([1, 2, 4])
          : p.priceEur >= 12
            ? rng.pick([4, 6, 8])
            : p.unit === 'kg' || p.unit === 'litre'
              ? rng.pick([5, 10, 20])
              : rng.pick([6, 12, 24]);
      const minOrderQty = packSize * (supplier.overseas ? rng.int(4, 20) : rng.int(1, 6));
      const cost = p.priceEur * rng.uniform(0.35, 0.55) * supplier.perEuro;
      terms.push({
        productIndex: p.index,
        supplierIndex,
        leadTimeDays: lead,
        minOrderQty,
        packSize,
        unitCostCents: Math.max(1, Math.round(cost * 100)),
        isPrimary: k === 0,
      });
    });
  }
  return terms;
}

function generateAssortment(seed: number, store: DemoStore, products: DemoProduct[]): number[] {
  const rng = Rng.derive(seed, 'assortment', store.code);
  const share = ASSORTMENT_SHARE[store.format];
  const carried: number[] = [];
  const fallback: number[] = [];
  for (const p of products) {
    if (!soldIn(p, store.country)) continue;
    fallback.push(p.index);
    let probability = p.popularity >= 0.75 ? Math.min(1, share + 0.4) : share * (0.6 + 0.6 * p.popularity);
    if (p.category.bulky && store.format === 'kiosk') probability *= 0.1;
    if (rng.chance(probability)) carried.push(p.index);
  }
  if (carried.length < Math.min(5, fallback.length)) {
    // Every store lists at least a handful of products: the most popular it may sell.
    const top = fallback
      .filter((i) => !carried.includes(i))
      .sort((a, b) => (products[b]?.popularity ?? 0) - (products[a]?.popularity ?? 0));
    while (carried.length < Math.min(5, fallback.length) && top.length > 0)
      carried.push(top.shift() as number);
    carried.sort((a, b) => a - b);
  }
  return carried;
}

function generatePrices(
  seed: number,
  products: DemoProduct[],
  countries: string[],
  period: DemoPeriod,
): Map<string, PriceList> {
  const prices = new Map<string, PriceList>();
  const firstYear = new Date(period.startDay * 86_400_000).getUTCFullYear();
  const lastYear = new Date(period.endDay * 86_400_000).getUTCFullYear();
  for (const country of countries) {
    const market = MARKETS.find((m) => m.country === country) as Market;
    const rng = Rng.derive(seed, 'prices', country);
    for (const p of products) {
      if (!soldIn(p, country)) continue;
      const from = p.launchedDay ?? period.startDay;
      const until = p.discontinuedDay ?? period.endDay + 1;
      let raw = p.priceEur * market.perEuro * market.priceLevel * rng.logNormal(0, 0.05);
      const list: PriceList = { days: [from], cents: [retailPriceCents(raw, market.currency)] };
      const changes: { day: number; factor: number }[] = [];
      for (let year = firstYear; year <= lastYear; year++) {
        // Yearly list-price review early in the year, plus the odd ad-hoc change.
        if (rng.chance(0.7)) {
          changes.push({
            day: dayNumber(year, 1, 1) + rng.int(0, 89),
            factor: 1 + market.inflation * rng.uniform(0.5, 2),
          });
        }
        if (rng.chance(0.2)) {
          changes.push({ day: dayNumber(year, 1, 1) + rng.int(0, 364), factor: rng.uniform(0.88, 1.12) });
        }
      }
      changes.sort((a, b) => a.day - b.day);
      for (const change of changes) {
        if (change.day <= from || change.day >= until || change.day > period.endDay) continue;
        raw *= change.factor;
        const cents = retailPriceCents(raw, market.currency);
        // Two changes drawn for one day make one price-list entry (its key is sku, country, day).
        if (change.day === list.days[list.days.length - 1]) {
          list.cents[list.cents.length - 1] = cents;
          continue;
        }
        if (cents === list.cents[list.cents.length - 1]) continue;
        list.days.push(change.day);
        list.cents.push(cents);
      }
      prices.set(`${p.index}:${country}`, list);
    }
  }
  return prices;
}

function generateCampaigns(
  seed: number,
  country: string,
  products: DemoProduct[],
  period: DemoPeriod,
): Campaign[] {
  const rng = Rng.derive(seed, 'campaigns', country);
  const eligible = products.filter((p) => soldIn(p, country)).map((p) => p.index);
  const perCampaign = Math.max(1, Math.round(eligible.length * 0.04));
  const campaigns: Campaign[] = [];
  for (let day = period.startDay + rng.int(0, 13); day <= period.endDay; day += rng.int(11, 17)) {
    const kindIndex = rng.weightedIndex([0.6, 0.2, 0.2]);
    const kind: PromotionKind = kindIndex === 0 ? 'price_cut' : kindIndex === 1 ? 'bundle' : 'display';
    const discountPct =
      kind === 'price_cut' ? 5 * rng.int(2, 7) : kind === 'bundle' ? rng.pick([15, 20, 25, 33]) : 0;
    const picked = new Set<number>();
    for (let k = 0; k < perCampaign; k++) picked.add(rng.pick(eligible));
    campaigns.push({
      startDay: day,
      endDay: day + rng.int(6, 13),
      kind,
      discountPct,
      productIndices: picked,
    });
  }
  return campaigns;
}
