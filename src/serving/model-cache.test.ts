import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { registerModelVersion } from '../registry/model-registry.js';
import { promote, rollback } from '../registry/promotion.js';
import { FilesystemArtifactStore } from '../tracking/filesystem-artifact-store.js';
import { ModelCache } from './model-cache.js';
import { ServingError } from './serving-error.js';
import { fixtureBundle, registerBundle } from './testing/serving-fixture.js';

const b = testBackend();

async function setup(t: { after: (fn: () => unknown) => void }) {
  const db = await openTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-serving-'));
  t.after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, store: new FilesystemArtifactStore(dir) };
}

const small = (seed: number, models: string[] = ['theta', 'moving-average', 'croston']) =>
  fixtureBundle({ stores: 2, products: 3, models, seed });

async function championOf(db: Database, store: FilesystemArtifactStore, model: string, seed: number) {
  const v = await registerBundle(db, store, model, small(seed));
  await promote(db, { model, version: v.version }, { reason: 'test', actor: 'test' });
  return v;
}

function isServingError(code: string) {
  return (error: unknown) => error instanceof ServingError && error.code === code;
}

test(`[${b}] the champion is loaded once for concurrent first requests and listed as loaded`, async (t) => {
  const { db, store } = await setup(t);
  await championOf(db, store, 'demand', 1);
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 60_000, workers: 0 });
  t.after(() => cache.close());
  assert.deepEqual(cache.loaded(), []);
  const all = await Promise.all(Array.from({ length: 20 }, () => cache.champion()));
  assert.ok(all.every((s) => s === all[0]));
  assert.equal(all[0]?.version, 1);
  assert.equal(all[0]?.seriesCount, 6);
  assert.ok(all[0]?.has('S01', 'P0001'));
  assert.equal(await cache.champion('demand'), all[0]);
  const loaded = cache.loaded();
  assert.equal(loaded.length, 1);
  assert.equal(loaded[0]?.model, 'demand');
  assert.equal(loaded[0]?.version, 1);
  assert.ok(!Number.isNaN(Date.parse(loaded[0]?.loadedAt ?? '')));
});

test(`[${b}] a promotion or rollback is followed as soon as it commits, through the database's notification, not by polling`, async (t) => {
  const { db, store } = await setup(t);
  await championOf(db, store, 'demand', 1);
  const v2 = await registerBundle(db, store, 'demand', small(2, ['naive']));
  // Ten minutes between polls: only a notification can bring version 2 within the test.
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 600_000, workers: 0 });
  t.after(() => cache.close());
  assert.equal((await cache.champion()).version, 1);
  assert.equal(cache.listening, true);
  const servedWithin = async (version: number) => {
    const deadline = performance.now() + 10_000;
    let served = await cache.champion();
    while (served.version !== version && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      served = await cache.champion();
    }
    return served.version;
  };
  await promote(db, { model: 'demand', version: v2.version }, { reason: 'better', actor: 'test' });
  assert.equal(await servedWithin(2), 2);
  await rollback(db, 'demand', { reason: 'worse in stores', actor: 'test' });
  assert.equal(await servedWithin(1), 1);

  // Without notifications the same cache would wait for its poll.
  const polling = new ModelCache(db, { artifactStore: store, refreshMs: 600_000, workers: 0, listen: false });
  t.after(() => polling.close());
  assert.equal((await polling.champion()).version, 1);
  assert.equal(polling.listening, false);
  await promote(db, { model: 'demand', version: v2.version }, { reason: 'again', actor: 'test' });
  assert.equal(await servedWithin(2), 2);
  assert.equal((await polling.champion()).version, 1, 'the polling cache has not looked yet');
});

test(`[${b}] a promotion is served within refreshMs, without a restart`, async (t) => {
  const { db, store } = await setup(t);
  await championOf(db, store, 'demand', 1);
  const v2 = await registerBundle(db, store, 'demand', small(2, ['naive']));
  const refreshMs = 100;
  const cache = new ModelCache(db, { artifactStore: store, refreshMs, workers: 0 });
  t.after(() => cache.close());
  assert.equal((await cache.champion()).version, 1);
  await promote(db, { model: 'demand', version: v2.version }, { reason: 'better', actor: 'test' });
  const promotedAt = performance.now();
  let served = await cache.champion();
  while (served.version !== 2 && performance.now() - promotedAt < 10_000) {
    await new Promise((r) => setTimeout(r, 5));
    served = await cache.champion();
  }
  const took = performance.now() - promotedAt;
  assert.equal(served.version, 2);
  // refreshMs plus one small load, with room for a busy machine.
  assert.ok(took < refreshMs + 1500, `took ${took.toFixed(0)} ms`);
  assert.deepEqual(
    cache.loaded().map((l) => l.version),
    [2],
  );
});

