/**
 * @module demo/bad-sales
 * The deliberately flawed sales batch (`bad_sales.csv`): about two hundred valid rows copied from
 * the generated sales plus about thirty rows that each show exactly one problem an ingest must
 * catch. The kinds and line numbers are returned so tests of validation code know what to expect.
 */
import { civilDate, formatDay } from './calendar.js';
import type { DemoCatalog } from './catalog-generator.js';
import { csvField } from './csv-file-writer.js';
import { Rng } from './prng.js';
import { formatCents, revenueCents, type SaleObserver } from './sales-simulator.js';

/** The problems a row of `bad_sales.csv` can show; each bad row shows exactly one. */
export const BAD_SALES_KINDS = [
  'unknown_store',
  'unknown_sku',
  'negative_units',
  'absurd_units',
  'non_numeric_units',
  'invalid_date',
  'future_date',
  'before_store_opening',
  'missing_field',
  'duplicate_key',
  'decimal_comma_price',
] as const;

export type BadSalesKind = (typeof BAD_SALES_KINDS)[number];

/** One deliberately bad row: its line in the file (the header is line 1) and what is wrong. */
export interface BadSalesIssue {
  line: number;
  kind: BadSalesKind;
  detail: string;
}

export interface BadSalesBatch {
  /** Data lines in file order, without the header. */
  lines: string[];
  issues: BadSalesIssue[];
  goodRows: number;
}

export interface SampledSale {
  line: string;
  storeIndex: number;
  productIndex: number;
  day: number;
  units: number;
  priceCents: number;
  discountPct: number;
}

/**
 * Keeps a uniform random sample of sales rows (reservoir sampling, Vitter's algorithm R), so the
 * good rows of the bad batch come from anywhere in a file that is never held in memory.
 */
export class SaleSampler implements SaleObserver {
  readonly #rng: Rng;
  readonly #capacity: number;
  readonly samples: SampledSale[] = [];
  #seen = 0;

  constructor(seed: number, capacity: number) {
    this.#rng = Rng.derive(seed, 'sale-sampler');
    this.#capacity = capacity;
  }

  offer(
    line: string,
    storeIndex: number,
    productIndex: number,
    day: number,
    units: number,
    priceCents: number,
    discountPct: number,
  ): void {
    this.#seen++;
    if (this.samples.length < this.#capacity) {
      this.samples.push({ line, storeIndex, productIndex, day, units, priceCents, discountPct });
      return;
    }
    const k = Math.floor(this.#rng.next() * this.#seen);
    if (k < this.#capacity)
      this.samples[k] = { line, storeIndex, productIndex, day, units, priceCents, discountPct };
  }
}

/** Number of valid rows the bad batch aims for. */
export const BAD_BATCH_GOOD_ROWS = 200;

/**
 * Builds the bad-sales batch from sampled valid sales.
 *
 * @example
 * const batch = buildBadSales(catalog, sampler.samples);
 * batch.issues.filter((i) => i.kind === 'duplicate_key').length; // 2
 */
export function buildBadSales(catalog: DemoCatalog, samples: readonly SampledSale[]): BadSalesBatch {
  const rng = Rng.derive(catalog.seed, 'bad-sales');
  // Sort first so the batch does not depend on the order samples were replaced in the reservoir.
  const pool = rng.shuffle([...samples].sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0)));
  const bases = pool.splice(0, Math.min(pool.length, 40));
  const good = pool.slice(0, BAD_BATCH_GOOD_ROWS);
  const bad: { line: string; kind: BadSalesKind; detail: string }[] = [];
  let b = 0;
  const nextBase = (): SampledSale | undefined => bases[b++ % Math.max(1, bases.length)];
  const fields = (s: SampledSale): string[] => s.line.split(',');
  // Changing units keeps revenue consistent, so the row shows exactly one problem.
  const withUnits = (s: SampledSale, units: number): string[] => {
    const out = fields(s);
    out[3] = String(units);
    out[4] = formatCents(revenueCents(units, s.priceCents, s.discountPct));
    return out;
  };
  const add = (kind: BadSalesKind, detail: string, f: string[]): void => {
    bad.push({ kind, detail, line: f.join(',') });
  };
  const { startDay, endDay } = catalog.period;

