import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetWriteFile } from 'hyparquet-writer';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { InputFileError } from '../io/io-error.js';
import { getBatch } from './batch-queries.js';
import { IngestError } from './ingest-error.js';
import { ingestFile } from './ingest-file.js';
import { fixtureDir } from './testing/ingest-fixtures.js';

const NOW = new Date('2024-07-01T12:00:00Z');
const b = testBackend();

async function withCatalog(
  t: { after: (fn: () => Promise<void>) => void },
  extra: Record<string, string | Buffer> = {},
) {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const dir = fixtureDir(extra);
  for (const entity of ['stores', 'products', 'suppliers']) {
    const r = await ingestFile(db, entity, join(dir, `${entity}.csv`), { now: NOW });
    assert.equal(r.status, 'applied');
  }
  return { db, dir };
}

async function count(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

const SALES = `store_code,sku,date,units,revenue,price,on_promotion
BER1,BRUSH-01,2024-01-01,3,11.97,3.99,false
BER1,COFFEE-01,2024-01-01,1,12.5,12.5,true
TYO1,BRUSH-01,2024-06-02,2,800,400,false
`;

test(`[${b}] catalog and sales are stored with ids resolved from codes`, async (t) => {
  const { db, dir } = await withCatalog(t, { 'sales.csv': SALES });
  const r = await ingestFile(db, 'sales', join(dir, 'sales.csv'), { now: NOW });
  assert.equal(r.status, 'applied');
  assert.deepEqual(
    [r.rowsRead, r.rowsInserted, r.rowsUpdated, r.rowsUnchanged, r.rowsRejected],
    [3, 3, 0, 0, 0],
  );
  const rows = await db.query<{ store_code: string; sku: string; units: number; on_promotion: boolean }>(
    `SELECT st.store_code, p.sku, s.units, s.on_promotion FROM sales s
     JOIN stores st USING (store_id) JOIN products p USING (product_id) ORDER BY st.store_code, p.sku`,
  );
  assert.deepEqual(rows[1], { store_code: 'BER1', sku: 'COFFEE-01', units: 1, on_promotion: true });
  const products = await db.query<{ certifications: string[] }>(
    `SELECT certifications FROM products WHERE sku = 'COFFEE-01'`,
  );
  assert.deepEqual(products[0]?.certifications, ['fairtrade', 'organic']);
});

test(`[${b}] a re-sent file and re-sent rows change nothing; changed rows are updates`, async (t) => {
  const changed = SALES.replace('BER1,BRUSH-01,2024-01-01,3,11.97', 'BER1,BRUSH-01,2024-01-01,4,15.96');
  const reordered = SALES.split('\n')
    .slice(0, 1)
    .concat(SALES.trim().split('\n').slice(1).reverse())
    .join('\n');
  const { db, dir } = await withCatalog(t, {
    'sales.csv': SALES,
    'again.csv': reordered,
    'changed.csv': changed,
  });
  await ingestFile(db, 'sales', join(dir, 'sales.csv'), { now: NOW });
  const snapshot = await db.query('SELECT * FROM sales ORDER BY store_id, product_id, sale_date');

  const resent = await ingestFile(db, 'sales', join(dir, 'sales.csv'), { now: NOW });
  assert.equal(resent.status, 'duplicate');
  assert.equal(resent.rowsUnchanged, 3);
  assert.deepEqual(await db.query('SELECT * FROM sales ORDER BY store_id, product_id, sale_date'), snapshot);

  const same = await ingestFile(db, 'sales', join(dir, 'again.csv'), { now: NOW });
  assert.equal(same.status, 'applied');
  assert.deepEqual([same.rowsInserted, same.rowsUpdated, same.rowsUnchanged], [0, 0, 3]);
  assert.deepEqual(await db.query('SELECT * FROM sales ORDER BY store_id, product_id, sale_date'), snapshot);

  const upd = await ingestFile(db, 'sales', join(dir, 'changed.csv'), { now: NOW });
  assert.deepEqual([upd.rowsInserted, upd.rowsUpdated, upd.rowsUnchanged], [0, 1, 2]);
  assert.equal(await count(db, 'sales'), 3);
});

const BAD = `store_code,sku,date,units,revenue,price,on_promotion
BER1,BRUSH-01,2024-01-01,3,11.97,3.99,false
NOPE,BRUSH-01,2024-01-02,1,1,1,false
BER1,NOPE-99,2024-01-02,1,1,1,false
BER1,BRUSH-01,2024-01-03,-2,1,1,false
BER1,BRUSH-01,2024-01-04,10000000,1,1,false
BER1,BRUSH-01,2024-01-05,lots,1,1,false
BER1,BRUSH-01,2025-02-30,1,1,1,false
BER1,BRUSH-01,yesterday,1,1,1,false
BER1,BRUSH-01,2024-07-05,1,1,1,false
TYO1,BRUSH-01,2024-05-01,1,1,1,false
BER1,,2024-01-06,1,1,1,false
BER1,BRUSH-01,2024-01-01,5,1,1,false
BER1,BRUSH-01,2024-01-07,1,"1,5",1,false
SYD1,SOAP-01,2024-04-02,1,1,1,false
BER1,BRUSH-01,2024-01-08,2,7.98,3.99,maybe
BER1,COFFEE-01,2024-01-09,1,12.5,12.5,false
`;

test(`[${b}] every kind of bad row is quarantined with its line, field and reason`, async (t) => {
  const { db, dir } = await withCatalog(t, { 'bad.csv': BAD });
  const r = await ingestFile(db, 'sales', join(dir, 'bad.csv'), { now: NOW, maxRejectedShare: 0.95 });
  assert.equal(r.status, 'applied');
  assert.equal(r.rowsRead, 16);
  assert.equal(r.rowsRejected, 14);
  assert.equal(r.rowsInserted, 2);
  const batch = await getBatch(db, r.batchId, 100);
  const byLine = new Map(batch!.quarantine.map((q) => [q.line, q]));
  const expect: [number, string, string][] = [
    [3, 'store_code', 'UNKNOWN_STORE'],
    [4, 'sku', 'UNKNOWN_PRODUCT'],
    [5, 'units', 'NEGATIVE'],
    [6, 'units', 'ABSURD_VALUE'],
    [7, 'units', 'NOT_A_NUMBER'],
    [8, 'date', 'BAD_DATE'],
    [9, 'date', 'BAD_DATE'],
    [10, 'date', 'FUTURE_DATE'],
    [11, 'date', 'STORE_NOT_OPEN'],
    [12, 'sku', 'MISSING_VALUE'],
    [13, 'store_code, sku, date', 'DUPLICATE_KEY'],
    [14, 'revenue', 'DECIMAL_COMMA'],
    [15, 'date', 'STORE_NOT_OPEN'],
    [16, 'on_promotion', 'NOT_A_BOOLEAN'],
  ];
  for (const [line, field, code] of expect) {
    const q = byLine.get(line);
    assert.ok(q, `line ${line} should be quarantined`);
    assert.equal(q.field, field, `line ${line} field`);
    assert.equal(q.code, code, `line ${line} code`);
    assert.ok(q.reason.length > 10);
  }
  assert.equal(byLine.get(13)?.reason, 'the same store_code + sku + date is already on line 2 of this batch');
  assert.deepEqual(byLine.get(3)?.raw, {
    store_code: 'NOPE',
    sku: 'BRUSH-01',
    date: '2024-01-02',
    units: '1',
    revenue: '1',
    price: '1',
    on_promotion: 'false',
  });
  const stored = await db.query<{ units: number }>('SELECT units FROM sales ORDER BY sale_date');
  assert.deepEqual(
    stored.map((s) => s.units),
    [3, 1],
  );
  // Column statistics describe the rows that passed field checks (here lines 2, 13 and 17).
  const stats = batch!.columnStats.find((s) => s.column === 'units');
  assert.equal(stats?.count, 3);
  assert.equal(stats?.max, '5');
});

test(`[${b}] a batch over the rejection threshold is refused whole: no data changes, reasons kept`, async (t) => {
  const { db, dir } = await withCatalog(t, { 'bad.csv': BAD });
  const r = await ingestFile(db, 'sales', join(dir, 'bad.csv'), { now: NOW, maxRejectedShare: 0.2 });
  assert.equal(r.status, 'refused');
  assert.match(r.message, /14 of 16 rows \(87\.5 %\) were rejected, more than the allowed 20\.0 %/);
  assert.equal(await count(db, 'sales'), 0);
  assert.equal(await count(db, 'quarantine_rows'), 14);
});

test(`[${b}] semicolon-delimited files with decimal commas, BOM and CRLF are read`, async (t) => {
  const text =
    '\uFEFFstore_code;sku;date;units;revenue;price;on_promotion\r\nBER1;COFFEE-01;2024-01-01;1,5;18,75;12,50;1\r\n';
  const { db, dir } = await withCatalog(t, { 'semi.csv': text });
  const r = await ingestFile(db, 'sales', join(dir, 'semi.csv'), { now: NOW });
  assert.equal(r.rowsInserted, 1, JSON.stringify(r.issues));
  const rows = await db.query<{ units: number; revenue: number; on_promotion: boolean }>(
    'SELECT units, revenue, on_promotion FROM sales',
  );
  assert.deepEqual(rows[0], { units: 1.5, revenue: 18.75, on_promotion: true });
});

test(`[${b}] JSON Lines and Parquet ingest like CSV`, async (t) => {
  const jsonl =
    '{"store_code":"BER1","sku":"BRUSH-01","date":"2024-01-01","units":3,"on_promotion":false}\n' +
    '{"store_code":"BER1","sku":"SOAP-01","date":"2024-01-01","units":-1}\n';
  const { db, dir } = await withCatalog(t, { 'sales.jsonl': jsonl });
  const r = await ingestFile(db, 'sales', join(dir, 'sales.jsonl'), { now: NOW, maxRejectedShare: 0.5 });
  assert.deepEqual([r.format, r.rowsInserted, r.rowsRejected], ['jsonl', 1, 1]);
  assert.equal(r.issues[0]?.code, 'NEGATIVE');

  const parquet = join(dir, 'sales.parquet');
  await parquetWriteFile({
    filename: parquet,
    columnData: [
      { name: 'store_code', data: ['BER1', 'BER1'], type: 'STRING' },
      { name: 'sku', data: ['COFFEE-01', 'SOAP-01'], type: 'STRING' },
      { name: 'date', data: ['2024-02-01', '2024-02-01'], type: 'STRING' },
      { name: 'units', data: [2, 5], type: 'DOUBLE' },
    ],
  });
  const p = await ingestFile(db, 'sales', parquet, { now: NOW });
  assert.deepEqual([p.format, p.rowsInserted, p.rowsRejected], ['parquet', 2, 0]);
  assert.equal(await count(db, 'sales'), 3);
});

test(`[${b}] file-level problems are clear errors that store no data`, async (t) => {
  const { db, dir } = await withCatalog(t, {
    'missing-col.csv': 'store_code,sku,units\nBER1,BRUSH-01,1\n',
    'empty.csv': '',
    'header-only.csv': 'store_code,sku,date,units\n',
    'quote.csv': 'store_code,sku,date,units\nBER1,BRUSH-01,2024-01-01,1\nBER1,"SOAP-01,2024-01-02,1\n',
    'looks-parquet.csv': Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20, 1)]),
    'text.parquet': 'store_code,sku\n',
    'long.csv': `store_code,sku,date,units\n${'x'.repeat(3_000_000)}\n`,
  });
  const expectError = async (file: string, check: (e: Error) => boolean) =>
    assert.rejects(ingestFile(db, 'sales', join(dir, file), { now: NOW }), (e: Error) => {
      assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
      return check(e);
    });
  await expectError(
    'missing-col.csv',
    (e) => e instanceof IngestError && e.code === 'MISSING_COLUMNS' && /date/.test(e.message),
  );
  await expectError('empty.csv', (e) => e instanceof InputFileError && e.code === 'FILE_EMPTY');
  await expectError(
    'quote.csv',
    (e) => e instanceof InputFileError && e.code === 'CSV_UNTERMINATED_QUOTE' && e.line === 3,
  );
  await expectError(
    'looks-parquet.csv',
    (e) => e instanceof InputFileError && e.code === 'FILE_FORMAT_MISMATCH',
  );
  await expectError('text.parquet', (e) => e instanceof InputFileError && e.code === 'FILE_FORMAT_MISMATCH');
  await expectError(
    'long.csv',
    (e) => e instanceof InputFileError && e.code === 'CSV_LINE_TOO_LONG' && e.line === 2,
  );
  const headerOnly = await ingestFile(db, 'sales', join(dir, 'header-only.csv'), { now: NOW });
  assert.equal(headerOnly.status, 'refused');
  assert.match(headerOnly.message, /no data rows/);
  assert.equal(await count(db, 'sales'), 0);
  // The unterminated quote aborted a batch half-way: its transaction left nothing behind.
  const running = await db.query(`SELECT 1 FROM ingest_batches WHERE status = 'running'`);
  assert.equal(running.length, 0);
});

