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
import { ModelCache } from './model-cache.js';
import { forecastOnline, forecastOnlineJson, MAX_PAIRS, type PairForecast } from './online-forecast.js';
import { ServingError } from './serving-error.js';
import { fixtureBundle, registerBundle } from './testing/serving-fixture.js';

const b = testBackend();

async function setup(t: { after: (fn: () => unknown) => void }) {
  const db = await openTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-online-'));
  t.after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, store: new FilesystemArtifactStore(dir) };
}

/** What a response must hold for one pair: predictBundleSeries on the version's bundle. */
function expected(bundle: ModelBundle, store: string, sku: string, horizon: number, quantiles: number[]) {
  const series = bundle.series.find((s) => s.store === store && s.product === sku);
  assert.ok(series, `${store}/${sku} in the bundle`);
  const f = predictBundleSeries(series, { horizon, quantiles }, modelCatalog);
  return {
    store,
    sku,
    algorithm: f.algorithm,
    points: f.dates.map((date, h) => ({
      date,
      mean: f.mean[h],
      quantiles: Object.fromEntries(quantiles.map((q) => [String(q), f.quantiles.get(q)?.[h]])),
    })),
  };
}

function plain(forecasts: PairForecast[]): unknown {
  return JSON.parse(JSON.stringify(forecasts));
}

test(`[${b}] forecasts are the champion bundle's predictions, for its own shape and for others`, async (t) => {
  const { db, store } = await setup(t);
  const bundle = fixtureBundle({
    stores: 2,
    products: 3,
    models: ['theta', 'croston', 'moving-average', 'ets'],
    params: { ets: { model: 'MNM', intervalPaths: 500 } },
    horizon: 14,
    quantiles: [0.9, 0.1, 0.5],
  });
  bundle.series.push({
    kind: 'precomputed',
    store: 'S09',
    product: 'EXT',
    segment: 'all',
    lastDay: '2026-06-30',
    algorithm: 'external:xgb',
    mean: Array.from({ length: 14 }, (_, i) => i),
    quantiles: { '0.1': Array(14).fill(0), '0.5': Array(14).fill(1), '0.9': Array(14).fill(2) },
  });
  const v = await registerBundle(db, store, 'demand', bundle);
  await promote(db, { model: 'demand', version: v.version }, { reason: 'test', actor: 'test' });
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 60_000, workers: 0 });
  t.after(() => cache.close());

  const pairs = [
    { store: 'S01', sku: 'P0001' },
    { store: 'S02', sku: 'P0003' },
    { store: 'S01', sku: 'P0004' },
    { store: 'S09', sku: 'EXT' },
  ].filter((p) => bundle.series.some((s) => s.store === p.store && s.product === p.sku));
  const own = await forecastOnline(cache, { pairs, horizon: 14 });
  assert.equal(own.model, 'demand');
  assert.equal(own.version, 1);
  assert.deepEqual(
    plain(own.forecasts),
    pairs.map((p) => expected(bundle, p.store, p.sku, 14, [0.1, 0.5, 0.9])),
  );
  assert.equal(own.forecasts[0]?.points[0]?.date, '2026-07-01');
  assert.deepEqual(Object.keys(own.forecasts[0]?.points[0]?.quantiles ?? {}), ['0.1', '0.5', '0.9']);
  assert.equal(own.forecasts.at(-1)?.algorithm, 'external:xgb');
  // The JSON text form is the same response, serialised once per pair and reused.
  for (let i = 0; i < 2; i++)
    assert.equal(await forecastOnlineJson(cache, { pairs, horizon: 14 }), JSON.stringify(own));

  // Another shape: quantiles given in any order and repeated come back ascending once.
  const fitted = pairs.filter((p) => p.sku !== 'EXT');
  const other = await forecastOnline(cache, { pairs: fitted, horizon: 30, quantiles: [0.95, 0.05, 0.95] });
  assert.deepEqual(
    plain(other.forecasts),
    fitted.map((p) => expected(bundle, p.store, p.sku, 30, [0.05, 0.95])),
  );
  const again = await forecastOnline(cache, { pairs: fitted, horizon: 30, quantiles: [0.05, 0.95] });
  assert.equal(again.forecasts[0], other.forecasts[0], 'a remembered answer is reused');

  // External forecasts cover only what the trainer wrote.
  await assert.rejects(forecastOnline(cache, { pairs: [{ store: 'S09', sku: 'EXT' }], horizon: 20 }), (e) => {
    assert.ok(e instanceof ServingError && e.code === 'INVALID_REQUEST');
    assert.match(e.message, /S09\/EXT/);
    return true;
  });
});

