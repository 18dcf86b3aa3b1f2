/**
 * @module demo/sales-simulator
 * Simulates each store day by day: demand per carried product from a negative-binomial law whose
 * mean combines the store's footfall (ramp-up after opening, weekday, holidays, payday, a shared
 * daily shock), the product's yearly season (hemisphere-aware), launch ramp and run-out, price
 * elasticity and promotion uplift; sales are censored by stock on hand, which a weekly order-up-to
 * policy replenishes through the primary supplier's lead time (delayed in supplier disruptions).
 * Rows go straight to streaming CSV writers: sales per open day, stock every Sunday, promotions.
 */
import { civilDate, dayNumber, dayOfYear, easterSunday, formatDay, weekday } from './calendar.js';
import type { Campaign, DemoCatalog, DemoStore, PriceList, PromotionKind } from './catalog-generator.js';
import type { CsvFileWriter } from './csv-file-writer.js';
import type { Holiday } from './holidays.js';
import type { Market } from './markets.js';
import { Rng } from './prng.js';
import type { Category } from './product-templates.js';

/** Receives every sales row with units > 0 (e.g. to sample rows for the bad-sales batch). */
export interface SaleObserver {
  offer(
    line: string,
    storeIndex: number,
    productIndex: number,
    day: number,
    units: number,
    priceCents: number,
    discountPct: number,
  ): void;
}

export interface SimulationSinks {
  sales: CsvFileWriter;
  stock: CsvFileWriter;
  promotions: CsvFileWriter;
  observer?: SaleObserver;
}

interface SeriesPromotion {
  start: number;
  end: number;
  kind: PromotionKind;
  discountPct: number;
}

const PENDING_SLOTS = 16;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Formats an amount in hundredths as a decimal with two places.
 *
 * @example
 * formatCents(12345); // '123.45'
 */