test(`[${b}] catalog entities validate codes, enums and cross-field rules`, async (t) => {
  const { db, dir } = await withCatalog(t, {
    'terms.csv':
      'sku,supplier_code,lead_time_days,min_order_qty,pack_size,unit_cost,currency,is_primary\n' +
      'BRUSH-01,SUP-A,5,24,12,0.8,EUR,true\n' +
      'BRUSH-01,SUP-X,5,24,12,0.8,EUR,false\n' +
      'COFFEE-01,SUP-B,45,10,0,7.5,JPY,true\n' +
      'SOAP-01,SUP-A,7,10,5,1.1,XXX,true\n',
    'stores2.csv':
      'store_code,name,city,country,timezone,currency,opened_on,closed_on,format,size_sqm\n' +
      'X1,A,B,ZZ,Europe/Berlin,EUR,2024-01-01,,small,\n' +
      'X2,A,B,DE,Mars/Olympus,EUR,2024-01-01,,small,\n' +
      'X3,A,B,DE,Europe/Berlin,EUR,2024-01-01,2023-01-01,small,\n' +
      'X4,A,B,DE,Europe/Berlin,EUR,2024-01-01,,mall,\n',
  });
  const terms = await ingestFile(db, 'product-suppliers', join(dir, 'terms.csv'), {
    now: NOW,
    maxRejectedShare: 1,
  });
  assert.equal(terms.rowsInserted, 1);
  assert.deepEqual(
    terms.issues.map((i) => i.code).sort(),
    ['TOO_SMALL', 'UNKNOWN_CURRENCY', 'UNKNOWN_SUPPLIER'].sort(),
  );
  const stores = await ingestFile(db, 'stores', join(dir, 'stores2.csv'), { now: NOW, maxRejectedShare: 1 });
  assert.deepEqual(stores.issues.map((i) => i.code).sort(), [
    'DATE_ORDER',
    'NOT_ALLOWED',
    'UNKNOWN_COUNTRY',
    'UNKNOWN_TIMEZONE',
  ]);
});

