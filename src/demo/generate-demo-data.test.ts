import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BAD_SALES_KINDS } from './bad-sales.js';
import { parseDay, weekday } from './calendar.js';
import { DemoDataError } from './demo-error.js';
import {
  DEMO_FILE_COLUMNS,
  type DemoDataResult,
  type DemoFileName,
  generateDemoData,
} from './generate-demo-data.js';

const OPTIONS = { stores: 14, products: 48, days: 400, seed: 7, end: '2025-12-31' } as const;

/** Splits a CSV file into rows of fields (RFC 4180 quoting, no embedded line breaks). */
function parseCsv(text: string): string[][] {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'file ends with a line break');
  return lines.map((line) => {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (line[i] === '"') {
            i++;
            break;
          } else value += line[i++];
        }
        fields.push(value);
        i++;
      } else {
        const end = line.indexOf(',', i);
        const stop = end === -1 ? line.length : end;
        fields.push(line.slice(i, stop));
        i = stop + 1;
      }
    }
    return fields;
  });
}

type Row = Record<string, string>;

describe('generateDemoData', () => {
  let dir: string;
  let result: DemoDataResult;
  const text = new Map<DemoFileName, string>();
  const rows = new Map<DemoFileName, Row[]>();
  const table = (name: DemoFileName): Row[] => rows.get(name) ?? [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shelfcast-demo-'));
    result = await generateDemoData({ outDir: join(dir, 'a'), ...OPTIONS });
    for (const name of Object.keys(DEMO_FILE_COLUMNS) as DemoFileName[]) {
      const content = await readFile(join(dir, 'a', name), 'utf8');
      text.set(name, content);
      const [header, ...data] = parseCsv(content);
      rows.set(
        name,
        data.map((fields) => Object.fromEntries((header ?? []).map((h, i) => [h, fields[i] ?? '']))),
      );
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every file with exactly its header and reports the row counts', async () => {
    assert.deepEqual((await readdir(join(dir, 'a'))).sort(), Object.keys(DEMO_FILE_COLUMNS).sort());
    for (const [name, columns] of Object.entries(DEMO_FILE_COLUMNS) as [DemoFileName, readonly string[]][]) {
      const content = text.get(name) ?? '';
      assert.equal(content.slice(0, content.indexOf('\n')), columns.join(','), name);
      const file = result.files.find((f) => f.name === name);
      assert.equal(file?.rows, table(name).length, name);
      assert.equal(file?.bytes, Buffer.byteLength(content), name);
      if (name !== 'bad_sales.csv') {
        for (const row of table(name)) assert.equal(Object.keys(row).length, columns.length, name);
      }
    }
    assert.ok(table('sales.csv').length > 10_000);
  });

  it('gives byte-identical files for the same seed and different sales for another seed', async () => {
    await generateDemoData({ outDir: join(dir, 'b'), ...OPTIONS });
    await generateDemoData({ outDir: join(dir, 'c'), ...OPTIONS, seed: 8 });
    for (const name of Object.keys(DEMO_FILE_COLUMNS)) {
      const again = await readFile(join(dir, 'b', name), 'utf8');
      assert.ok(again === text.get(name as DemoFileName), `${name} differs between two runs`);
    }
    const other = await readFile(join(dir, 'c', 'sales.csv'), 'utf8');
    assert.notEqual(other, text.get('sales.csv'));
    assert.notEqual(await readFile(join(dir, 'c', 'stores.csv'), 'utf8'), text.get('stores.csv'));
  });

  it('opens stores worldwide: at least 10 countries, valid codes, staggered openings', () => {
    const stores = table('stores.csv');
    assert.equal(stores.length, OPTIONS.stores);
    assert.ok(new Set(stores.map((s) => s.country)).size >= 10);
    assert.ok(new Set(stores.map((s) => s.currency)).size >= 7);
    assert.equal(new Set(stores.map((s) => s.store_code)).size, stores.length);
    const start = parseDay(result.startDate) as number;
    const opened = stores.map((s) => parseDay(s.opened_on ?? '') as number);
    const before = opened.filter((d) => d < start).length;
    assert.ok(before >= 1 && before <= stores.length / 3, `${before} stores open before the period`);
    assert.ok(new Set(opened.filter((d) => d >= start)).size >= stores.length / 2, 'openings are staggered');
    for (const s of stores) {
      assert.match(s.country ?? '', /^[A-Z]{2}$/);
      assert.match(s.currency ?? '', /^[A-Z]{3}$/);
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: s.timezone }), s.timezone);
      assert.ok(['kiosk', 'small', 'medium', 'flagship'].includes(s.format ?? ''));
      assert.ok(Number(s.size_sqm) > 0);
    }
  });

  it('keeps keys consistent: sales only for known series while the store trades and the product is listed', () => {
    const stores = new Map(table('stores.csv').map((s) => [s.store_code, s]));
    const products = new Map(table('products.csv').map((p) => [p.sku, p]));
    const start = parseDay(result.startDate) as number;
    const end = parseDay(result.endDate) as number;
    const seen = new Set<string>();
    for (const r of table('sales.csv')) {
      const store = stores.get(r.store_code);
      const product = products.get(r.sku);
      assert.ok(store && product, `${r.store_code} / ${r.sku} must exist`);
      const day = parseDay(r.date ?? '') as number;
      assert.ok(day >= start && day <= end);
      assert.ok(day >= (parseDay(store.opened_on ?? '') as number), 'no sale before the store opened');
      if (store.closed_on) assert.ok(day < (parseDay(store.closed_on) as number), 'no sale after closing');
      if (product.launched_on)
        assert.ok(day >= (parseDay(product.launched_on) as number), 'no sale before launch');
      if (product.discontinued_on) assert.ok(day < (parseDay(product.discontinued_on) as number));
      assert.match(r.units ?? '', /^\d+$/);
      const key = `${r.store_code}|${r.sku}|${r.date}`;
      assert.ok(!seen.has(key), `duplicate key ${key}`);
      seen.add(key);
    }
    const terms = table('product_suppliers.csv');
    const suppliers = new Set(table('suppliers.csv').map((s) => s.supplier_code));
    for (const t of terms) {
      assert.ok(products.has(t.sku) && suppliers.has(t.supplier_code));
      const lead = Number(t.lead_time_days);
      assert.ok(lead >= 2 && lead <= 60);
      assert.equal(Number(t.min_order_qty) % Number(t.pack_size), 0, 'MOQ is whole packs');
    }
    for (const sku of products.keys()) {
      assert.equal(terms.filter((t) => t.sku === sku && t.is_primary === 'true').length, 1, sku);
    }
    for (const s of table('stock.csv')) {
      assert.ok(stores.has(s.store_code) && products.has(s.sku));
      assert.equal(weekday(parseDay(s.date ?? '') as number), 6, 'stock is counted on Sundays');
      assert.ok(Number(s.on_hand) >= 0 && Number(s.on_order) >= 0);
    }
  });

  it('leaves out days a store is closed: Sundays in Germany and closing holidays', () => {
    const countryOf = new Map(table('stores.csv').map((s) => [s.store_code, s.country]));
    const de = table('sales.csv').filter((r) => countryOf.get(r.store_code) === 'DE');
    assert.ok(de.length > 0, 'the sample chain has a German store');
    assert.ok(de.every((r) => weekday(parseDay(r.date ?? '') as number) !== 6));
    for (const r of table('sales.csv')) {
      assert.ok(
        !r.date?.endsWith('-12-25') || ['IN', 'JP'].includes(countryOf.get(r.store_code) ?? ''),
        r.date,
      );
    }
    const countries = new Set(countryOf.values());
    const holidayCountries = new Set(table('holidays.csv').map((h) => h.country));
    assert.deepEqual([...holidayCountries].sort(), [...countries].sort());
  });

  it('prices sales from the price list and applies promotion discounts to revenue', () => {
    const countryOf = new Map(table('stores.csv').map((s) => [s.store_code, s.country]));
    const lists = new Map<string, { from: number; price: string }[]>();
    const priceKeys = new Set<string>();
    for (const p of table('prices.csv')) {
      const entry = `${p.sku}|${p.country}|${p.valid_from}`;
      assert.ok(!priceKeys.has(entry), `one price-list entry per sku, country and day: ${entry}`);
      priceKeys.add(entry);
      const key = `${p.sku}|${p.country}`;
      const list = lists.get(key) ?? [];
      list.push({ from: parseDay(p.valid_from ?? '') as number, price: p.price ?? '' });
      lists.set(key, list);
    }
    assert.ok(
      [...lists.values()].some((l) => l.length > 1),
      'some prices change over the period',
    );
    const promos = new Map<string, { from: number; to: number; pct: number }[]>();
    for (const p of table('promotions.csv')) {
      const key = `${p.store_code}|${p.sku}`;
      const list = promos.get(key) ?? [];
      list.push({
        from: parseDay(p.start_date ?? '') as number,
        to: parseDay(p.end_date ?? '') as number,
        pct: Number(p.discount_pct),
      });
      promos.set(key, list);
    }
    let promoRows = 0;
    for (const r of table('sales.csv')) {
      const day = parseDay(r.date ?? '') as number;
      const list = lists.get(`${r.sku}|${countryOf.get(r.store_code)}`) ?? [];
      const valid = list.filter((e) => e.from <= day).pop();
      assert.equal(r.price, valid?.price, `price of ${r.store_code} ${r.sku} ${r.date}`);
      const promo = (promos.get(`${r.store_code}|${r.sku}`) ?? []).find((p) => p.from <= day && day <= p.to);
      assert.equal(r.on_promotion, promo ? 'true' : 'false');
      if (promo) promoRows++;
      const expected =
        Math.round(Number(r.units) * Math.round(Number(r.price) * 100) * (100 - (promo?.pct ?? 0))) / 100;
      assert.equal(
        Math.round(Number(r.revenue) * 100),
        Math.round(expected),
        `revenue of ${JSON.stringify(r)}`,
      );
    }
    assert.ok(promoRows > 100);
  });

  it('has intermittent slow movers, fast movers and stock-outs', () => {
    const series = new Map<string, { n: number; zeros: number }>();
    for (const r of table('sales.csv')) {
      const key = `${r.store_code}|${r.sku}`;
      const s = series.get(key) ?? { n: 0, zeros: 0 };
      s.n++;
      if (r.units === '0') s.zeros++;
      series.set(key, s);
    }
    const long = [...series.values()].filter((s) => s.n >= 60);
    const intermittent = long.filter((s) => s.zeros / s.n > 0.5).length;
    const fast = long.filter((s) => s.zeros / s.n < 0.2).length;
    assert.ok(
      intermittent >= 0.05 * long.length,
      `${intermittent} of ${long.length} series are intermittent`,
    );
    assert.ok(fast >= 0.1 * long.length, `${fast} of ${long.length} series are fast movers`);
    const empty = table('stock.csv').filter((s) => s.on_hand === '0').length;
    assert.ok(empty > 0 && empty < 0.25 * table('stock.csv').length, `${empty} empty shelves`);
  });

  it('shows weekly seasonality: Saturdays sell more than midweek days', () => {
    const units = [0, 0, 0, 0, 0, 0, 0];
    const count = [0, 0, 0, 0, 0, 0, 0];
    for (const r of table('sales.csv')) {
      const wd = weekday(parseDay(r.date ?? '') as number);
      units[wd] = (units[wd] ?? 0) + Number(r.units);
      count[wd] = (count[wd] ?? 0) + 1;
    }
    const mean = (wd: number): number => (units[wd] ?? 0) / (count[wd] ?? 1);
    const ratio = mean(5) / ((mean(1) + mean(2)) / 2);
    assert.ok(ratio > 1.2, `Saturday / midweek ratio ${ratio.toFixed(2)}`);
  });

  it('lists launches and discontinuations within the period', () => {
    const products = table('products.csv');
    assert.ok(products.some((p) => p.launched_on !== ''));
    assert.ok(products.some((p) => p.launched_on === ''));
    assert.ok(new Set(products.map((p) => p.category)).size >= 10);
    for (const p of products) {
      assert.ok(['piece', 'kg', 'litre', 'pack'].includes(p.unit ?? ''));
      assert.match(p.certifications ?? '', /^([a-z-]+(\|[a-z-]+)*)?$/);
    }
  });

  it('writes a bad sales batch with every kind of problem among valid rows copied from sales', () => {
    const stores = new Map(table('stores.csv').map((s) => [s.store_code, s]));
    const skus = new Set(table('products.csv').map((p) => p.sku));
    const salesLines = new Set((text.get('sales.csv') ?? '').split('\n'));
    const lines = (text.get('bad_sales.csv') ?? '').split('\n');
    const bad = table('bad_sales.csv');
    const byLine = new Map(result.badSales.map((i) => [i.line, i]));
    for (const kind of BAD_SALES_KINDS)
      assert.ok(
        result.badSales.some((i) => i.kind === kind),
        kind,
      );
    assert.ok(result.badSales.length >= 25 && result.badSales.length <= 40);
    assert.ok(bad.length - result.badSales.length >= 150, 'mostly valid rows');
    const end = parseDay(result.endDate) as number;
    const keys = new Map<string, number>();
    bad.forEach((r, i) => {
      const line = i + 2;
      const issue = byLine.get(line);
      const key = `${r.store_code}|${r.sku}|${r.date}`;
      const firstLine = keys.get(key);
      if (firstLine === undefined) keys.set(key, line);
      if (!issue) {
        assert.ok(salesLines.has(lines[i + 1] ?? ''), `good row ${line} is a row of sales.csv`);
        return;
      }
      const day = parseDay(r.date ?? '');
      switch (issue.kind) {
        case 'unknown_store':
          assert.ok(!stores.has(r.store_code));
          break;
        case 'unknown_sku':
          assert.ok(!skus.has(r.sku ?? ''));
          break;
        case 'negative_units':
          assert.ok(Number(r.units) < 0);
          break;
        case 'absurd_units':
          assert.ok(Number(r.units) >= 1e6);
          break;
        case 'non_numeric_units':
          assert.ok(Number.isNaN(Number(r.units)));
          break;
        case 'invalid_date':
          assert.equal(day, undefined);
          break;
        case 'future_date':
          assert.ok(day !== undefined && day > end && day > Date.now() / 86_400_000);
          break;
        case 'before_store_opening':
          assert.ok(
            day !== undefined && day < (parseDay(stores.get(r.store_code)?.opened_on ?? '') as number),
          );
          break;
        case 'missing_field':
          assert.ok([r.store_code, r.sku, r.date, r.units].includes(''));
          break;
        case 'duplicate_key':
          assert.ok(firstLine !== undefined && firstLine < line, `line ${line} repeats an earlier key`);
          break;
        case 'decimal_comma_price':
          assert.match(r.price ?? '', /^\d+,\d{2}$/);
          break;
      }
    });
  });

  it('reports progress and rejects bad options with a typed error', async () => {
    const seen: number[] = [];
    await generateDemoData(
      { outDir: join(dir, 'd'), stores: 2, products: 12, days: 30, end: '2025-01-31' },
      (p) => {
        if (p.phase === 'sales') seen.push(p.completed / p.total);
      },
    );
    assert.ok(seen.length > 0 && seen.at(-1) === 1);
    assert.ok(seen.every((x, i) => i === 0 || x >= (seen[i - 1] ?? 0)));
    for (const bad of [{ stores: 0 }, { days: 3 }, { seed: -1 }, { end: '2025-02-30' }, { products: 1.5 }]) {
      await assert.rejects(
        generateDemoData({ outDir: join(dir, 'e'), ...bad }),
        (e: unknown) => e instanceof DemoDataError && e.code === 'DEMO_INVALID_OPTION',
      );
    }
  });
});
