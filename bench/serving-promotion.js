#!/usr/bin/env node
// Champion swaps under load: the API server (child process) serves a champion of ~1,240 series while
// autocannon (this process) sends POST /v1/forecasts at a fixed rate (one random pair, 28 days, 3
// quantiles); meanwhile the champion is switched between two versions through
// POST /v1/models/demand/promote several times. Counts failed requests (goal 0) and responses by
// version, and checks a sample of responses against the predictions of the version they name (a
// response mixing versions would match neither).
//
//   node bench/serving-promotion.js [--series 1240] [--rate 1000] [--promotions 6] [--interval 5]
// Needs `npm run build` first. The fitted bundles are cached in the temp folder between runs.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { predictBundleSeries } from '../dist/models/model-bundle.js';
import { modelCatalog } from '../dist/models/model-catalog.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '1240' },
    rate: { type: 'string', default: '1000' },
    promotions: { type: 'string', default: '6' },
    interval: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    role: { type: 'string' },
  },
});

const BUNDLES = [
  { models: ['ets', 'theta', 'croston'], seed: 1 },
  { models: ['theta', 'croston', 'moving-average'], seed: 2 },
];

/** Child: the API server with version 1 as champion and version 2 registered. */
async function serve() {
  const { benchBundle, openBenchHome, registerBench, startForecastServer } = await import(
    './serving-setup.js'
  );
  const { ModelCache } = await import('../dist/serving/model-cache.js');
  const { createToken } = await import('../dist/auth/api-tokens.js');
  const home = await openBenchHome();
  for (const [i, spec] of BUNDLES.entries()) {
    const { bundle } = benchBundle({ series: Number(args.series), ...spec });
    await registerBench(home.db, home.store, 'demand', bundle, { champion: i === 0 });
  }
  const models = new ModelCache(home.db);
  await models.champion();
  const server = await startForecastServer({ db: home.db, home: home.home, models });
  const admin = await createToken(home.db, { role: 'admin', name: 'bench admin', createdBy: 'bench' });
  process.send({ url: server.url, headers: server.headers, admin: admin.token, kind: server.kind });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    models.close();
    await server.close();
    await home.close();
    process.exit(code);
  };
  process.on('message', (m) => m === 'stop' && stop(0));
  // A parent that failed or was killed leaves no server (and no temporary home) behind.
  process.on('disconnect', () => stop(1));
}

/** The response text a version must give for a pair (the same JSON the server sends). */
function expectedText(bundle, version, pair) {
  const series = bundle.series.find((s) => s.store === pair.store && s.product === pair.sku);
  const f = predictBundleSeries(series, { horizon: 28, quantiles: [0.1, 0.5, 0.9] }, modelCatalog);
  return JSON.stringify({
    model: 'demand',
    version,
    forecasts: [
      {
        store: pair.store,
        sku: pair.sku,
        algorithm: f.algorithm,
        points: f.dates.map((date, h) => ({
          date,
          mean: f.mean[h],
          quantiles: {
            0.1: f.quantiles.get(0.1)[h],
            0.5: f.quantiles.get(0.5)[h],
            0.9: f.quantiles.get(0.9)[h],
          },
        })),
      },
    ],
  });
}

async function main() {
  const { benchBundle, bundlePairs } = await import('./serving-setup.js');
  const bundles = BUNDLES.map((spec) => benchBundle({ series: Number(args.series), ...spec }).bundle);
  const pairs = bundlePairs(bundles[0]);
  const child = fork(fileURLToPath(import.meta.url), ['--role', 'serve', '--series', args.series], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
  });
  const bodies = pairs.map((p) => JSON.stringify({ pairs: [p], horizon: 28, quantiles: [0.1, 0.5, 0.9] }));
  const byVersion = {};
  const samples = [];
  let sent = 0;
  let answered = 0;
  const promotions = Number(args.promotions);
  const interval = Number(args.interval);
  const instance = autocannon({
    url: info.url,
    method: 'POST',
    headers: info.headers,
    connections: Number(args.connections),
    overallRate: Number(args.rate),
    duration: promotions * interval + interval,
    requests: [
      {
        setupRequest(req, context) {
          context.pair = (sent++ * 7919) % bodies.length;
          req.body = bodies[context.pair];
          return req;
        },
        onResponse(status, body, context) {
          if (status !== 200) return;
          const version = Number(/"version":(\d+)/.exec(body)?.[1]);
          byVersion[version] = (byVersion[version] ?? 0) + 1;
          // Every 20th response is kept to be checked against its version's predictions afterwards.
          if (answered++ % 20 === 0) samples.push({ version, pair: context.pair, body });
        },
      },
    ],
  });
  const swaps = [];
  const promoting = (async () => {
    for (let i = 0; i < promotions; i++) {
      await new Promise((r) => setTimeout(r, interval * 1000));
      const version = i % 2 === 0 ? 2 : 1;
      const started = performance.now();
      const r = await fetch(info.url.replace('/v1/forecasts', '/v1/models/demand/promote'), {
        method: 'POST',
        headers: { authorization: `Bearer ${info.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version, reason: `benchmark swap ${i + 1}` }),
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`promote answered ${r.status}: ${text}`);
      swaps.push({ version, ms: performance.now() - started });
    }
  })();
  const result = await instance;
  await promoting;
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));

  const expected = new Map();
  let mismatched = 0;
  for (const s of samples) {
    const key = `${s.version}:${s.pair}`;
    if (!expected.has(key)) expected.set(key, expectedText(bundles[s.version - 1], s.version, pairs[s.pair]));
    if (expected.get(key) !== s.body) mismatched++;
  }
  const failed = result.errors + result.timeouts + result.non2xx;
  console.log(`serving: ${info.kind}; ${pairs.length} series per version`);
  console.log(
    `load: ${result.requests.total} requests in ${promotions * interval + interval} s (asked ${args.rate} req/s, achieved ${result.requests.average.toFixed(0)}), ${promotions} promotions ${interval} s apart`,
  );
  console.log(
    `promote calls (return once the new champion serves): ${swaps.map((s) => `v${s.version} ${(s.ms / 1000).toFixed(2)} s`).join(', ')}`,
  );
  console.log(
    '\n| failed requests | responses v1 | responses v2 | sampled responses checked | not matching their version | p50 ms | p99 ms | max ms |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${failed} | ${byVersion[1] ?? 0} | ${byVersion[2] ?? 0} | ${samples.length} | ${mismatched} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} |`,
  );
  console.log(
    `\ngoal: 0 failed requests: ${failed === 0 ? 'met' : 'NOT met'}; mixed responses: ${mismatched}`,
  );
}

if (args.role === 'serve') await serve();
else await main();
