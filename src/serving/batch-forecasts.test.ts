import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { type ModelBundle, predictBundleSeries } from '../models/model-bundle.js';
import { modelCatalog } from '../models/model-catalog.js';
import { promote } from '../registry/promotion.js';
import { FilesystemArtifactStore } from '../tracking/filesystem-artifact-store.js';
import {
  batchForecastsCsv,
  latestBatchForecastRun,
  quantileColumn,
  readBatchForecasts,
  runBatchForecasts,
} from './batch-forecasts.js';
import { ServingError } from './serving-error.js';
import { fixtureBundle, registerBundle } from './testing/serving-fixture.js';

const b = testBackend();

async function setup(t: { after: (fn: () => unknown) => void }) {
  const db = await openTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-batch-'));
  t.after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const store = new FilesystemArtifactStore(dir);
  const bundles: ModelBundle[] = [
    fixtureBundle({ stores: 2, products: 3, models: ['theta', 'croston', 'moving-average'], horizon: 7 }),
    fixtureBundle({ stores: 2, products: 3, models: ['naive'], horizon: 7, quantiles: [0.05, 0.5], seed: 2 }),
  ];
  for (const bundle of bundles) await registerBundle(db, store, 'demand', bundle);
  await promote(db, { model: 'demand', version: 1 }, { reason: 'test', actor: 'test' });
  return { db, store, bundles };
}

async function countRows(db: { query: <R>(sql: string) => Promise<R[]> }): Promise<number> {
  const rows = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM batch_forecasts');
  return Number(rows[0]?.n);
}

test(`[${b}] a batch run writes series × horizon rows equal to the bundle's predictions; a rerun replaces it`, async (t) => {
  const { db, store, bundles } = await setup(t);
  const seen: number[] = [];
  const first = await runBatchForecasts(db, {
    artifactStore: store,
    progress: (f) => seen.push(f),
  });
  assert.equal(first.model, 'demand');
  assert.equal(first.version, 1);
  assert.equal(first.pairs, 6);
  assert.equal(first.rows, 6 * 7);
  assert.ok(first.seconds > 0);
  assert.equal(await countRows(db), 42);
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= (seen[i - 1] as number))));

  const page = await readBatchForecasts(db, { store: 'S01', sku: 'P0002' });
  assert.equal(page.total, 7);
  const series = bundles[0]?.series.find((s) => s.store === 'S01' && s.product === 'P0002');
  assert.ok(series);
  const want = predictBundleSeries(series, { horizon: 7, quantiles: [0.1, 0.5, 0.9] }, modelCatalog);
  assert.deepEqual(
    page.items.map((r) => [r.model, r.version, r.date, r.algorithm, r.mean, r.quantiles]),
    want.dates.map((date, h) => [
      'demand',
      1,
      date,
      want.algorithm,
      want.mean[h],
      {
        '0.1': want.quantiles.get(0.1)?.[h],
        '0.5': want.quantiles.get(0.5)?.[h],
        '0.9': want.quantiles.get(0.9)?.[h],
      },
    ]),
  );
  const run1 = await latestBatchForecastRun(db, { model: 'demand' });
  assert.deepEqual(
    [run1?.version, run1?.pairs, run1?.rows, run1?.horizon, run1?.quantiles],
    [1, 6, 42, 7, [0.1, 0.5, 0.9]],
  );

  // Idempotent: the same version again leaves one copy of each row.
  await new Promise((r) => setTimeout(r, 20));
  const again = await runBatchForecasts(db, { artifactStore: store, workers: 1 });
  assert.equal(again.rows, 42);
  assert.equal(await countRows(db), 42);
  const run1b = await latestBatchForecastRun(db, { model: 'demand', version: 1 });
  assert.ok((run1b?.createdAt ?? '') > (run1?.createdAt ?? ''), 'the run is recorded again');
  assert.deepEqual(
    (await readBatchForecasts(db, { store: 'S01', sku: 'P0002' })).items.map((r) => r.mean),
    want.mean,
  );

  // A new champion's run is added beside it and becomes the default to read.
  await promote(db, { model: 'demand', version: 2 }, { reason: 'test', actor: 'test' });
  const second = await runBatchForecasts(db, { model: 'demand', artifactStore: store });
  assert.equal(second.version, 2);
  assert.equal(await countRows(db), 84);
  const latest = await readBatchForecasts(db, { limit: 1 });
  assert.equal(latest.items[0]?.version, 2);
  assert.deepEqual(Object.keys(latest.items[0]?.quantiles ?? {}).sort(), ['0.05', '0.5']);
  assert.equal((await readBatchForecasts(db, { version: 1, limit: 1 })).items[0]?.version, 1);
  assert.equal((await readBatchForecasts(db, { model: 'other' })).total, 0);
});

