import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testBackend } from '../../db/testing/test-database.js';
import { startTestServer, waitForJob } from '../testing/test-server.js';

const SUPPLIERS = `supplier_code,name,country,currency,contact_email
SUP-1,Green Farms,DE,EUR,orders@green.example
SUP-2,Blue Dairy,FR,EUR,
SUP-3,Fjord Fish,NO,NOK,
`;

const csv = { 'content-type': 'text/csv' };

describe(`[${testBackend()}] ingestion API`, () => {
  it('ingests an uploaded CSV as one batch; the same file again changes nothing; viewers cannot upload', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());

    const denied = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'viewer',
      raw: SUPPLIERS,
      headers: csv,
    });
    assert.equal(denied.status, 403);

    const first = await server.call('POST', '/v1/ingestion/suppliers/file?filename=suppliers.csv', {
      as: 'analyst',
      raw: SUPPLIERS,
      headers: csv,
    });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.status, 'applied');
    assert.equal(first.json.rowsInserted, 3);
    assert.equal(first.json.file, 'suppliers.csv');
    assert.ok(Number.isInteger(first.json.batchId));

    const again = await server.call('POST', '/v1/ingestion/suppliers/file?filename=suppliers.csv', {
      as: 'analyst',
      raw: SUPPLIERS,
      headers: csv,
    });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.status, 'duplicate');
    assert.equal(again.json.duplicateOf, first.json.batchId);

    const list = await server.call('GET', '/v1/catalog/suppliers', { as: 'viewer' });
    assert.equal(list.json.total, 3);
    const batches = await server.call('GET', '/v1/ingestion/batches?entity=suppliers', { as: 'viewer' });
    assert.deepEqual(
      batches.json.items.map((b: { status: string }) => b.status),
      ['duplicate', 'applied'],
    );
    // Uploads ingested within the request leave nothing behind.
    const uploads = join(server.home, 'uploads');
    assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], []);
  });

  it('reports rejected rows with the validation report and pages through quarantine', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const rows = [
      'supplier_code,name,country,currency',
      ...Array.from({ length: 20 }, (_, i) => `S-${i},Supplier ${i},${i % 10 === 3 ? 'XX' : 'DE'},EUR`),
    ].join('\n');
    const r = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      raw: rows,
      headers: csv,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'applied');
    assert.equal(r.json.rowsRejected, 2);
    assert.equal(r.json.issues[0].field, 'country');
    assert.deepEqual(
      r.json.quarantine.map((q: { line: number }) => q.line),
      [5, 15],
    );

    const batch = await server.call('GET', `/v1/ingestion/batches/${r.json.batchId}`, { as: 'viewer' });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.rowsRejected, 2);
    assert.ok(batch.json.columnStats.some((s: { column: string }) => s.column === 'country'));
    assert.ok(Array.isArray(batch.json.report.issues));
    const page = await server.call(
      'GET',
      `/v1/ingestion/batches/${r.json.batchId}/quarantine?limit=1&offset=1`,
      {
        as: 'viewer',
      },
    );
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(
      { lines: page.json.items.map((q: { line: number }) => q.line), total: page.json.total },
      { lines: [15], total: 2 },
    );
    assert.equal(page.json.items[0].raw.country, 'XX');

    const refused = await server.call('POST', '/v1/ingestion/suppliers/file?maxRejectedShare=0', {
      as: 'analyst',
      raw: `${rows}\nS-99,Late,DE,EUR\n`,
      headers: csv,
    });
    assert.equal(refused.status, 201, refused.text);
    assert.equal(refused.json.status, 'refused');
  });

  it('refuses files it cannot read with a 400 naming the client file, not the server path', async (t) => {
    const server = await startTestServer({ uploadLimit: 4096 });
    t.after(() => server.close());
    const missing = await server.call('POST', '/v1/ingestion/suppliers/file?filename=mine.csv', {
      as: 'analyst',
      raw: 'supplier_code,name\nA,B\n',
      headers: csv,
    });
    assert.equal(missing.status, 400, missing.text);
    assert.equal(missing.json.error.code, 'MISSING_COLUMNS');
    assert.match(missing.json.error.message, /mine\.csv/);
    assert.doesNotMatch(missing.json.error.message, /uploads/);

    const unknownFormat = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      raw: 'x',
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(unknownFormat.status, 400, unknownFormat.text);
    const entity = await server.call('POST', '/v1/ingestion/planets/file', {
      as: 'analyst',
      raw: SUPPLIERS,
      headers: csv,
    });
    assert.equal(entity.status, 400, entity.text);
    assert.equal(entity.json.error.details[0].path, 'entity');
    const empty = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      raw: '',
      headers: csv,
    });
    assert.equal(empty.status, 400, empty.text);
    const big = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      raw: `${SUPPLIERS}${'SUP-9,x,DE,EUR,\n'.repeat(400)}`,
      headers: csv,
    });
    assert.equal(big.status, 413, big.text);
    const json = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      body: { rows: [] },
    });
    assert.equal(json.status, 415, json.text);
  });

  it('runs a large upload as a job whose result is the batch, and removes the upload after', async (t) => {
    const server = await startTestServer({ inlineIngestLimit: 64 });
    t.after(() => server.close());
    const r = await server.call('POST', '/v1/ingestion/suppliers/file', {
      as: 'analyst',
      raw: SUPPLIERS,
      headers: csv,
    });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.type, 'ingest');
    assert.equal(r.json.createdBy, server.tokens.analyst.id);
    const job = await waitForJob(server, r.json.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.result.status, 'applied');
    assert.equal(job.result.rowsInserted, 3);
    const batch = await server.call('GET', `/v1/ingestion/batches/${job.result.batchId}`, { as: 'viewer' });
    assert.equal(batch.json.status, 'applied');
    const uploads = join(server.home, 'uploads');
    const deadline = Date.now() + 10_000;
    while (readdirSync(uploads).length > 0 && Date.now() < deadline)
      await new Promise((ok) => setTimeout(ok, 200));
    assert.deepEqual(readdirSync(uploads), []);
  });

  it('takes rows as JSON: numbers, booleans and nulls as in a file; the same rows twice change nothing', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const body = {
      rows: [
        { supplier_code: 'SUP-1', name: 'Green Farms', country: 'DE', currency: 'EUR' },
        { supplier_code: 'SUP-2', name: 'Blue Dairy', country: 'FR', currency: 'EUR', contact_email: null },
      ],
    };
    const r = await server.call('POST', '/v1/ingestion/suppliers/rows', { as: 'analyst', body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.rowsInserted, 2);
    const again = await server.call('POST', '/v1/ingestion/suppliers/rows', { as: 'analyst', body });
    assert.equal(again.json.status, 'duplicate');
    const products = await server.call('POST', '/v1/ingestion/products/rows', {
      as: 'analyst',
      body: { rows: [{ sku: 'SKU-1', name: 'Soap', category: 'care', unit: 'piece', shelf_life_days: 365 }] },
    });
    assert.equal(products.status, 201, products.text);
    assert.equal(products.json.rowsInserted, 1);
    const bad = await server.call('POST', '/v1/ingestion/suppliers/rows', {
      as: 'analyst',
      body: { rows: [{ supplier_code: { nested: true } }] },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.details[0].path, 'rows[0].supplier_code');
    const entities = await server.call('GET', '/v1/ingestion/entities', { as: 'viewer' });
    assert.ok(entities.json.items.some((e: { name: string }) => e.name === 'sales'));
  });
});
