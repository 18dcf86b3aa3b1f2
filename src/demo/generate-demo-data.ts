/**
 * @module demo/generate-demo-data
 * Entry point of the demo data generator: validates options, draws the catalog, streams every CSV
 * file to the output directory and reports row counts. Same seed, options and end date give
 * byte-identical files.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BadSalesIssue, buildBadSales, SaleSampler } from './bad-sales.js';
import { formatDay, parseDay } from './calendar.js';
import { type DemoCatalog, type DemoPeriod, generateCatalog } from './catalog-generator.js';
import { CsvFileWriter, csvField } from './csv-file-writer.js';
import { DemoDataError } from './demo-error.js';
import { formatCents, SimulationContext, simulateStore } from './sales-simulator.js';

/** The files the generator writes, each with its exact header. Other modules may rely on these. */
export const DEMO_FILE_COLUMNS = {
  'stores.csv': [
    'store_code',
    'name',
    'city',
    'country',
    'timezone',
    'currency',
    'opened_on',
    'closed_on',
    'format',
    'size_sqm',
  ],
  'suppliers.csv': ['supplier_code', 'name', 'country', 'currency', 'contact_email'],
  'products.csv': [
    'sku',
    'name',
    'category',
    'unit',
    'shelf_life_days',
    'certifications',
    'launched_on',
    'discontinued_on',
  ],
  'product_suppliers.csv': [
    'sku',
    'supplier_code',
    'lead_time_days',
    'min_order_qty',
    'pack_size',
    'unit_cost',
    'currency',
    'is_primary',
  ],
  'sales.csv': ['store_code', 'sku', 'date', 'units', 'revenue', 'price', 'on_promotion'],
  'stock.csv': ['store_code', 'sku', 'date', 'on_hand', 'on_order'],
  'promotions.csv': ['store_code', 'sku', 'start_date', 'end_date', 'discount_pct', 'kind'],
  'prices.csv': ['sku', 'country', 'valid_from', 'price', 'currency'],
  'holidays.csv': ['country', 'date', 'name'],
  'bad_sales.csv': ['store_code', 'sku', 'date', 'units', 'revenue', 'price', 'on_promotion'],
} as const satisfies Record<string, readonly string[]>;

export type DemoFileName = keyof typeof DEMO_FILE_COLUMNS;

export const DEMO_DEFAULTS = { stores: 20, products: 150, days: 730, seed: 42 } as const;

export interface DemoDataOptions {
  /** Directory to write into; created if missing. Existing files of the same names are replaced. */
  outDir: string;
  stores?: number;
  products?: number;
  /** Length of the period in days, ending on `end`. */
  days?: number;
  seed?: number;
  /** Last day of the period, `YYYY-MM-DD`; defaults to yesterday (UTC). */
  end?: string;
}

export interface DemoProgress {
  phase: 'catalog' | 'sales' | 'bad-sales' | 'done';
  /** Store-days simulated so far. */
  completed: number;
  total: number;
}

export interface DemoFile {
  name: DemoFileName;
  path: string;
  rows: number;
  bytes: number;
}

export interface DemoDataResult {
  outDir: string;
  seed: number;
  stores: number;
  products: number;
  days: number;
  startDate: string;
  endDate: string;
  countries: string[];
  files: DemoFile[];
  /** The deliberately bad rows of `bad_sales.csv`, by line (header = line 1). */
  badSales: BadSalesIssue[];
}

/**
 * Generates the demo chain's data set into `options.outDir`.
 *
 * @example
 * const result = await generateDemoData({ outDir: 'demo-data', stores: 5, days: 120, end: '2025-06-30' });
 * result.files.find((f) => f.name === 'sales.csv')?.rows; // tens of thousands
 */
