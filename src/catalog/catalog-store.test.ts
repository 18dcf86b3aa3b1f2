import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listAudit } from '../auth/audit-log.js';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { ingestFile } from '../ingest/ingest-file.js';
import { parseRow } from '../ingest/parse-row.js';
import { fixtureDir } from '../ingest/testing/ingest-fixtures.js';
import { CatalogError } from './catalog-error.js';
import {
  createCatalogItem,
  getCatalogItem,
  listCatalog,
  retireCatalogItem,
  updateCatalogItem,
} from './catalog-store.js';
import { storeEntity } from './store-entity.js';

const ACTOR = 'tok_0123456789ab';

async function open(t: { after: (fn: () => Promise<void>) => void }): Promise<Database> {
  const db = await openTestDatabase();
  t.after(() => db.close());
  return db;
}

const product = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `Product ${sku}`,
  category: 'dairy',
  unit: 'piece',
  ...extra,
});
const supplier = (code: string, extra: Record<string, unknown> = {}) => ({
  supplier_code: code,
  name: `Supplier ${code}`,
  country: 'DE',
  currency: 'EUR',
  ...extra,
});
const store = (code: string, extra: Record<string, unknown> = {}) => ({
  store_code: code,
  name: `Store ${code}`,
  city: 'Berlin',
  country: 'DE',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  opened_on: '2023-01-01',
  format: 'small',
  ...extra,
});
const terms = (sku: string, code: string, extra: Record<string, unknown> = {}) => ({
  sku,
  supplier_code: code,
  lead_time_days: 3,
  min_order_qty: 12,
  pack_size: 6,
  unit_cost: 0.85,
  currency: 'EUR',
  ...extra,
});

/** The error's code and problem paths, for compact assertions. */
async function failure(
  work: Promise<unknown>,
): Promise<{ code: string; paths: string[]; error: CatalogError }> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof CatalogError, String(error));
    return { code: error.code, paths: error.problems.map((p) => p.path), error };
  }
  assert.fail('expected a CatalogError');
}

const withoutTimes = ({ updated_at, retired_at, ...rest }: Record<string, unknown>) => rest;

