import assert from 'node:assert/strict';
import test from 'node:test';
import { openDatabase, shareDatabase } from './open-database.js';
import { openTestDatabase } from './testing/test-database.js';

test('a shared database is lent to openDatabase and survives the borrower closing it', async (t) => {
  const db = await openTestDatabase();
  t.after(() => db.close());
  await db.exec('CREATE TABLE lent (n int)');
  const release = shareDatabase(db);
  try {
    const borrowed = await openDatabase({ home: '/nonexistent-shelfcast-home' });
    await borrowed.run('INSERT INTO lent VALUES (1)');
    await borrowed.close();
  } finally {
    release();
  }
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM lent');
  assert.equal(row?.n, 1);
});
