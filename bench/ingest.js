#!/usr/bin/env node
// Ingest benchmark: rows per second of `shelfcast ingest sales` (full validation, staging, upsert)
// into the embedded database and into PostgreSQL, beside a plain COPY of the same file into
// PostgreSQL as the ceiling, all in one run on the same file; then peak memory of a 10-million-row
// ingest in a child process.
//
//   node bench/ingest.js [--rows 2000000] [--memory-rows 10000000] [--skip-pglite]
//                        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
// Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrateToLatest } from '../dist/db/migration.js';
import { PGliteDatabase } from '../dist/db/pglite-database.js';
import { PostgresDatabase } from '../dist/db/postgres-database.js';
import { ingestFile } from '../dist/ingest/ingest-file.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    'memory-rows': { type: 'string', default: '10000000' },
    'skip-pglite': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    child: { type: 'string' },
  },
});

const STORES = 40;
const PRODUCTS = 100;

/** Writes catalog files and a sales file of exactly `rows` rows (40 stores × 100 products × days). */
async function writeData(dir, rows) {
  writeFileSync(
    join(dir, 'stores.csv'),
    `store_code,name,city,country,timezone,currency,opened_on,closed_on,format,size_sqm\n${Array.from(
      { length: STORES },
      (_, i) => `S${String(i).padStart(3, '0')},Store ${i},City,DE,Europe/Berlin,EUR,1990-01-01,,small,100`,
    ).join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'products.csv'),
    `sku,name,category,unit\n${Array.from({ length: PRODUCTS }, (_, i) => `P${String(i).padStart(4, '0')},Product ${i},cat,piece`).join('\n')}\n`,
  );
  const path = join(dir, `sales-${rows}.csv`);
  const out = createWriteStream(path);
  out.write('store_code,sku,date,units,revenue,price,on_promotion\n');
  const perDay = STORES * PRODUCTS;
  const start = Date.UTC(1995, 0, 1);
  let seed = 12345;
  let buffer = '';
  for (let r = 0; r < rows; r++) {
    const day = Math.floor(r / perDay);
    const k = r % perDay;
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const units = seed % 13;
    const price = (1 + (k % 50) * 0.37).toFixed(2);
    buffer += `S${String(Math.floor(k / PRODUCTS)).padStart(3, '0')},P${String(k % PRODUCTS).padStart(4, '0')},${date},${units},${(units * Number(price)).toFixed(2)},${price},${seed % 10 === 0}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise((r) => out.on('finish', r));
  return path;
}

async function recreateDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function ingestAll(db, dir, salesPath) {
  for (const e of ['stores', 'products']) await ingestFile(db, e, join(dir, `${e}.csv`));
  const t = performance.now();
  const r = await ingestFile(db, 'sales', salesPath);
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 'applied' || r.rowsRejected !== 0)
    throw new Error(`unexpected ingest result ${JSON.stringify(r)}`);
  return { seconds, rows: r.rowsRead };
}

async function plainCopy(url, salesPath, withKey) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS copy_ceiling');
  await client.query(
    `CREATE TABLE copy_ceiling (store_code text, sku text, date date, units numeric, revenue numeric, price numeric, on_promotion boolean${withKey ? ', PRIMARY KEY (store_code, sku, date)' : ''})`,
  );
  const t = performance.now();
  const stream = client.query(copyFrom('COPY copy_ceiling FROM STDIN WITH (FORMAT csv, HEADER true)'));
  await pipeline(createReadStream(salesPath), stream);
  const seconds = (performance.now() - t) / 1000;
  await client.query('DROP TABLE copy_ceiling');
  await client.end();
  return seconds;
}

async function childIngest() {
  // Runs in a child process so its peak RSS is the ingest's alone.
  const [dir, salesPath, url] = JSON.parse(args.child);
  const db = await PostgresDatabase.open(url);
  await migrateToLatest(db);
  const result = await ingestAll(db, dir, salesPath);
  await db.close();
  process.stdout.write(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main() {
  const rows = Number(args.rows);
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-ingest-'));
  console.log(
    `ingest benchmark: ${rows.toLocaleString('en-US')} sales rows, Node ${process.version}, ${new Date().toISOString()}`,
  );
  const salesPath = await writeData(dir, rows);
  const mb = statSync(salesPath).size / 1e6;
  console.log(`file: ${salesPath} (${mb.toFixed(0)} MB)`);
  const results = [];

  const url = await recreateDatabase(args['database-url'], 'shelfcast_bench_ingest');
  const copyKeyed = await plainCopy(url, salesPath, true);
  const copyPlain = await plainCopy(url, salesPath, false);
  results.push(['PostgreSQL plain COPY, no key', copyPlain]);
  results.push(['PostgreSQL plain COPY into a table with the same primary key (ceiling)', copyKeyed]);

  const pgDb = await PostgresDatabase.open(url);
  await migrateToLatest(pgDb);
  const pgIngest = await ingestAll(pgDb, dir, salesPath);
  await pgDb.close();
  results.push(['shelfcast ingest → PostgreSQL (validation, staging, upsert)', pgIngest.seconds]);

  // A second run of the same rows from a renamed copy: every row is checked and found unchanged.
  const resend = join(dir, 'resend.csv');
  await pipeline(createReadStream(salesPath), createWriteStream(resend));
  writeFileSync(resend, '\n', { flag: 'a' });
  const pgDb2 = await PostgresDatabase.open(url);
  const t = performance.now();
  const again = await ingestFile(pgDb2, 'sales', resend);
  const resendSeconds = (performance.now() - t) / 1000;
  await pgDb2.close();
  if (again.rowsUnchanged !== rows)
    throw new Error(`re-sent rows should all be unchanged: ${JSON.stringify(again)}`);
  results.push(['shelfcast ingest → PostgreSQL, same rows again (all unchanged)', resendSeconds]);

  if (!args['skip-pglite']) {
    const home = join(dir, 'pglite');
    const lite = await PGliteDatabase.open({ dataDir: home });
    await migrateToLatest(lite);
    const liteIngest = await ingestAll(lite, dir, salesPath);
    await lite.close();
    results.push(['shelfcast ingest → embedded PGlite (validation, staging, upsert)', liteIngest.seconds]);
  }

  console.log('');
  console.log('| run | seconds | rows/s | vs COPY ceiling |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, seconds] of results) {
    console.log(
      `| ${name} | ${seconds.toFixed(1)} | ${Math.round(rows / seconds).toLocaleString('en-US')} | ${((copyKeyed / seconds) * 100).toFixed(0)} % |`,
    );
  }

  const memoryRows = Number(args['memory-rows']);
  if (memoryRows > 0) {
    const bigPath = await writeData(dir, memoryRows);
    const bigUrl = await recreateDatabase(args['database-url'], 'shelfcast_bench_ingest_mem');
    const child = spawnSync(
      process.execPath,
      [new URL(import.meta.url).pathname, '--child', JSON.stringify([dir, bigPath, bigUrl])],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
    const m = JSON.parse(child.stdout);
    console.log('');
    console.log(
      `memory: ${memoryRows.toLocaleString('en-US')}-row file (${(statSync(bigPath).size / 1e6).toFixed(0)} MB) into PostgreSQL: peak RSS ${m.maxRssMb.toFixed(0)} MB, ${m.seconds.toFixed(1)} s, ${Math.round(memoryRows / m.seconds).toLocaleString('en-US')} rows/s`,
    );
    await recreateDatabase(args['database-url'], 'shelfcast_bench_ingest_mem');
  }
  rmSync(dir, { recursive: true, force: true });
}

if (args.child) await childIngest();
else await main();