describe(`[${testBackend()}] catalog store`, () => {
  it('products: create, read, page with totals, filter, update, retire (idempotent), each audited', async (t) => {
    const db = await open(t);
    const created = await createCatalogItem(
      db,
      'products',
      product('SKU-3', { unit: 'Litre', shelf_life_days: '14', certifications: [' organic', 'vegan'] }),
      ACTOR,
    );
    assert.deepEqual(withoutTimes(created), {
      sku: 'SKU-3',
      name: 'Product SKU-3',
      category: 'dairy',
      unit: 'litre',
      shelf_life_days: 14,
      certifications: ['organic', 'vegan'],
      launched_on: null,
      discontinued_on: null,
    });
    assert.equal(created.retired_at, null);
    assert.ok(!Number.isNaN(Date.parse(created.updated_at as string)));
    for (const sku of ['SKU-5', 'SKU-1', 'SKU-4', 'SKU-2']) {
      await createCatalogItem(
        db,
        'products',
        product(sku, sku === 'SKU-4' ? { category: 'bakery' } : {}),
        ACTOR,
      );
    }
    await createCatalogItem(db, 'products', product('OTHER-1'), ACTOR);
    assert.deepEqual(await getCatalogItem(db, 'products', 'SKU-3'), created);
    assert.equal(await getCatalogItem(db, 'products', 'SKU-9'), null);

    const page = await listCatalog(db, 'products', { limit: 2, offset: 2 });
    assert.deepEqual(
      [page.items.map((r) => r.sku), page.total, page.limit, page.offset],
      [['SKU-2', 'SKU-3'], 6, 2, 2],
    );
    const defaults = await listCatalog(db, 'products', {});
    assert.deepEqual([defaults.limit, defaults.offset, defaults.items.length], [50, 0, 6]);
    const dairy = await listCatalog(db, 'products', { filters: { category: 'dairy', q: 'SKU-' } });
    assert.deepEqual([dairy.items.map((r) => r.sku), dairy.total], [['SKU-1', 'SKU-2', 'SKU-3', 'SKU-5'], 4]);
    const beyond = await listCatalog(db, 'products', { offset: 10 });
    assert.deepEqual([beyond.items, beyond.total], [[], 6]);

    const updated = await updateCatalogItem(
      db,
      'products',
      'SKU-3',
      { name: 'Oat drink 1 l', shelf_life_days: null, sku: 'SKU-3' },
      'tok_bbbbbbbbbbbb',
    );
    assert.deepEqual(
      [updated.name, updated.shelf_life_days, updated.unit, updated.certifications],
      ['Oat drink 1 l', null, 'litre', ['organic', 'vegan']],
    );
    assert.ok(Date.parse(updated.updated_at as string) >= Date.parse(created.updated_at as string));

    const retired = await retireCatalogItem(db, 'products', 'SKU-3', ACTOR);
    assert.ok(retired.retired_at);
    assert.deepEqual(await retireCatalogItem(db, 'products', 'SKU-3', ACTOR), retired);
    assert.deepEqual(await getCatalogItem(db, 'products', 'SKU-3'), retired);
    const active = await listCatalog(db, 'products', { filters: { q: 'SKU-' } });
    assert.deepEqual(
      [active.items.map((r) => r.sku), active.total],
      [['SKU-1', 'SKU-2', 'SKU-4', 'SKU-5'], 4],
    );
    const all = await listCatalog(db, 'products', { filters: { q: 'SKU-' }, includeRetired: true });
    assert.equal(all.total, 5);

    const audit = await listAudit(db, { limit: 4 });
    assert.deepEqual(
      audit.map((e) => [e.actor, e.action, e.target]),
      [
        [ACTOR, 'catalog.retire', 'products/SKU-3'],
        [ACTOR, 'catalog.retire', 'products/SKU-3'],
        ['tok_bbbbbbbbbbbb', 'catalog.update', 'products/SKU-3'],
        [ACTOR, 'catalog.create', 'products/OTHER-1'],
      ],
    );
    assert.deepEqual(
      audit.map((e) => (e.details as { changed?: boolean }).changed),
      [false, true, undefined, undefined],
    );
    assert.deepEqual((audit[2]!.details as { changes: unknown }).changes, {
      name: { from: 'Product SKU-3', to: 'Oat drink 1 l' },
      shelf_life_days: { from: 14, to: null },
    });
    assert.equal((await listAudit(db, { actor: ACTOR, limit: 1000 })).length, 8);
  });

  it('refuses an invalid body, naming every bad field by its JSON path, and writes nothing', async (t) => {
    const db = await open(t);
    const bad = await failure(
      createCatalogItem(
        db,
        'products',
        {
          sku: 'SKU-X',
          unit: 'gallon',
          shelf_life_days: 0,
          certifications: ['bio', 3, '', 'a|b'],
          launched_on: '2024-02-30',
          discontinued_on: 20240101,
          retired_at: '2024-01-01T00:00:00Z',
          colour: 'red',
        },
        ACTOR,
      ),
    );
    assert.equal(bad.code, 'INVALID');
    assert.deepEqual(bad.paths, [
      'retired_at',
      'colour',
      'name',
      'category',
      'unit',
      'shelf_life_days',
      'certifications[1]',
      'certifications[2]',
      'certifications[3]',
      'launched_on',
      'discontinued_on',
    ]);
    assert.match(bad.error.message, /unit: 'gallon' is not one of piece, kg, litre, pack/);
    assert.match(bad.error.message, /colour: is not a field of products/);

    const dates = await failure(
      createCatalogItem(
        db,
        'products',
        product('SKU-D', { launched_on: '2024-05-01', discontinued_on: '2024-01-01' }),
        ACTOR,
      ),
    );
    assert.deepEqual([dates.code, dates.paths], ['INVALID', ['discontinued_on']]);

    const shop = await failure(
      createCatalogItem(
        db,
        'stores',
        store('S-1', {
          country: 'XX',
          timezone: 'Mars/Olympus',
          currency: 'EURO',
          size_sqm: -5,
          format: 'mega',
        }),
        ACTOR,
      ),
    );
    assert.deepEqual(shop.paths, ['country', 'timezone', 'currency', 'format', 'size_sqm']);
    const firm = await failure(
      createCatalogItem(db, 'suppliers', supplier('SUP-X', { contact_email: 'not-mail', name: 42 }), ACTOR),
    );
    assert.deepEqual(firm.paths, ['name', 'contact_email']);
    for (const body of [null, [], 'sku', 7]) {
      const whole = await failure(createCatalogItem(db, 'products', body, ACTOR));
      assert.deepEqual([whole.code, whole.paths], ['INVALID', ['']]);
    }
    assert.equal((await listCatalog(db, 'products', { includeRetired: true })).total, 0);
    assert.deepEqual(await listAudit(db), []);
  });

  it('rejects a value with the message ingestion gives the same value in a file', async (t) => {
    const db = await open(t);
    const values = store('S-1', { timezone: 'Europe/Berln', opened_on: '2023-1-5' });
    const columns = storeEntity.columns;
    const lookups = { stores: new Map(), products: new Map(), suppliers: new Map() };
    const bad = await failure(createCatalogItem(db, 'stores', values, ACTOR));
    for (const problem of bad.error.problems) {
      // The same field alone through ingestion's row parser (other fields valid).
      const row = columns.map((c) =>
        c.name === problem.path
          ? String(values[c.name as keyof typeof values])
          : String(store('S-1')[c.name as 'name'] ?? ''),
      );
      const parsed = parseRow(
        columns,
        columns.map((_, i) => i),
        row,
        false,
        lookups,
      );
      assert.equal(parsed.issue?.field, problem.path);
      assert.equal(parsed.issue?.reason, problem.message);
    }
    assert.deepEqual(bad.paths, ['timezone', 'opened_on']);
  });

  it('rows ingested from a file and rows created through the store read the same', async (t) => {
    const db = await open(t);
    const dir = fixtureDir();
    const result = await ingestFile(db, 'products', join(dir, 'products.csv'));
    assert.equal(result.status, 'applied');
    const ingested = (await getCatalogItem(db, 'products', 'COFFEE-01'))!;
    const created = await createCatalogItem(
      db,
      'products',
      {
        sku: 'COFFEE-02',
        name: 'Organic coffee 500 g',
        category: 'food',
        unit: 'pack',
        shelf_life_days: 365,
        certifications: ['fairtrade', 'organic'],
        launched_on: '2023-03-01',
      },
      ACTOR,
    );
    assert.deepEqual({ ...withoutTimes(created), sku: 'COFFEE-01' }, withoutTimes(ingested));
    const page = await listCatalog(db, 'products', {});
    assert.deepEqual(
      page.items.map((r) => r.sku),
      ['BRUSH-01', 'COFFEE-01', 'COFFEE-02', 'SOAP-01'],
    );
  });

  it('conflict on an existing code (retired too), not found for unknown keys and references', async (t) => {
    const db = await open(t);
    await createCatalogItem(db, 'suppliers', supplier('SUP-1'), ACTOR);
    assert.equal(
      (await failure(createCatalogItem(db, 'suppliers', supplier('SUP-1'), ACTOR))).code,
      'CONFLICT',
    );
    await retireCatalogItem(db, 'suppliers', 'SUP-1', ACTOR);
    const again = await failure(createCatalogItem(db, 'suppliers', supplier(' SUP-1 '), ACTOR));
    assert.equal(again.code, 'CONFLICT');
    assert.match(again.error.message, /retired/);

    // Two creates of one code racing: exactly one wins.
    const raced = await Promise.allSettled([
      createCatalogItem(db, 'stores', store('RACE'), ACTOR),
      createCatalogItem(db, 'stores', store('RACE'), ACTOR),
    ]);
    assert.equal(raced.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = raced.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof CatalogError && lost.reason.code === 'CONFLICT', String(lost.reason));

    for (const entity of ['products', 'suppliers', 'stores', 'product-suppliers'] as const) {
      const key = entity === 'product-suppliers' ? 'SKU-1~SUP-1' : 'NOPE';
      assert.equal(await getCatalogItem(db, entity, key), null);
      assert.equal(
        (await failure(updateCatalogItem(db, entity, key, { name: 'x' }, ACTOR))).code,
        'NOT_FOUND',
      );
      assert.equal((await failure(retireCatalogItem(db, entity, key, ACTOR))).code, 'NOT_FOUND');
    }
    assert.equal(await getCatalogItem(db, 'product-suppliers', 'no-tilde'), null);
    const orphan = await failure(createCatalogItem(db, 'product-suppliers', terms('SKU-1', 'SUP-9'), ACTOR));
    assert.deepEqual([orphan.code, orphan.paths], ['NOT_FOUND', ['sku', 'supplier_code']]);
    assert.equal((await listAudit(db)).filter((e) => e.action === 'catalog.create').length, 2);
  });

  it('product–supplier terms: keyed by sku and supplier code, filtered, updated, retired', async (t) => {
    const db = await open(t);
    for (const sku of ['SKU-1', 'SKU-2', 'A~B']) await createCatalogItem(db, 'products', product(sku), ACTOR);
    for (const code of ['SUP-1', 'SUP-2']) await createCatalogItem(db, 'suppliers', supplier(code), ACTOR);
    const created = await createCatalogItem(
      db,
      'product-suppliers',
      terms('SKU-1', 'SUP-1', { is_primary: 'yes', unit_cost: '0.85' }),
      ACTOR,
    );
    assert.deepEqual(withoutTimes(created), {
      sku: 'SKU-1',
      supplier_code: 'SUP-1',
      lead_time_days: 3,
      min_order_qty: 12,
      pack_size: 6,
      unit_cost: 0.85,
      currency: 'EUR',
      is_primary: true,
    });
    assert.ok(!('product_id' in created) && !('supplier_id' in created));
    await createCatalogItem(db, 'product-suppliers', terms('SKU-1', 'SUP-2'), ACTOR);
    await createCatalogItem(db, 'product-suppliers', terms('SKU-2', 'SUP-2'), ACTOR);
    await createCatalogItem(db, 'product-suppliers', terms('A~B', 'SUP-1'), ACTOR);
    assert.equal(
      (await failure(createCatalogItem(db, 'product-suppliers', terms('SKU-1', 'SUP-1'), ACTOR))).code,
      'CONFLICT',
    );
    assert.equal((await getCatalogItem(db, 'product-suppliers', 'A~B~SUP-1'))?.sku, 'A~B');

    const bySku = await listCatalog(db, 'product-suppliers', { filters: { sku: 'SKU-1' } });
    assert.deepEqual(
      bySku.items.map((r) => `${r.sku}~${r.supplier_code}`),
      ['SKU-1~SUP-1', 'SKU-1~SUP-2'],
    );
    const bySupplier = await listCatalog(db, 'product-suppliers', { filters: { supplier_code: 'SUP-2' } });
    assert.deepEqual([bySupplier.items.map((r) => r.sku), bySupplier.total], [['SKU-1', 'SKU-2'], 2]);

    const bad = await failure(
      updateCatalogItem(
        db,
        'product-suppliers',
        'SKU-1~SUP-1',
        { pack_size: 0, min_order_qty: '-1', sku: 'SKU-2' },
        ACTOR,
      ),
    );
    assert.deepEqual([bad.code, bad.paths], ['INVALID', ['min_order_qty', 'pack_size', 'sku']]);
    const changed = await updateCatalogItem(
      db,
      'product-suppliers',
      'SKU-1~SUP-1',
      { lead_time_days: 5, is_primary: null },
      ACTOR,
    );
    assert.deepEqual([changed.lead_time_days, changed.is_primary, changed.pack_size], [5, false, 6]);

    const retired = await retireCatalogItem(db, 'product-suppliers', 'SKU-1~SUP-2', ACTOR);
    assert.ok(retired.retired_at);
    assert.deepEqual(await retireCatalogItem(db, 'product-suppliers', 'SKU-1~SUP-2', ACTOR), retired);
    const left = await listCatalog(db, 'product-suppliers', { filters: { q: 'SKU' } });
    assert.deepEqual(
      left.items.map((r) => `${r.sku}~${r.supplier_code}`),
      ['SKU-1~SUP-1', 'SKU-2~SUP-2'],
    );
    const audit = await listAudit(db, { limit: 3 });
    assert.deepEqual(
      audit.map((e) => [e.action, e.target]),
      [
        ['catalog.retire', 'product-suppliers/SKU-1~SUP-2'],
        ['catalog.retire', 'product-suppliers/SKU-1~SUP-2'],
        ['catalog.update', 'product-suppliers/SKU-1~SUP-1'],
      ],
    );
  });

  it('stores and suppliers: filters normalised like fields, cross-field checks on the merged row', async (t) => {
    const db = await open(t);
    await createCatalogItem(db, 'stores', store('BER-01'), ACTOR);
    await createCatalogItem(
      db,
      'stores',
      store('MUC-01', { city: 'München', format: 'medium', size_sqm: 420.5 }),
      ACTOR,
    );
    await createCatalogItem(
      db,
      'stores',
      store('PAR-01', { city: 'Paris', country: 'fr', timezone: 'Europe/Paris', format: 'Small' }),
      ACTOR,
    );
    const german = await listCatalog(db, 'stores', { filters: { country: 'de' } });
    assert.deepEqual(
      german.items.map((r) => r.store_code),
      ['BER-01', 'MUC-01'],
    );
    const small = await listCatalog(db, 'stores', { filters: { format: 'SMALL', country: '' } });
    assert.deepEqual(
      small.items.map((r) => r.store_code),
      ['BER-01', 'PAR-01'],
    );
    assert.equal((await getCatalogItem(db, 'stores', 'MUC-01'))?.size_sqm, 420.5);

    const closed = await failure(
      updateCatalogItem(db, 'stores', 'BER-01', { closed_on: '2022-12-31' }, ACTOR),
    );
    assert.deepEqual([closed.code, closed.paths], ['INVALID', ['closed_on']]);
    const cleared = await failure(
      updateCatalogItem(db, 'stores', 'BER-01', { city: null, store_code: 'X' }, ACTOR),
    );
    assert.deepEqual(cleared.paths, ['city', 'store_code']);
    const moved = await updateCatalogItem(
      db,
      'stores',
      'BER-01',
      { closed_on: '2024-06-30', size_sqm: 80 },
      ACTOR,
    );
    assert.deepEqual([moved.closed_on, moved.size_sqm, moved.city], ['2024-06-30', 80, 'Berlin']);

    await createCatalogItem(
      db,
      'suppliers',
      supplier('SUP-1', { contact_email: 'orders@example.com' }),
      ACTOR,
    );
    await createCatalogItem(db, 'suppliers', supplier('SUP-2', { country: 'JP', currency: 'jpy' }), ACTOR);
    const jp = await listCatalog(db, 'suppliers', { filters: { country: 'jp' } });
    assert.deepEqual(
      jp.items.map((r) => [r.supplier_code, r.currency]),
      [['SUP-2', 'JPY']],
    );
    const unset = await updateCatalogItem(db, 'suppliers', 'SUP-1', { contact_email: null }, ACTOR);
    assert.equal(unset.contact_email, null);

    const query = await failure(
      listCatalog(db, 'stores', { limit: 501, offset: -1, filters: { country: 'XX', colour: 'red' } }),
    );
    assert.deepEqual([query.code, query.paths], ['INVALID', ['limit', 'offset', 'country', 'colour']]);
    assert.equal((await failure(listCatalog(db, 'stores', { limit: 0 }))).code, 'INVALID');
    assert.equal((await failure(listCatalog(db, 'stores', { limit: 2.5 }))).code, 'INVALID');
    assert.equal((await listCatalog(db, 'stores', { limit: 500 })).limit, 500);
    // A refused update leaves no audit entry behind.
    assert.deepEqual(
      (await listAudit(db, { limit: 1000 })).map((e) => e.action).filter((a) => a === 'catalog.update'),
      ['catalog.update', 'catalog.update'],
    );
  });

  it('stores SQL-looking text verbatim and filters on it literally', async (t) => {
    const db = await open(t);
    const sku = "SKU'; DELETE FROM products; --";
    const name = "Robert'); DROP TABLE products; --";
    const category = "x' OR '1'='1";
    await createCatalogItem(
      db,
      'products',
      product(sku, { name, category, certifications: ['"quoted"', 'back\\slash'] }),
      ACTOR,
    );
    await createCatalogItem(db, 'products', product('A%1'), ACTOR);
    await createCatalogItem(db, 'products', product('AB_2'), ACTOR);
    await createCatalogItem(db, 'products', product('ABC'), ACTOR);
    const row = (await getCatalogItem(db, 'products', sku))!;
    assert.deepEqual(
      [row.sku, row.name, row.category, row.certifications],
      [sku, name, category, ['"quoted"', 'back\\slash']],
    );
    assert.deepEqual(
      (await listCatalog(db, 'products', { filters: { category } })).items.map((r) => r.sku),
      [sku],
    );
    // A prefix is literal: % and _ are not wildcards.
    assert.deepEqual(
      (await listCatalog(db, 'products', { filters: { q: 'A%' } })).items.map((r) => r.sku),
      ['A%1'],
    );
    assert.deepEqual(
      (await listCatalog(db, 'products', { filters: { q: 'AB_' } })).items.map((r) => r.sku),
      ['AB_2'],
    );
    assert.deepEqual((await listCatalog(db, 'products', { filters: { q: "' OR 1=1 --" } })).total, 0);
    await updateCatalogItem(db, 'products', sku, { name: `${name} v2` }, "actor'); --");
    await retireCatalogItem(db, 'products', sku, ACTOR);
    assert.equal((await listCatalog(db, 'products', { includeRetired: true })).total, 4);
    const audit = await listAudit(db, { actor: "actor'); --" });
    assert.deepEqual(
      audit.map((e) => e.target),
      [`products/${sku}`],
    );
  });
});
