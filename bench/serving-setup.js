// Shared set-up of the serving benchmarks (bench/serving-online.js, serving-batch.js,
// serving-promotion.js): a model bundle for N store × product series of generated demand (fitted with
// a mix of ETS, Theta and Croston, cached in the temp folder between runs because fitting takes a
// while), a temporary SHELFCAST_HOME with an embedded database, a registered champion, and the API
// server (or, when the server is not built, a minimal node:http handler calling forecastOnline).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../dist/db/open-database.js';
import { registerModelVersion } from '../dist/registry/model-registry.js';
import { promote } from '../dist/registry/promotion.js';
import { fixtureBundle } from '../dist/serving/testing/serving-fixture.js';
import { FilesystemArtifactStore } from '../dist/tracking/filesystem-artifact-store.js';

/** 40 stores × 31 products = 1,240 series, the size of the default demo. */
export const DEFAULT_STORES = 40;

/**
 * A bundle of about `series` series (stores × products), 365 days of history each, horizon 28,
 * quantiles 0.1/0.5/0.9; `models` given to the series in turn.
 */
export function benchBundle({ series, models = ['ets', 'theta', 'croston'], seed = 1, days = 365 }) {
  const stores = Math.min(DEFAULT_STORES, series);
  const products = Math.ceil(series / stores);
  const file = join(
    tmpdir(),
    `shelfcast-bench-bundle-${stores}x${products}-${days}d-${models.join('+')}-s${seed}.json`,
  );
  if (existsSync(file)) return { bundle: JSON.parse(readFileSync(file, 'utf8')), fitSeconds: null };
  const started = performance.now();
  const bundle = fixtureBundle({
    stores,
    products,
    days,
    models,
    seed,
    horizon: 28,
    quantiles: [0.1, 0.5, 0.9],
  });
  const fitSeconds = (performance.now() - started) / 1000;
  writeFileSync(file, JSON.stringify(bundle));
  return { bundle, fitSeconds };
}

/** A temporary SHELFCAST_HOME (set in this process's environment) and its embedded database. */
export async function openBenchHome(databaseUrl) {
  const home = mkdtempSync(join(tmpdir(), 'shelfcast-bench-serving-'));
  process.env.SHELFCAST_HOME = home;
  const db = await openDatabase(databaseUrl ? { databaseUrl, home } : { home });
  return {
    home,
    db,
    store: FilesystemArtifactStore.fromEnv(),
    async close() {
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Stores a bundle, registers it as the next version of `model`; promotes it when asked. */
export async function registerBench(db, store, model, bundle, { champion = true } = {}) {
  const stored = await store.put(JSON.stringify(bundle));
  const v = await registerModelVersion(db, {
    model,
    signature: { features: ['units'], frequency: 'D', horizon: bundle.horizon, quantiles: bundle.quantiles },
    metrics: { mase: 1 },
    lineage: { backtestId: 'bench', dataSnapshotHash: 'bench' },
    artifact: { sha256: stored.sha256, uri: stored.uri },
    actor: 'bench',
  });
  if (champion) await promote(db, { model, version: v.version }, { reason: 'bench', actor: 'bench' });
  return { version: v.version, sha256: stored.sha256, bytes: stored.sizeBytes };
}

/**
 * Starts the API server answering POST /v1/forecasts with a viewer token (rate limit off, so the
 * benchmark measures serving, not the limiter), or a minimal node:http handler sending
 * forecastOnlineJson's text (asked for with `minimal`, or when the server is not built).
 */
export async function startForecastServer({ db, home, models, minimal = false, validateResponses = true }) {
  let built = null;
  if (!minimal) {
    try {
      built = await import('../dist/server/build-server.js');
    } catch {
      built = null;
    }
  }
  if (built) {
    const { openJobQueue } = await import('../dist/jobs/open-job-queue.js');
    const { createToken } = await import('../dist/auth/api-tokens.js');
    const jobs = await openJobQueue(db, { redisUrl: '' });
    const app = await built.buildServer({ db, jobs, models }, { rateLimit: false, home, validateResponses });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const { token } = await createToken(db, { role: 'viewer', name: 'bench', createdBy: 'bench' });
    return {
      kind: `API server (buildServer, viewer token, rate limit off, responses ${validateResponses ? '' : 'not '}validated)`,
      url: `${url}/v1/forecasts`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      async close() {
        await app.close();
        await jobs.close();
      },
    };
  }
  const { forecastOnlineJson } = await import('../dist/serving/online-forecast.js');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = await forecastOnlineJson(models, JSON.parse(Buffer.concat(chunks).toString()));
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
          .end(body);
      } catch (error) {
        res.writeHead(error.code === 'INVALID_REQUEST' ? 400 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    kind: `minimal node:http handler sending forecastOnlineJson${minimal ? '' : ' (src/server not built)'}`,
    url: `http://127.0.0.1:${server.address().port}/v1/forecasts`,
    headers: { 'content-type': 'application/json' },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Every store × SKU pair of a bundle. */
export function bundlePairs(bundle) {
  return bundle.series.map((s) => ({ store: s.store, sku: s.product }));
}