  for (let k = 0; k < 3; k++) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    const code = ['XX-NOP-01', 'DE-BER-99', 'US-ATL-07'][k] as string;
    f[0] = code;
    add('unknown_store', `store_code ${code} is not in stores.csv`, f);
  }
  for (let k = 0; k < 3; k++) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    const sku = ['ZZ-99999', 'HH-77777', 'sku-0001'][k] as string;
    f[1] = sku;
    add('unknown_sku', `sku ${sku} is not in products.csv`, f);
  }
  for (let k = 0; k < 3; k++) {
    const base = nextBase();
    if (!base) break;
    const units = -rng.int(1, 12);
    add('negative_units', `units ${units} is negative`, withUnits(base, units));
  }
  for (const units of [10_000_000, 2_500_000]) {
    const base = nextBase();
    if (!base) break;
    add('absurd_units', `units ${units} is far beyond any plausible daily sale`, withUnits(base, units));
  }
  for (const text of ['twelve', 'n/a', '3 pcs']) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    f[3] = text;
    add('non_numeric_units', `units '${text}' is not a number`, f);
  }
  const year = civilDate(endDay).year;
  for (const text of [`${year}-02-30`, 'yesterday', `${year}-13-01`, `31/12/${year - 1}`]) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    f[2] = text;
    add('invalid_date', `date '${text}' is not a valid YYYY-MM-DD date`, f);
  }
  for (let k = 0; k < 2; k++) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    const { year: y, month, day } = civilDate(base.day);
    // A mistyped year decades ahead: after the period and after any plausible run date.
    const date = formatDay(Date.UTC(y + 30 + k, month - 1, Math.min(day, 28)) / 86_400_000);
    f[2] = date;
    add('future_date', `date ${date} is in the future`, f);
  }
  const lateOpeners = catalog.stores.filter((s) => s.openedDay > startDay + 1);
  for (let k = 0; k < 2 && lateOpeners.length > 0; k++) {
    if (k === 1 && lateOpeners.length < 2) break;
    const store = lateOpeners[k === 0 ? 0 : lateOpeners.length - 1];
    if (!store) break;
    const day = Math.max(startDay, store.openedDay - rng.int(1, 30));
    const carried = (catalog.assortments[store.index] ?? []).filter((p) => {
      const product = catalog.products[p];
      return (
        product && (product.launchedDay ?? startDay) <= day && (product.discontinuedDay ?? endDay + 1) > day
      );
    });
    if (carried.length === 0 || day >= store.openedDay) continue;
    const product = catalog.products[rng.pick(carried)];
    const list = product && catalog.prices.get(`${product.index}:${store.country}`);
    if (!product || !list) continue;
    let price = list.cents[0] as number;
    for (let i = 0; i < list.days.length; i++)
      if ((list.days[i] as number) <= day) price = list.cents[i] as number;
    const units = rng.int(1, 4);
    add('before_store_opening', `store ${store.code} opened on ${formatDay(store.openedDay)}`, [
      store.code,
      product.sku,
      formatDay(day),
      String(units),
      formatCents(revenueCents(units, price, 0)),
      formatCents(price),
      'false',
    ]);
  }
  for (const column of [0, 1, 2, 3]) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    const name = ['store_code', 'sku', 'date', 'units'][column] as string;
    f[column] = '';
    add('missing_field', `required field ${name} is empty`, f);
  }
  for (let k = 0; k < 2 && good.length > k; k++) {
    const original = good[(k * 37) % good.length] as SampledSale;
    const f = fields(original);
    add(
      'duplicate_key',
      `store ${f[0]}, sku ${f[1]}, date ${f[2]} appears twice`,
      withUnits(original, original.units + rng.int(1, 5)),
    );
  }
  for (let k = 0; k < 2; k++) {
    const base = nextBase();
    if (!base) break;
    const f = fields(base);
    const price = f[5] ?? '0.00';
    f[5] = csvField(price.replace('.', ','));
    add('decimal_comma_price', `price ${f[5]} uses a decimal comma`, f);
  }

  // Interleave: shuffle the bad rows in among the good ones, keeping each duplicate after its original.
  type Entry = { line: string; kind?: BadSalesKind; detail?: string };
  const entries: Entry[] = good.map((s) => ({ line: s.line }));
  for (const row of bad) {
    const at = row.kind === 'duplicate_key' ? entries.length : rng.int(0, entries.length);
    entries.splice(at, 0, row);
  }
  const issues: BadSalesIssue[] = [];
  entries.forEach((e, i) => {
    if (e.kind) issues.push({ line: i + 2, kind: e.kind, detail: e.detail ?? '' });
  });
  return { lines: entries.map((e) => e.line), issues, goodRows: good.length };
}
