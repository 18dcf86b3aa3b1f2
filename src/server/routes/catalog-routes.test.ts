import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testBackend } from '../../db/testing/test-database.js';
import { startTestServer } from '../testing/test-server.js';

const supplier = {
  supplier_code: 'SUP-1',
  name: 'Green Farms',
  country: 'DE',
  currency: 'EUR',
};
const product = { sku: 'SKU-1', name: 'Oat milk 1 l', category: 'dairy', unit: 'litre', shelf_life_days: 30 };

describe(`[${testBackend()}] catalog API`, () => {
  it('creates, reads, lists (paged, filtered), updates and retires; viewers read, analysts write', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());

    assert.equal(
      (await server.call('POST', '/v1/catalog/suppliers', { as: 'viewer', body: supplier })).status,
      403,
    );
    const s = await server.call('POST', '/v1/catalog/suppliers', { as: 'analyst', body: supplier });
    assert.equal(s.status, 201, s.text);
    assert.equal(s.json.supplier_code, 'SUP-1');
    assert.equal(s.json.retired_at, null);

    for (let i = 1; i <= 3; i++) {
      const r = await server.call('POST', '/v1/catalog/products', {
        as: 'analyst',
        body: { ...product, sku: `SKU-${i}`, category: i === 3 ? 'bakery' : 'dairy' },
      });
      assert.equal(r.status, 201, r.text);
    }
    const again = await server.call('POST', '/v1/catalog/products', { as: 'analyst', body: product });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.json.error.code, 'CONFLICT');

    const terms = await server.call('POST', '/v1/catalog/product-suppliers', {
      as: 'analyst',
      body: {
        sku: 'SKU-1',
        supplier_code: 'SUP-1',
        lead_time_days: 3,
        min_order_qty: 10,
        pack_size: 6,
        unit_cost: 0.89,
        currency: 'EUR',
      },
    });
    assert.equal(terms.status, 201, terms.text);
    const read = await server.call(
      'GET',
      `/v1/catalog/product-suppliers/${encodeURIComponent('SKU-1~SUP-1')}`,
      {
        as: 'viewer',
      },
    );
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.lead_time_days, 3);

    const page = await server.call('GET', '/v1/catalog/products?limit=2&offset=0', { as: 'viewer' });
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(
      { skus: page.json.items.map((p: { sku: string }) => p.sku), total: page.json.total },
      { skus: ['SKU-1', 'SKU-2'], total: 3 },
    );
    const next = await server.call('GET', '/v1/catalog/products?limit=2&offset=2', { as: 'viewer' });
    assert.deepEqual(
      next.json.items.map((p: { sku: string }) => p.sku),
      ['SKU-3'],
    );
    const dairy = await server.call('GET', '/v1/catalog/products?category=dairy', { as: 'viewer' });
    assert.equal(dairy.json.total, 2);
    const badFilter = await server.call('GET', '/v1/catalog/products?colour=red', { as: 'viewer' });
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.json.error.details[0].path, 'colour');

    const patched = await server.call('PATCH', '/v1/catalog/products/SKU-2', {
      as: 'analyst',
      body: { name: 'Oat milk 0.5 l', shelf_life_days: null },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.name, 'Oat milk 0.5 l');
    assert.equal(patched.json.shelf_life_days, null);
    const badPatch = await server.call('PATCH', '/v1/catalog/products/SKU-2', {
      as: 'analyst',
      body: { unit: 'barrel', shelf_life_days: -4 },
    });
    assert.equal(badPatch.status, 400, badPatch.text);
    assert.deepEqual(badPatch.json.error.details.map((d: { path: string }) => d.path).sort(), [
      'shelf_life_days',
      'unit',
    ]);
    const missing = await server.call('PATCH', '/v1/catalog/products/NOPE', {
      as: 'analyst',
      body: { name: 'x' },
    });
    assert.equal(missing.status, 404, missing.text);

    const retired = await server.call('DELETE', '/v1/catalog/products/SKU-3', { as: 'analyst' });
    assert.equal(retired.status, 200, retired.text);
    assert.ok(retired.json.retired_at);
    const active = await server.call('GET', '/v1/catalog/products', { as: 'viewer' });
    assert.equal(active.json.total, 2);
    const all = await server.call('GET', '/v1/catalog/products?includeRetired=true', { as: 'viewer' });
    assert.equal(all.json.total, 3);
    assert.equal((await server.call('DELETE', '/v1/catalog/products/NOPE', { as: 'analyst' })).status, 404);

    const audit = await server.call('GET', `/v1/audit?actor=${server.tokens.analyst.id}&limit=50`);
    const actions = audit.json.items.map(
      (e: { action: string; target: string }) => `${e.action} ${e.target}`,
    );
    for (const expected of [
      'catalog.create suppliers/SUP-1',
      'catalog.create products/SKU-1',
      'catalog.update products/SKU-2',
      'catalog.retire products/SKU-3',
    ])
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
    // Refused calls are audited too, with their status.
    const refused = audit.json.items.find(
      (e: { action: string; status: number | null }) => e.action === 'catalog.create' && e.status === 409,
    );
    assert.ok(refused, 'the conflicting create is audited');
  });

  it('stores: a full row with dates, enum and decimal fields round-trips', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const store = {
      store_code: 'BER-01',
      name: 'Berlin Mitte',
      city: 'Berlin',
      country: 'DE',
      timezone: 'Europe/Berlin',
      currency: 'EUR',
      opened_on: '2024-03-01',
      format: 'small',
      size_sqm: 120.5,
    };
    const created = await server.call('POST', '/v1/catalog/stores', { as: 'analyst', body: store });
    assert.equal(created.status, 201, created.text);
    const read = await server.call('GET', '/v1/catalog/stores/BER-01', { as: 'viewer' });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.opened_on, '2024-03-01');
    assert.equal(Number(read.json.size_sqm), 120.5);
    const closedBeforeOpen = await server.call('PATCH', '/v1/catalog/stores/BER-01', {
      as: 'analyst',
      body: { closed_on: '2020-01-01' },
    });
    assert.equal(closedBeforeOpen.status, 400, closedBeforeOpen.text);
    const byCountry = await server.call('GET', '/v1/catalog/stores?country=de', { as: 'viewer' });
    assert.equal(byCountry.json.total, 1);
  });
});