export async function generateDemoData(
  options: DemoDataOptions,
  onProgress?: (progress: DemoProgress) => void,
): Promise<DemoDataResult> {
  const stores = integerOption('stores', options.stores ?? DEMO_DEFAULTS.stores, 1, 10_000);
  const products = integerOption('products', options.products ?? DEMO_DEFAULTS.products, 1, 200_000);
  const days = integerOption('days', options.days ?? DEMO_DEFAULTS.days, 28, 20 * 366);
  const seed = integerOption('seed', options.seed ?? DEMO_DEFAULTS.seed, 0, 0xffff_ffff);
  const endDay = endOption(options.end);
  if (typeof options.outDir !== 'string' || options.outDir.trim() === '') {
    throw new DemoDataError('DEMO_INVALID_OPTION', 'an output directory is required (--out DIR)', 'outDir');
  }
  const outDir = resolve(options.outDir);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new DemoDataError(
      'DEMO_OUTPUT_FAILED',
      `cannot create output directory ${outDir}: ${(error as Error).message}; choose a writable --out path`,
    );
  }

  const period: DemoPeriod = { startDay: endDay - days + 1, endDay, days };
  onProgress?.({ phase: 'catalog', completed: 0, total: stores * days });
  const catalog = generateCatalog({ seed, stores, products, period });
  const files: DemoFile[] = [];
  const open = (name: DemoFileName): CsvFileWriter =>
    new CsvFileWriter(join(outDir, name), DEMO_FILE_COLUMNS[name]);
  const done = async (name: DemoFileName, writer: CsvFileWriter): Promise<void> => {
    await writer.close();
    files.push({ name, path: writer.path, rows: writer.rows, bytes: writer.bytes });
  };

  await writeMasterData(catalog, open, done);

  const sales = open('sales.csv');
  const stock = open('stock.csv');
  const promotions = open('promotions.csv');
  const sampler = new SaleSampler(seed, 300);
  const context = new SimulationContext(catalog);
  let completed = 0;
  try {
    for (const store of catalog.stores) {
      await simulateStore(context, store, { sales, stock, promotions, observer: sampler }, (n) => {
        completed += n;
        onProgress?.({ phase: 'sales', completed, total: stores * days });
      });
    }
  } catch (error) {
    sales.destroy();
    stock.destroy();
    promotions.destroy();
    throw outputError(error);
  }
  await done('sales.csv', sales);
  await done('stock.csv', stock);
  await done('promotions.csv', promotions);

  onProgress?.({ phase: 'bad-sales', completed, total: stores * days });
  const batch = buildBadSales(catalog, sampler.samples);
  const bad = open('bad_sales.csv');
  for (const line of batch.lines) bad.row(line);
  await done('bad_sales.csv', bad);
  onProgress?.({ phase: 'done', completed, total: stores * days });

  const order = Object.keys(DEMO_FILE_COLUMNS);
  files.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return {
    outDir,
    seed,
    stores,
    products,
    days,
    startDate: formatDay(period.startDay),
    endDate: formatDay(period.endDay),
    countries: catalog.countries,
    files,
    badSales: batch.issues,
  };
}

async function writeMasterData(
  catalog: DemoCatalog,
  open: (name: DemoFileName) => CsvFileWriter,
  done: (name: DemoFileName, writer: CsvFileWriter) => Promise<void>,
): Promise<void> {
  const stores = open('stores.csv');
  for (const s of catalog.stores) {
    stores.row(
      [
        s.code,
        csvField(s.name),
        csvField(s.city),
        s.country,
        s.timezone,
        s.currency,
        formatDay(s.openedDay),
        s.closedDay === undefined ? '' : formatDay(s.closedDay),
        s.format,
        String(s.sizeSqm),
      ].join(','),
    );
  }
  await done('stores.csv', stores);

  const suppliers = open('suppliers.csv');
  for (const s of catalog.suppliers) {
    suppliers.row([s.code, csvField(s.name), s.country, s.currency, s.email].join(','));
  }
  await done('suppliers.csv', suppliers);

  const products = open('products.csv');
  for (const p of catalog.products) {
    products.row(
      [
        p.sku,
        csvField(p.name),
        p.category.name,
        p.unit,
        p.shelfLifeDays === undefined ? '' : String(p.shelfLifeDays),
        p.certifications.join('|'),
        p.launchedDay === undefined ? '' : formatDay(p.launchedDay),
        p.discontinuedDay === undefined ? '' : formatDay(p.discontinuedDay),
      ].join(','),
    );
  }
  await done('products.csv', products);

  const terms = open('product_suppliers.csv');
  for (const t of catalog.terms) {
    const product = catalog.products[t.productIndex];
    const supplier = catalog.suppliers[t.supplierIndex];
    if (!product || !supplier) continue;
    terms.row(
      [
        product.sku,
        supplier.code,
        t.leadTimeDays,
        t.minOrderQty,
        t.packSize,
        formatCents(t.unitCostCents),
        supplier.currency,
        t.isPrimary ? 'true' : 'false',
      ].join(','),
    );
  }
  await done('product_suppliers.csv', terms);

  const prices = open('prices.csv');
  for (const p of catalog.products) {
    for (const country of catalog.countries) {
      const list = catalog.prices.get(`${p.index}:${country}`);
      if (!list) continue;
      const currency = catalog.stores.find((s) => s.country === country)?.currency ?? '';
      list.days.forEach((day, i) => {
        prices.row([p.sku, country, formatDay(day), formatCents(list.cents[i] ?? 0), currency].join(','));
      });
    }
    if (prices.wantsFlush) await prices.flush();
  }
  await done('prices.csv', prices);

  const holidays = open('holidays.csv');
  for (const h of catalog.holidays) holidays.row([h.country, formatDay(h.day), csvField(h.name)].join(','));
  await done('holidays.csv', holidays);
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DemoDataError(
      'DEMO_INVALID_OPTION',
      `${name} must be a whole number between ${min} and ${max}, got ${String(value)}`,
      name,
    );
  }
  return value;
}

function endOption(end: string | undefined): number {
  if (end === undefined) return Math.floor(Date.now() / 86_400_000) - 1;
  const day = parseDay(end);
  if (day === undefined) {
    throw new DemoDataError(
      'DEMO_INVALID_OPTION',
      `end must be a date written YYYY-MM-DD, got '${end}'`,
      'end',
    );
  }
  return day;
}

function outputError(error: unknown): unknown {
  if (error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const code = (error as { code: string }).code;
    if (code.startsWith('E')) {
      return new DemoDataError(
        'DEMO_OUTPUT_FAILED',
        `writing the demo data failed (${code}): ${error.message}`,
      );
    }
  }
  return error;
}