test(`[${b}] between checks no query is made; refresh() follows promotions, rollbacks and a deleted champion`, async (t) => {
  const { db, store } = await setup(t);
  await championOf(db, store, 'demand', 1);
  const v2 = await registerBundle(db, store, 'demand', small(2));
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 60_000, workers: 0 });
  t.after(() => cache.close());
  const first = await cache.champion();
  await promote(db, { model: 'demand', version: v2.version }, { reason: 'better', actor: 'test' });
  assert.equal(await cache.champion(), first, 'served from memory until the next check');
  await cache.refresh();
  assert.equal((await cache.champion()).version, 2);
  await rollback(db, 'demand', { actor: 'test' });
  await cache.refresh();
  const back = await cache.champion();
  assert.equal(back.version, 1);
  assert.equal(back, first, 'the previous version is kept for an immediate rollback');
  await db.run(
    `DELETE FROM model_versions WHERE version = 1
       AND model_id = (SELECT model_id FROM registered_models WHERE name = 'demand')`,
  );
  await cache.refresh();
  await assert.rejects(cache.champion(), isServingError('NO_CHAMPION'));
  assert.deepEqual(cache.loaded(), []);
});

test(`[${b}] no champion, several champions, and bundles that cannot be served`, async (t) => {
  const { db, store } = await setup(t);
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 0, workers: 0 });
  t.after(() => cache.close());
  await assert.rejects(cache.champion(), (e: unknown) => {
    assert.ok(e instanceof ServingError && e.code === 'NO_CHAMPION');
    assert.match(e.message, /shelfcast train/);
    return true;
  });
  await championOf(db, store, 'demand', 1);
  await championOf(db, store, 'returns', 3);
  await cache.refresh();
  await assert.rejects(cache.champion(), (e: unknown) => {
    assert.ok(e instanceof ServingError && e.code === 'INVALID_REQUEST');
    assert.match(e.message, /demand, returns/);
    return true;
  });
  assert.equal((await cache.champion('returns')).model, 'returns');
  await assert.rejects(cache.champion('nope'), isServingError('NO_CHAMPION'));

  // Registered without a bundle.
  const bare = await registerModelVersion(db, {
    model: 'bare',
    signature: { features: ['units'], frequency: 'D', horizon: 7, quantiles: [0.5] },
    actor: 'test',
  });
  await promote(db, { model: 'bare', version: bare.version }, { reason: 'test', actor: 'test' });
  await cache.refresh();
  await assert.rejects(cache.champion('bare'), (e: unknown) => {
    assert.ok(e instanceof ServingError && e.code === 'MODEL_ARTIFACT_MISSING');
    assert.match(e.message, /without a model bundle/);
    return true;
  });

  // Bytes on disk that no longer match their name.
  const tampered = await registerBundle(db, store, 'tampered', small(4));
  writeFileSync(store.uri(tampered.sha256), '{"format":"other"}');
  await promote(db, { model: 'tampered', version: tampered.version }, { reason: 'test', actor: 'test' });
  await cache.refresh();
  await assert.rejects(cache.champion('tampered'), isServingError('MODEL_ARTIFACT_MISSING'));
});

test(`[${b}] a new champion whose bundle is missing leaves the old one serving until it can be loaded`, async (t) => {
  const { db, store } = await setup(t);
  await championOf(db, store, 'demand', 1);
  const cache = new ModelCache(db, { artifactStore: store, refreshMs: 60_000, workers: 0 });
  t.after(() => cache.close());
  const first = await cache.champion();
  const missing = await registerModelVersion(db, {
    model: 'demand',
    signature: { features: ['units'], frequency: 'D', horizon: 14, quantiles: [0.5] },
    artifact: { sha256: 'a'.repeat(64) },
    actor: 'test',
  });
  await promote(db, { model: 'demand', version: missing.version }, { reason: 'test', actor: 'test' });
  await cache.refresh();
  assert.equal(await cache.champion(), first);
  assert.ok(cache.lastError instanceof ServingError);
  assert.equal((cache.lastError as ServingError).code, 'MODEL_ARTIFACT_MISSING');
  // Once the artifact is there (same content address), the next check swaps it in.
  const v3 = await registerBundle(db, store, 'demand', small(5));
  await promote(db, { model: 'demand', version: v3.version }, { reason: 'fixed', actor: 'test' });
  await cache.refresh();
  assert.equal((await cache.champion()).version, v3.version);
  assert.equal(cache.lastError, null);
});
