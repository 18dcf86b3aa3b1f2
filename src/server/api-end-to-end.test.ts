/**
 * The whole loop through the API only: demo files uploaded as batches → a training job from a config
 * → the version promoted by an admin → online forecasts from it → a retrained version promoted, served
 * at once → a batch-forecast job → the stored forecasts read paged and as CSV.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testBackend } from '../db/testing/test-database.js';
import { generateDemoData } from '../demo/index.js';
import { startTestServer, waitForJob } from './testing/test-server.js';

// Pipeline runs and model bundles live under SHELFCAST_HOME, where the server reads them.
const home = mkdtempSync(join(tmpdir(), 'shelfcast-api-e2e-'));
process.env.SHELFCAST_HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

/** Demo files in dependency order (each entity refers only to those before it). */
const UPLOADS: [entity: string, file: string][] = [
  ['suppliers', 'suppliers.csv'],
  ['products', 'products.csv'],
  ['product-suppliers', 'product_suppliers.csv'],
  ['stores', 'stores.csv'],
  ['holidays', 'holidays.csv'],
  ['prices', 'prices.csv'],
  ['promotions', 'promotions.csv'],
  ['sales', 'sales.csv'],
  ['stock', 'stock.csv'],
];

const CONFIG = {
  name: 'api-demand',
  horizon: 7,
  backtest: { folds: 2 },
  algorithms: { 'moving-average': { trials: 1 }, ets: { trials: 1, space: { model: 'ANN' } } },
  data: { days: 120 },
  promotion: { margin: 0.02 },
};