test(`[${b}] an unknown store or SKU is named in an UNKNOWN_PAIR error`, async (t) => {
  const { db, store } = await setup(t);
  const v = await registerBundle(
    db,
    store,
    'demand',
    fixtureBundle({ stores: 1, products: 2, models: ['theta'] }),
  );
  await promote(db, { model: 'demand', version: v.version }, { reason: 'test', actor: 'test' });
  const cache = new ModelCache(db, { artifactStore: store, workers: 0 });
  t.after(() => cache.close());
  await assert.rejects(
    forecastOnline(cache, {
      pairs: [
        { store: 'S01', sku: 'P0001' },
        { store: 'S01', sku: 'NOPE' },
        { store: 'X9', sku: 'P0002' },
      ],
      horizon: 7,
    }),
    (e: unknown) => {
      assert.ok(e instanceof ServingError);
      assert.equal(e.code, 'UNKNOWN_PAIR');
      assert.match(e.message, /S01\/NOPE, X9\/P0002/);
      assert.deepEqual((e.details as { pairs: unknown }).pairs, [
        { store: 'S01', sku: 'NOPE' },
        { store: 'X9', sku: 'P0002' },
      ]);
      return true;
    },
  );
  await assert.rejects(
    forecastOnline(cache, { model: 'other', pairs: [{ store: 'S01', sku: 'P0001' }], horizon: 7 }),
    (e: unknown) => e instanceof ServingError && e.code === 'NO_CHAMPION',
  );
});

test(`[${b}] bad requests are refused with the field that is wrong`, async (t) => {
  const { db } = await setup(t);
  // Validation comes before any model is needed: no champion exists here.
  const cache = new ModelCache(db, { workers: 0 });
  t.after(() => cache.close());
  const pair = { store: 'S01', sku: 'P0001' };
  const cases: [unknown, string][] = [
    [null, ''],
    [{ pairs: [], horizon: 7 }, 'pairs'],
    [{ horizon: 7 }, 'pairs'],
    [{ pairs: Array(MAX_PAIRS + 1).fill(pair), horizon: 7 }, 'pairs'],
    [{ pairs: [{ store: 'S01' }], horizon: 7 }, 'pairs[0].sku'],
    [{ pairs: [pair, { store: '', sku: 'P' }], horizon: 7 }, 'pairs[1].store'],
    [{ pairs: [pair], horizon: 0 }, 'horizon'],
    [{ pairs: [pair], horizon: 366 }, 'horizon'],
    [{ pairs: [pair], horizon: 1.5 }, 'horizon'],
    [{ pairs: [pair], horizon: '7' }, 'horizon'],
    [{ pairs: [pair], horizon: 7, quantiles: [] }, 'quantiles'],
    [{ pairs: [pair], horizon: 7, quantiles: [0.5, 1] }, 'quantiles[1]'],
    [{ pairs: [pair], horizon: 7, quantiles: [0] }, 'quantiles[0]'],
    [{ pairs: [pair], horizon: 7, quantiles: ['0.5'] }, 'quantiles[0]'],
    [{ pairs: [pair], horizon: 7, model: 3 }, 'model'],
  ];
  for (const [request, path] of cases) {
    await assert.rejects(
      forecastOnline(cache, request as never),
      (e: unknown) => {
        assert.ok(e instanceof ServingError, `${JSON.stringify(request)?.slice(0, 80)}`);
        assert.equal(e.code, 'INVALID_REQUEST');
        const problems = e.details as { path: string; message: string }[];
        assert.equal(problems[0]?.path, path, JSON.stringify(problems));
        assert.ok(e.message.length > 20);
        return true;
      },
      JSON.stringify(request)?.slice(0, 80),
    );
  }
});