export function formatCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${TWO_DIGITS[abs % 100]}`;
}

/**
 * Revenue in hundredths: units × price × (1 − discount), rounded half up to the cent.
 *
 * @example
 * revenueCents(3, 349, 20); // 838 (3 × 3.49 × 0.8 = 8.376)
 */
export function revenueCents(units: number, priceCents: number, discountPct: number): number {
  // The product is an exact integer, so rounding happens once, on an exact half at worst.
  return Math.round((units * priceCents * (100 - discountPct)) / 100);
}

/** Everything the per-store simulation shares across stores, computed once. */
export class SimulationContext {
  readonly catalog: DemoCatalog;
  readonly dates: string[];
  readonly #yearly = new Map<string, Float64Array>();
  readonly #holidays = new Map<string, Map<number, Holiday>>();

  constructor(catalog: DemoCatalog) {
    this.catalog = catalog;
    const { startDay, days } = catalog.period;
    this.dates = Array.from({ length: days }, (_, d) => formatDay(startDay + d));
    for (const h of catalog.holidays) {
      let map = this.#holidays.get(h.country);
      if (!map) this.#holidays.set(h.country, (map = new Map()));
      const existing = map.get(h.day);
      // Two holidays on one day: the stronger effect wins (closing beats a demand change).
      if (!existing || (h.closed && !existing.closed)) map.set(h.day, h);
    }
  }

  holiday(country: string, day: number): Holiday | undefined {
    return this.#holidays.get(country)?.get(day);
  }

  /** Yearly seasonal multiplier of a category in a market, per period day. */
  yearly(market: Market, categoryIndex: number, category: Category): Float64Array {
    const key = `${market.country}:${categoryIndex}`;
    let out = this.#yearly.get(key);
    if (out) return out;
    const { startDay, days } = this.catalog.period;
    out = new Float64Array(days);
    const shift = market.hemisphere === 'south' ? 182 : 0;
    const easters = new Map<number, number>();
    for (let d = 0; d < days; d++) {
      const day = startDay + d;
      const doy = dayOfYear(day);
      const angle = (2 * Math.PI * (doy + shift)) / 365.25;
      const a = category.seasonAmplitude;
      let f = 1;
      switch (category.season) {
        case 'summer':
          f = 1 + a * Math.cos(angle - (2 * Math.PI * 196) / 365.25);
          break;
        case 'winter':
          f = 1 - a * Math.cos(angle - (2 * Math.PI * 196) / 365.25);
          break;
        case 'spring':
          f = 1 + a * Math.cos(angle - (2 * Math.PI * 115) / 365.25);
          break;
        case 'school': {
          // Back to school is a calendar event, not a climate one: each market names its peak day.
          let dist = Math.abs(doy - market.schoolPeakDay);
          dist = Math.min(dist, 365 - dist);
          f = 1 - 0.15 * a + 2.5 * a * Math.exp(-0.5 * (dist / 12) ** 2);
          break;
        }
        default:
          f = 1;
      }
      const { year, month, day: dom } = civilDate(day);
      if (category.gift > 0 && market.christmas > 0) {
        const ramp = dayNumber(year, 11, 20);
        const eve = dayNumber(year, 12, 24);
        if (day >= ramp && day <= eve)
          f *= 1 + category.gift * market.christmas * ((day - ramp) / (eve - ramp)) ** 2;
        else if (month === 12 && dom > 24) f *= 1 - 0.25 * Math.min(1, category.gift);
      }
      if (category.easter > 0 && market.easter) {
        let easter = easters.get(year);
        if (easter === undefined) easters.set(year, (easter = easterSunday(year)));
        const before = easter - day;
        if (before >= 1 && before <= 14) f *= 1 + category.easter * (1 - (before - 1) / 14);
      }
      out[d] = Math.max(0.05, f);
    }
    this.#yearly.set(key, out);
    return out;
  }
}

/**
 * Simulates one store over the period, writing its promotions, daily sales and weekly stock rows.
 * `onDays` is told how many period days have been simulated since its last call.
 */
export async function simulateStore(
  context: SimulationContext,
  store: DemoStore,
  sinks: SimulationSinks,
  onDays: (days: number) => void,
): Promise<void> {
  const { catalog, dates } = context;
  const { startDay, days } = catalog.period;
  const market = store.market;
  const rng = Rng.derive(catalog.seed, 'demand', store.code);
  const planRng = Rng.derive(catalog.seed, 'store-plan', store.code);

  // Store-level footfall per period day; 0 where the store does not trade.
  const open = new Uint8Array(days);
  const footfall = new Float64Array(days);
  let shock = 0;
  for (let d = 0; d < days; d++) {
    const day = startDay + d;
    shock = 0.7 * shock + rng.normal(0, 0.1);
    const wd = weekday(day);
    const holiday = context.holiday(market.country, day);
    const trading =
      day >= store.openedDay &&
      (store.closedDay === undefined || day < store.closedDay) &&
      !market.closedWeekdays.includes(wd) &&
      !holiday?.closed;
    if (!trading) continue;
    open[d] = 1;
    const age = day - store.openedDay;
    let f = (market.weekly[wd] ?? 1) * (1 - 0.6 * Math.exp(-age / 80));
    f *= Math.exp((store.growth * (day - startDay)) / 365) * Math.exp(shock);
    if (holiday) f *= holiday.demand;
    // Shoppers stock up the day before a holiday closing.
    if (context.holiday(market.country, day + 1)?.closed) f *= 1.25;
    const dom = civilDate(day).day;
    if (dom >= 25 || dom <= 2) f *= 1 + market.payday;
    footfall[d] = f * store.scale;
  }

  // The series this store sells: carried products listed at some point while the store trades.
  const carried = catalog.assortments[store.index] ?? [];
  const storeFrom = Math.max(0, store.openedDay - startDay);
  const storeTo = store.closedDay === undefined ? days : Math.min(days, store.closedDay - startDay);
  const series: number[] = [];
  const fromList: number[] = [];
  const toList: number[] = [];
  for (const p of carried) {
    const product = catalog.products[p];
    if (!product) continue;
    const from = Math.max(storeFrom, product.launchedDay === undefined ? 0 : product.launchedDay - startDay);
    const to = Math.min(
      storeTo,
      product.discontinuedDay === undefined ? days : product.discontinuedDay - startDay,
    );
    if (from >= to) continue;
    series.push(p);
    fromList.push(from);
    toList.push(to);
  }
  const m = series.length;
  const from = Int32Array.from(fromList);
  const to = Int32Array.from(toList);
  const rate = new Float64Array(m);
  const dispersion = new Float64Array(m);
  const elasticity = new Float64Array(m);
  const trend = new Float64Array(m);
  const launch = new Int32Array(m).fill(-1_000_000);
  const runOut = new Int32Array(m).fill(1_000_000);
  const lead = new Int32Array(m);
  const pack = new Int32Array(m);
  const supplier = new Int32Array(m);
  const onHand = new Int32Array(m);
  const onOrder = new Int32Array(m);
  const estimate = new Float64Array(m);
  const pendingDay = new Int32Array(m * PENDING_SLOTS);
  const pendingQty = new Int32Array(m * PENDING_SLOTS);
  const pendingCount = new Uint8Array(m);
  const priceLists: PriceList[] = [];
  const pricePtr = new Int32Array(m);
  const priceCents = new Int32Array(m);
  const priceText: string[] = [];
  const refPrice = new Float64Array(m);
  const priceFactor = new Float64Array(m);
  const yearly: Float64Array[] = [];
  const skus: string[] = [];
  const promos: SeriesPromotion[][] = [];
  const promoPtr = new Int32Array(m);
  const dipUntil = new Int32Array(m).fill(-1);

  const campaigns = catalog.campaigns.get(store.country) ?? [];
  const joins = campaigns.map(() => planRng.chance(0.85));
  const suppliers = catalog.suppliers;
  for (let j = 0; j < m; j++) {
    const p = series[j] as number;
    const product = catalog.products[p];
    const terms = catalog.primaryTerms[p];
    const list = catalog.prices.get(`${p}:${store.country}`);
    if (!product || !terms || !list)
      throw new Error(`incomplete catalog for product ${p} in ${store.country}`);
    rate[j] = product.baseRate * planRng.logNormal(0, 0.3);
    dispersion[j] = product.dispersion;
    elasticity[j] = product.elasticity;
    trend[j] = product.trend / 365;
    if (product.launchedDay !== undefined) launch[j] = product.launchedDay - startDay;
    if (product.discontinuedDay !== undefined) runOut[j] = product.discontinuedDay - startDay;
    // Stores receive via the chain's warehouse: a couple of days on top of the supplier's lead time.
    lead[j] = terms.leadTimeDays + planRng.int(1, 3);
    pack[j] = terms.packSize;
    supplier[j] = terms.supplierIndex;
    priceLists.push(list);
    refPrice[j] = list.cents[0] ?? 1;
    priceText.push('');
    yearly.push(context.yearly(market, product.categoryIndex, product.category));
    skus.push(product.sku);
    promos.push(
      planPromotions(
        planRng,
        campaigns,
        joins,
        p,
        startDay,
        from[j] as number,
        to[j] as number,
        runOut[j] as number,
      ),
    );
  }

  for (let j = 0; j < m; j++) {
    for (const promo of promos[j] ?? []) {
      sinks.promotions.row(
        `${store.code},${skus[j]},${dates[promo.start]},${dates[promo.end]},${promo.discountPct},${promo.kind}`,
      );
    }
  }
  if (sinks.promotions.wantsFlush) await sinks.promotions.flush();

  const code = store.code;
  const observer = sinks.observer;
  let reported = 0;
  for (let d = 0; d < days; d++) {
    const day = startDay + d;
    const date = dates[d] as string;
    const wd = weekday(day);
    const trading = open[d] === 1;
    const f = footfall[d] as number;
    const review = wd === store.reviewWeekday;
    const sunday = wd === 6;
    for (let j = 0; j < m; j++) {
      if (d < (from[j] as number) || d >= (to[j] as number)) continue;
      if (d === from[j]) {
        // Opening stock: what the order policy would hold for the planned rate.
        estimate[j] = (rate[j] as number) * store.scale * 0.9;
        const cover = (lead[j] as number) + 7;
        const target = (estimate[j] as number) * cover + 1.3 * Math.sqrt((estimate[j] as number) * cover) + 1;
        onHand[j] = Math.ceil(target / (pack[j] as number)) * (pack[j] as number);
        pricePtr[j] = 0;
        setPrice(j, 0);
      }
      let pc = pendingCount[j] as number;
      if (pc > 0) {
        const base = j * PENDING_SLOTS;
        for (let k = 0; k < pc; ) {
          if ((pendingDay[base + k] as number) <= d) {
            const q = pendingQty[base + k] as number;
            onHand[j] = (onHand[j] as number) + q;
            onOrder[j] = (onOrder[j] as number) - q;
            pc--;
            pendingDay[base + k] = pendingDay[base + pc] as number;
            pendingQty[base + k] = pendingQty[base + pc] as number;
          } else k++;
        }
        pendingCount[j] = pc;
      }
      if (trading) {
        const list = priceLists[j] as PriceList;
        let ptr = pricePtr[j] as number;
        if (ptr + 1 < list.days.length && (list.days[ptr + 1] as number) <= day) {
          while (ptr + 1 < list.days.length && (list.days[ptr + 1] as number) <= day) ptr++;
          pricePtr[j] = ptr;
          setPrice(j, ptr);
        }
        const plan = promos[j] as SeriesPromotion[];
        let pp = promoPtr[j] as number;
        while (pp < plan.length && (plan[pp] as SeriesPromotion).end < d) {
          const ended = plan[pp] as SeriesPromotion;
          // Customers who stocked up during a discount buy less for a week afterwards.
          if (ended.discountPct > 0) dipUntil[j] = ended.end + 7;
          pp++;
        }
        promoPtr[j] = pp;
        const promo = pp < plan.length && (plan[pp] as SeriesPromotion).start <= d ? plan[pp] : undefined;
        let mu =
          (rate[j] as number) * f * ((yearly[j] as Float64Array)[d] as number) * (priceFactor[j] as number);
        mu *= Math.exp((trend[j] as number) * d);
        const sinceLaunch = d - (launch[j] as number);
        if (sinceLaunch < 240) mu *= 0.3 + 0.7 * (1 - Math.exp(-sinceLaunch / 35));
        const untilRunOut = (runOut[j] as number) - d;
        if (untilRunOut < 90) mu *= 0.5 + (0.5 * untilRunOut) / 90;
        let discount = 0;
        if (promo) {
          discount = promo.discountPct;
          const e = elasticity[j] as number;
          if (promo.kind === 'display') mu *= 1.35;
          else mu *= Math.min(4, (1 - discount / 100) ** (-1.3 * e)) * (promo.kind === 'bundle' ? 1.1 : 1);
        } else if (d <= (dipUntil[j] as number)) mu *= 0.85;
        const demand = rng.negativeBinomial(mu, dispersion[j] as number);
        const stock = onHand[j] as number;
        const units = Math.min(demand, stock);
        onHand[j] = stock - units;
        // The store's demand estimate learns from sales; a sold-out day says demand was at least
        // the stock, so it may raise the estimate but not lower it.
        const est = estimate[j] as number;
        if (units < stock || units > est) estimate[j] = est + 0.04 * (units - est);
        const price = priceCents[j] as number;
        const line = `${code},${skus[j]},${date},${units},${formatCents(revenueCents(units, price, discount))},${priceText[j]},${promo ? 'true' : 'false'}`;
        sinks.sales.row(line);
        if (units > 0 && observer)
          observer.offer(line, store.index, series[j] as number, day, units, price, discount);
      }
      if (review) {
        const cover = (lead[j] as number) + 7;
        const est = estimate[j] as number;
        // A minimum presentation stock of two keeps even slow movers on the shelf.
        const target = Math.max(2, est * cover + 1.3 * Math.sqrt(est * cover) + 1);
        const position = (onHand[j] as number) + (onOrder[j] as number);
        pc = pendingCount[j] as number;
        if (position < target && pc < PENDING_SLOTS) {
          const size = pack[j] as number;
          const qty = Math.ceil((target - position) / size) * size;
          let arrival = d + (lead[j] as number) + rng.int(0, 2);
          for (const [a, b] of suppliers[supplier[j] as number]?.disruptions ?? []) {
            if (day >= a && day <= b) arrival += rng.int(7, 28);
          }
          const slot = j * PENDING_SLOTS + pc;
          pendingDay[slot] = arrival;
          pendingQty[slot] = qty;
          pendingCount[j] = pc + 1;
          onOrder[j] = (onOrder[j] as number) + qty;
        }
      }
      if (sunday) sinks.stock.row(`${code},${skus[j]},${date},${onHand[j]},${onOrder[j]}`);
    }
    if (sinks.sales.wantsFlush) await sinks.sales.flush();
    if (sinks.stock.wantsFlush) await sinks.stock.flush();
    if ((d & 31) === 31) {
      onDays(d + 1 - reported);
      reported = d + 1;
    }
  }
  onDays(days - reported);

  function setPrice(j: number, ptr: number): void {
    const cents = (priceLists[j] as PriceList).cents[ptr] as number;
    priceCents[j] = cents;
    priceText[j] = formatCents(cents);
    priceFactor[j] = (cents / (refPrice[j] as number)) ** -(elasticity[j] as number);
  }
}

/**
 * Promotions of one series over its listing window [from, to) in period days: the country
 * campaigns the store joins, a few local actions, and a clearance before a discontinuation.
 * Overlaps are resolved in favour of the clearance, then the earlier promotion.
 */
function planPromotions(
  rng: Rng,
  campaigns: readonly Campaign[],
  joins: readonly boolean[],
  productIndex: number,
  startDay: number,
  from: number,
  to: number,
  runOut: number,
): SeriesPromotion[] {
  const candidates: SeriesPromotion[] = [];
  campaigns.forEach((c, k) => {
    if (!joins[k] || !c.productIndices.has(productIndex)) return;
    candidates.push({
      start: c.startDay - startDay,
      end: c.endDay - startDay,
      kind: c.kind,
      discountPct: c.discountPct,
    });
  });
  const local = rng.poisson((0.6 * (to - from)) / 365);
  for (let k = 0; k < local; k++) {
    const start = rng.int(from, to - 1);
    const display = rng.chance(0.4);
    candidates.push({
      start,
      end: start + rng.int(3, 9),
      kind: display ? 'display' : 'price_cut',
      discountPct: display ? 0 : 5 * rng.int(2, 5),
    });
  }
  let clearance: SeriesPromotion | undefined;
  if (runOut <= to && runOut > from) {
    clearance = { start: runOut - 21, end: runOut - 1, kind: 'price_cut', discountPct: 5 * rng.int(6, 10) };
  }
  const clipped: SeriesPromotion[] = [];
  for (const c of candidates) {
    const start = Math.max(c.start, from);
    const end = Math.min(c.end, to - 1);
    if (start > end) continue;
    if (clearance && end >= clearance.start && start <= clearance.end) continue;
    clipped.push({ ...c, start, end });
  }
  if (clearance) {
    const start = Math.max(clearance.start, from);
    if (start <= clearance.end) clipped.push({ ...clearance, start });
  }
  clipped.sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: SeriesPromotion[] = [];
  for (const c of clipped) {
    const last = kept[kept.length - 1];
    if (last && c.start <= last.end) continue;
    kept.push(c);
  }
  return kept;
}