test(`[${testBackend()}] API end to end: ingest, train, promote, forecast online and in batch`, async (t) => {
  // Small uploads inline, the sales file as a job: both paths of the ingestion endpoint.
  const server = await startTestServer({ home, inlineIngestLimit: 64 * 1024 });
  t.after(() => server.close());
  const data = join(home, 'demo');
  await generateDemoData({ outDir: data, stores: 2, products: 6, days: 150, end: '2026-06-30' });

  for (const [entity, file] of UPLOADS) {
    const r = await server.call('POST', `/v1/ingestion/${entity}/file?filename=${file}`, {
      as: 'analyst',
      raw: readFileSync(join(data, file)),
      headers: { 'content-type': 'text/csv' },
    });
    assert.ok(r.status === 201 || r.status === 202, `${file}: ${r.text}`);
    const batch = r.status === 201 ? r.json : (await waitForJob(server, r.json.id)).result;
    assert.equal(batch.status, 'applied', `${file}: ${JSON.stringify(batch)}`);
  }
  const bad = await server.call('POST', '/v1/ingestion/sales/file?filename=bad_sales.csv', {
    as: 'analyst',
    raw: readFileSync(join(data, 'bad_sales.csv')),
    headers: { 'content-type': 'text/csv' },
  });
  const badBatch = bad.status === 201 ? bad.json : (await waitForJob(server, bad.json.id)).result;
  assert.ok(badBatch.rowsRejected > 0, JSON.stringify(badBatch));
  const quarantine = await server.call(
    'GET',
    `/v1/ingestion/batches/${badBatch.batchId}/quarantine?limit=5`,
    {
      as: 'viewer',
    },
  );
  assert.equal(quarantine.json.total, badBatch.rowsRejected);

  const started = await server.call('POST', '/v1/pipelines/train', {
    as: 'analyst',
    body: { config: CONFIG },
  });
  assert.equal(started.status, 202, started.text);
  const trained = await waitForJob(server, started.json.id, 300_000);
  assert.equal(trained.status, 'succeeded', JSON.stringify(trained.error));
  const registration = trained.result.outputs.register.registration;
  assert.equal(registration.model, 'api-demand');
  assert.equal(registration.version, 1);
  const run = await server.call('GET', `/v1/pipelines/runs/${trained.result.runId}`, { as: 'viewer' });
  assert.ok(
    run.json.steps.every((s: { status: string }) => s.status === 'succeeded'),
    run.text,
  );
  const log = await server.call('GET', `/v1/pipelines/runs/${trained.result.runId}/logs/train`, {
    as: 'viewer',
  });
  assert.equal(log.status, 200);

  // Whatever the policy decided for the first version, an admin makes it the champion by hand.
  const promoted = await server.call('POST', '/v1/models/api-demand/promote', {
    body: { version: 1, reason: 'first trained version, reviewed' },
  });
  assert.equal(promoted.status, 200, promoted.text);
  const champion = await server.call('GET', '/v1/models/api-demand/versions/champion', { as: 'viewer' });
  assert.equal(champion.json.version, 1);

  const stores = (await server.call('GET', '/v1/catalog/stores', { as: 'viewer' })).json.items;
  const products = (await server.call('GET', '/v1/catalog/products', { as: 'viewer' })).json.items;
  const pairs = stores.flatMap((s: { store_code: string }) =>
    products.map((p: { sku: string }) => ({ store: s.store_code, sku: p.sku })),
  );
  const online = await server.call('POST', '/v1/forecasts', {
    as: 'viewer',
    body: { pairs: pairs.slice(0, 3), horizon: 7, quantiles: [0.1, 0.5, 0.9] },
  });
  assert.equal(online.status, 200, online.text);
  assert.deepEqual(
    { model: online.json.model, version: online.json.version },
    { model: 'api-demand', version: 1 },
  );
  assert.equal(online.json.forecasts.length, 3);
  for (const f of online.json.forecasts) {
    assert.equal(f.points.length, 7);
    assert.equal(f.points[0].date, '2026-07-01');
    for (const p of f.points)
      assert.ok(
        p.quantiles['0.1'] <= p.quantiles['0.5'] && p.quantiles['0.5'] <= p.quantiles['0.9'],
        JSON.stringify(p),
      );
  }

  // A second run of the same config registers version 2; promoting it switches online forecasts at once.
  const retrain = await server.call('POST', '/v1/pipelines/train', {
    as: 'analyst',
    body: { config: CONFIG, force: true },
  });
  const second = await waitForJob(server, retrain.json.id, 300_000);
  assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
  assert.equal(second.result.outputs.register.registration.version, 2);
  const promotedTwo = await server.call('POST', '/v1/models/api-demand/promote', {
    body: { version: 2, reason: 'retrained on the same data, same quality' },
  });
  assert.deepEqual(promotedTwo.json, { alias: 'champion', version: 2, previous: 1, changed: true });
  const onlineTwo = await server.call('POST', '/v1/forecasts', {
    as: 'viewer',
    body: { pairs: pairs.slice(0, 3), horizon: 7, quantiles: [0.1, 0.5, 0.9] },
  });
  assert.equal(onlineTwo.json.version, 2, onlineTwo.text);

  const batchJob = await server.call('POST', '/v1/batch-forecasts', { as: 'analyst', body: {} });
  assert.equal(batchJob.status, 202, batchJob.text);
  const batch = await waitForJob(server, batchJob.json.id, 120_000);
  assert.equal(batch.status, 'succeeded', JSON.stringify(batch.error));
  const rows = batch.result.rows as number;
  assert.equal(rows, batch.result.pairs * 7);
  const page = await server.call('GET', '/v1/batch-forecasts?model=api-demand&limit=10&offset=0', {
    as: 'viewer',
  });
  assert.equal(page.json.total, rows);
  assert.equal(page.json.items.length, 10);
  const pageTwo = await server.call('GET', '/v1/batch-forecasts?model=api-demand&limit=10&offset=10', {
    as: 'viewer',
  });
  assert.notDeepEqual(pageTwo.json.items[0], page.json.items[0]);
  assert.equal(page.json.items[0].version, 2);
  // Batch and online forecasts of one version are the same numbers.
  const first = onlineTwo.json.forecasts[0];
  const stored = await server.call(
    'GET',
    `/v1/batch-forecasts?store=${first.store}&sku=${first.sku}&limit=7`,
    {
      as: 'viewer',
    },
  );
  assert.deepEqual(
    stored.json.items.map((r: { mean: number }) => r.mean.toFixed(6)),
    first.points.map((p: { mean: number }) => p.mean.toFixed(6)),
  );
  const csv = await server.call('GET', '/v1/batch-forecasts/csv?model=api-demand', { as: 'viewer' });
  assert.equal(csv.status, 200);
  assert.equal(csv.text.trimEnd().split('\n').length, rows + 1);
});