test(`[${b}] a burst of requests during promotions: none fails, each is entirely from one version`, async (t) => {
  const { db, store } = await setup(t);
  const bundles = new Map<number, ModelBundle>();
  for (const [seed, models] of [
    [1, ['theta', 'croston']],
    [2, ['moving-average', 'naive']],
  ] as const) {
    const bundle = fixtureBundle({ stores: 3, products: 4, models: [...models], seed });
    bundles.set((await registerBundle(db, store, 'demand', bundle)).version, bundle);
  }
  await promote(db, { model: 'demand', version: 1 }, { reason: 'first', actor: 'test' });
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 10, workers: 0 });
  t.after(() => cache.close());
  const pairs = [
    { store: 'S01', sku: 'P0001' },
    { store: 'S02', sku: 'P0002' },
    { store: 'S03', sku: 'P0004' },
  ];
  const want = new Map(
    [...bundles].map(([v, bundle]) => [
      v,
      pairs.map((p) => expected(bundle, p.store, p.sku, 14, [0.1, 0.5, 0.9])),
    ]),
  );

  const responses: Promise<{ version: number; forecasts: PairForecast[] }>[] = [];
  let running = true;
  const load = (async () => {
    while (running) {
      for (let i = 0; i < 10; i++) responses.push(forecastOnline(cache, { pairs, horizon: 14 }));
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  for (const version of [2, 1, 2, 1, 2]) {
    await new Promise((r) => setTimeout(r, 60));
    await promote(db, { model: 'demand', version }, { reason: `swap to v${version}`, actor: 'test' });
  }
  await new Promise((r) => setTimeout(r, 100));
  running = false;
  await load;
  const settled = await Promise.allSettled(responses);
  const failed = settled.filter((s) => s.status === 'rejected');
  assert.equal(failed.length, 0, String((failed[0] as PromiseRejectedResult | undefined)?.reason));
  const byVersion = new Map<number, number>();
  for (const s of settled) {
    const r = (s as PromiseFulfilledResult<{ version: number; forecasts: PairForecast[] }>).value;
    byVersion.set(r.version, (byVersion.get(r.version) ?? 0) + 1);
    assert.deepEqual(plain(r.forecasts), want.get(r.version), `a response of v${r.version}`);
  }
  assert.ok(responses.length > 100, `${responses.length} requests`);
  assert.ok((byVersion.get(1) ?? 0) > 0 && (byVersion.get(2) ?? 0) > 0, JSON.stringify([...byVersion]));
  assert.equal((await cache.champion()).version, 2);
});

test(`[${b}] answers computed on worker threads are the same numbers as in this thread`, async (t) => {
  const { db, store } = await setup(t);
  const bundle = fixtureBundle({
    stores: 1,
    products: 4,
    models: ['ets', 'theta'],
    params: { ets: { model: 'MNM', intervalPaths: 300 } },
  });
  const v = await registerBundle(db, store, 'demand', bundle);
  await promote(db, { model: 'demand', version: v.version }, { reason: 'test', actor: 'test' });
  const inThread = new ModelCache(db, { artifactStore: store, workers: 0 });
  const onWorkers = new ModelCache(db, { artifactStore: store, workers: 1 });
  t.after(() => {
    inThread.close();
    onWorkers.close();
  });
  const pairs = bundle.series.map((s) => ({ store: s.store, sku: s.product }));
  const a = await forecastOnline(inThread, { pairs, horizon: 14 });
  const w = await forecastOnline(onWorkers, { pairs, horizon: 14 });
  assert.deepEqual(plain(w.forecasts), plain(a.forecasts));
  assert.deepEqual(
    plain(a.forecasts),
    pairs.map((p) => expected(bundle, p.store, p.sku, 14, [0.1, 0.5, 0.9])),
  );
  assert.equal(a.forecasts[0]?.algorithm, 'ets');
});
