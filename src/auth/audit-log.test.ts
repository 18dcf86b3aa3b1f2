import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { listAudit, recordAudit } from './audit-log.js';
import { AuthError } from './auth-error.js';

describe(`[${testBackend()}] audit log`, () => {
  it('records who, what, target, status and details; lists newest first, by actor and by page', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const before = Date.now();
    await recordAudit(db, { actor: 'tok_aaaaaaaaaaaa', action: 'catalog.create', target: 'products/SKU-1' });
    await recordAudit(db, {
      actor: 'cli:ana',
      action: 'model.promote',
      target: 'models/demand@2',
      status: 200,
      details: { reason: "it's better", from: 1, to: 2, tags: ['a', null] },
    });
    await recordAudit(db, { actor: 'tok_aaaaaaaaaaaa', action: 'catalog.retire', target: 'products/SKU-1' });

    const all = await listAudit(db);
    assert.deepEqual(
      all.map((e) => [e.actor, e.action, e.target, e.status]),
      [
        ['tok_aaaaaaaaaaaa', 'catalog.retire', 'products/SKU-1', null],
        ['cli:ana', 'model.promote', 'models/demand@2', 200],
        ['tok_aaaaaaaaaaaa', 'catalog.create', 'products/SKU-1', null],
      ],
    );
    assert.deepEqual(all[1]!.details, { reason: "it's better", from: 1, to: 2, tags: ['a', null] });
    assert.deepEqual(all[0]!.details, {});
    assert.ok(all[0]!.id > all[1]!.id);
    const at = Date.parse(all[0]!.at);
    assert.ok(at >= before - 60_000 && at <= Date.now() + 60_000, all[0]!.at);

    const mine = await listAudit(db, { actor: 'tok_aaaaaaaaaaaa' });
    assert.deepEqual(
      mine.map((e) => e.action),
      ['catalog.retire', 'catalog.create'],
    );
    const page = await listAudit(db, { limit: 1, offset: 1 });
    assert.deepEqual(
      page.map((e) => e.action),
      ['model.promote'],
    );
    assert.deepEqual(await listAudit(db, { actor: "x' OR '1'='1" }), []);
  });

  it('commits and rolls back with the transaction it is written in', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    await assert.rejects(
      db.transaction(async (tx) => {
        await recordAudit(tx, { actor: 'cli:ana', action: 'catalog.update', target: 'stores/S1' });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await listAudit(db), []);
  });

  it('refuses an entry without actor or action, and a page out of range', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const invalid = (e: unknown) => e instanceof AuthError && e.code === 'INVALID_INPUT';
    await assert.rejects(recordAudit(db, { actor: ' ', action: 'x', target: 't' }), invalid);
    await assert.rejects(recordAudit(db, { actor: 'a', action: '', target: 't' }), invalid);
    await assert.rejects(recordAudit(db, { actor: 'a', action: 'x', target: 't', status: 2.5 }), invalid);
    await assert.rejects(listAudit(db, { limit: 0 }), invalid);
    await assert.rejects(listAudit(db, { limit: 1001 }), invalid);
    await assert.rejects(listAudit(db, { offset: -1 }), invalid);
  });
});
