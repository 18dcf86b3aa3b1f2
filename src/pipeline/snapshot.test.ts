import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { readSnapshot, snapshotPath, writeSnapshot } from './snapshot.js';

const rows = [
  { store: 'S1', day: '2026-11-01', units: 3, price: 2.5, promo: false },
  { store: 'S1', day: '2026-11-02', units: 0, price: 2.5, promo: true },
  { store: 'S2', day: '2026-11-01', units: 12, price: null, promo: false },
];

test('the same table gives the same hash, whether given as rows or columns, and the file is not rewritten', () => {
  const dir = tempDir('snapshot');
  const a = writeSnapshot(dir, rows);
  const b = writeSnapshot(dir, {
    store: rows.map((r) => r.store),
    day: rows.map((r) => r.day),
    units: rows.map((r) => r.units),
    price: rows.map((r) => r.price),
    promo: rows.map((r) => r.promo),
  });
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.equal(b.hash, a.hash);
  assert.equal(a.created, true);
  assert.equal(b.created, false);
  assert.equal(a.path, snapshotPath(dir, a.hash));
  assert.equal(statSync(a.path).mode & 0o222, 0, 'snapshot files are read-only');
  assert.deepEqual(a.columns, ['store', 'day', 'units', 'price', 'promo']);
  assert.equal(a.rows, 3);
});

test('different data gives a different hash', () => {
  const dir = tempDir('snapshot');
  const a = writeSnapshot(dir, rows);
  const changed = writeSnapshot(
    dir,
    rows.map((r, i) => (i === 2 ? { ...r, units: 13 } : r)),
  );
  const reordered = writeSnapshot(dir, [...rows].reverse());
  assert.notEqual(changed.hash, a.hash);
  assert.notEqual(reordered.hash, a.hash);
});

test('a snapshot reads back to the same values, and a verified read checks the hash', async () => {
  const dir = tempDir('snapshot');
  const snap = writeSnapshot(dir, rows);
  assert.deepEqual(await readSnapshot(snap.path, { verify: true }), rows);
  assert.deepEqual(
    await readSnapshot(snap.path, { columns: ['units'] }),
    rows.map((r) => ({ units: r.units })),
  );
});

test('a column mixing types is refused with its name', () => {
  assert.throws(
    () => writeSnapshot(tempDir('snapshot'), [{ units: 1 }, { units: 'two' }]),
    /column "units" mixes INT32 and STRING/,
  );
});