test(`[${b}] batch forecasts page in store, SKU, date order and filter by store and SKU`, async (t) => {
  const { db, store } = await setup(t);
  await runBatchForecasts(db, { artifactStore: store });
  const all = await readBatchForecasts(db, { limit: 1000 });
  assert.equal(all.total, 42);
  assert.equal(all.items.length, 42);
  const keys = all.items.map((r) => `${r.store}|${r.sku}|${r.date}`);
  assert.deepEqual(keys, [...keys].sort());
  const pages: string[] = [];
  for (let offset = 0; offset < 42; offset += 10) {
    const page = await readBatchForecasts(db, { limit: 10, offset });
    assert.equal(page.total, 42);
    assert.equal(page.limit, 10);
    assert.equal(page.offset, offset);
    pages.push(...page.items.map((r) => `${r.store}|${r.sku}|${r.date}`));
  }
  assert.deepEqual(pages, keys);
  const s2 = await readBatchForecasts(db, { store: 'S02' });
  assert.equal(s2.total, 21);
  assert.ok(s2.items.every((r) => r.store === 'S02'));
  assert.equal((await readBatchForecasts(db, { sku: 'P0003' })).total, 14);
  assert.equal((await readBatchForecasts(db, { store: 'S09' })).total, 0);
  for (const bad of [{ limit: 0 }, { limit: 10_001 }, { offset: -1 }, { limit: 2.5 }, { version: 0 }]) {
    await assert.rejects(
      readBatchForecasts(db, bad),
      (e: unknown) => e instanceof ServingError && e.code === 'INVALID_REQUEST',
      JSON.stringify(bad),
    );
  }
});

test(`[${b}] batch forecasts stream as CSV, page by page`, async (t) => {
  const { db, store } = await setup(t);
  const empty: string[] = [];
  for await (const text of batchForecastsCsv(db, {})) empty.push(text);
  assert.deepEqual(empty, ['store,sku,date,algorithm,mean\n']);

  await runBatchForecasts(db, { artifactStore: store });
  const chunks: string[] = [];
  for await (const text of batchForecastsCsv(db, { model: 'demand' }, { pageSize: 10 })) chunks.push(text);
  assert.ok(chunks.length >= 5, `${chunks.length} chunks`);
  const lines = chunks.join('').trimEnd().split('\n');
  assert.equal(lines[0], 'store,sku,date,algorithm,mean,q10,q50,q90');
  assert.equal(lines.length, 43);
  const rows = (await readBatchForecasts(db, { limit: 1000 })).items;
  assert.deepEqual(
    lines.slice(1),
    rows.map((r) =>
      [
        r.store,
        r.sku,
        r.date,
        r.algorithm,
        r.mean,
        r.quantiles['0.1'],
        r.quantiles['0.5'],
        r.quantiles['0.9'],
      ].join(','),
    ),
  );
  const one: string[] = [];
  for await (const text of batchForecastsCsv(db, { store: 'S01', sku: 'P0001' })) one.push(text);
  assert.equal(one.join('').trimEnd().split('\n').length, 8);
  assert.equal(quantileColumn(0.025), 'q2.5');
  assert.equal(quantileColumn(0.1), 'q10');
});

test(`[${b}] a cancelled run writes nothing; no champion is a NO_CHAMPION error`, async (t) => {
  const { db, store } = await setup(t);
  const controller = new AbortController();
  await assert.rejects(
    runBatchForecasts(db, {
      artifactStore: store,
      signal: controller.signal,
      progress: (f) => {
        if (f > 0) controller.abort();
      },
    }),
    (e: unknown) => (e as Error).name === 'AbortError',
  );
  assert.equal(await countRows(db), 0);
  assert.equal(await latestBatchForecastRun(db), null);
  await assert.rejects(
    runBatchForecasts(db, { model: 'other', artifactStore: store }),
    (e: unknown) => e instanceof ServingError && e.code === 'NO_CHAMPION',
  );
});