test(`[${b}] unknown entity names say which exist`, async () => {
  const db = await openTestDatabase();
  try {
    await assert.rejects(
      ingestFile(db, 'widgets', 'x.csv'),
      /unknown entity 'widgets'. Choose one of: suppliers, products/,
    );
  } finally {
    await db.close();
  }
});

test(`[${b}] many rows stream through in chunks with exact counts`, async (t) => {
  const lines = ['store_code,sku,date,units,revenue,price,on_promotion'];
  const start = Date.UTC(2023, 0, 1);
  for (let d = 0; d < 500; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (const sku of ['BRUSH-01', 'SOAP-01']) lines.push(`BER1,${sku},${date},${d % 7},${d % 7},1,false`);
  }
  const { db, dir } = await withCatalog(t, { 'many.csv': `${lines.join('\n')}\n` });
  writeFileSync(join(dir, 'many2.csv'), `${lines.join('\n')}\nBER1,SOAP-01,2023-01-01,9,9,1,false\n`);
  const r = await ingestFile(db, 'sales', join(dir, 'many.csv'), { now: NOW });
  assert.deepEqual([r.rowsRead, r.rowsInserted], [1000, 1000]);
  const again = await ingestFile(db, 'sales', join(dir, 'many2.csv'), { now: NOW });
  assert.deepEqual([again.rowsRead, again.rowsUnchanged, again.rowsRejected], [1001, 1000, 1]);
  assert.equal(again.issues[0]?.code, 'DUPLICATE_KEY');
});
