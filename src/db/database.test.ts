import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyLine } from './database.js';
import { migrateToLatest } from './migration.js';
import { openTestDatabase, testBackend } from './testing/test-database.js';

test(`[${testBackend()}] migrations are applied once and re-running them is a no-op`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  const again = await migrateToLatest(db);
  assert.deepEqual(again.applied, []);
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  const names = tables.map((r) => r.table_name);
  for (const expected of [
    'products',
    'stores',
    'suppliers',
    'product_suppliers',
    'sales',
    'stock_snapshots',
    'quarantine_rows',
  ]) {
    assert.ok(names.includes(expected), `missing table ${expected}`);
  }
});

test(`[${testBackend()}] COPY loads escaped text, nulls and dates, inside a transaction that can roll back`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  await db.exec('CREATE TABLE t (a text, b numeric, c date, d boolean)');
  const text =
    copyLine(['tab\there\\ and\nnewline', 1.5, '2024-02-29', true]) + copyLine([null, null, null, false]);
  assert.equal(await db.copyIn('t', ['a', 'b', 'c', 'd'], text), 2);
  const rows = await db.query<{ a: string | null; b: number | string; c: string; d: boolean }>(
    'SELECT * FROM t ORDER BY a NULLS LAST',
  );
  assert.equal(rows[0]?.a, 'tab\there\\ and\nnewline');
  assert.equal(rows[0]?.b, 1.5);
  assert.equal(rows[0]?.c, '2024-02-29');
  assert.equal(rows[1]?.a, null);

  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.copyIn('t', ['a', 'b', 'c', 'd'], copyLine(['rolled back', 1, '2024-01-01', true]));
      throw new Error('boom');
    }),
    /boom/,
  );
  const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
  assert.equal(count[0]?.n, 2);
});

test(`[${testBackend()}] constraints live in the database: a store closing before it opens is refused`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  await assert.rejects(
    db.query(
      `INSERT INTO stores (store_code, name, city, country, timezone, currency, opened_on, closed_on, format)
       VALUES ('S1', 'n', 'c', 'DE', 'Europe/Berlin', 'EUR', '2024-05-01', '2024-01-01', 'small')`,
    ),
    /check constraint/,
  );
});

test(`[${testBackend()}] LISTEN: notified after a committed NOTIFY, not after one rolled back, and no more once stopped`, async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  let heard = 0;
  const stop = await db.listen('shelfcast_test_channel', () => {
    heard++;
  });
  const settle = async (expected: number) => {
    const deadline = Date.now() + 5000;
    while (heard < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Time for a notification that should not come to arrive anyway.
    await new Promise((r) => setTimeout(r, 100));
  };
  await db.exec(`NOTIFY shelfcast_test_channel`);
  await settle(1);
  assert.equal(heard, 1);
  await db
    .transaction(async (tx) => {
      await tx.exec(`NOTIFY shelfcast_test_channel`);
      throw new Error('roll back');
    })
    .catch(() => {});
  await db.exec(`NOTIFY some_other_channel`);
  await settle(2);
  assert.equal(heard, 1, 'a rolled-back NOTIFY and another channel are not heard');
  await db.transaction(async (tx) => {
    await tx.exec(`NOTIFY shelfcast_test_channel`);
  });
  await settle(2);
  assert.equal(heard, 2);
  await stop();
  await db.exec(`NOTIFY shelfcast_test_channel`);
  await settle(3);
  assert.equal(heard, 2, 'nothing after stop');
});
