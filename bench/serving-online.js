#!/usr/bin/env node
// Online serving benchmark: POST /v1/forecasts (one random store × product pair, 28 days, quantiles
// 0.1/0.5/0.9) against a champion of ~1,240 series (ETS / Theta / Croston mix), served by the API
// server in a child process; beside it a bare node:http server in a child process answering a fixed
// JSON body of the same size. Two load generators in this process drive both: bench/open-loop.js
// sends a fixed rate (default 1,000 req/s for 10 s, evenly spaced; latency from each request's due
// time, so waiting is counted), autocannon finds the maximum throughput (32 connections). autocannon's
// own fixed-rate mode is not used for latency: it sends each connection's quota for the second back
// to back, which measures a burst at full speed, not 1,000 req/s. Two more runs tell the serving
// module's cost from the HTTP layer's: the API server with its response validation off, and the same
// champion behind a minimal node:http handler sending forecastOnlineJson's text. Goals: p99 < 10 ms
// at 1,000 req/s; ≥ 50 % of the bare server's throughput.
//
//   node bench/serving-online.js [--series 1240] [--rate 1000] [--duration 10] [--connections 20]
// Needs `npm run build` first. The fitted bundle is cached in the temp folder between runs.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openLoop } from './open-loop.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '1240' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    role: { type: 'string' },
    'body-bytes': { type: 'string' },
    minimal: { type: 'boolean', default: false },
    'no-validate': { type: 'boolean', default: false },
  },
});

/** Child: the real server on a registered champion; tells the parent where it listens. */
async function serveChampion() {
  const { benchBundle, bundlePairs, openBenchHome, registerBench, startForecastServer } = await import(
    './serving-setup.js'
  );
  const { ModelCache } = await import('../dist/serving/model-cache.js');
  const { bundle, fitSeconds } = benchBundle({ series: Number(args.series) });
  const home = await openBenchHome();
  const registered = await registerBench(home.db, home.store, 'demand', bundle);
  const models = new ModelCache(home.db);
  const t = performance.now();
  await models.champion();
  const loadSeconds = (performance.now() - t) / 1000;
  // The serving module's own cost per request, without HTTP: answer (and serialise) one pair.
  const { forecastOnline, forecastOnlineJson } = await import('../dist/serving/online-forecast.js');
  const requests = bundlePairs(bundle).map((p) => ({ pairs: [p], horizon: 28, quantiles: [0.1, 0.5, 0.9] }));
  const perCall = async (fn) => {
    const n = 20_000;
    const began = performance.now();
    for (let i = 0; i < n; i++) await fn(models, requests[(i * 7919) % requests.length]);
    return ((performance.now() - began) / n) * 1000;
  };
  await perCall(forecastOnline);
  const inProcess = {
    forecastOnline: await perCall(forecastOnline),
    stringify: await perCall(async (m, r) => JSON.stringify(await forecastOnline(m, r))),
    forecastOnlineJson: await perCall(forecastOnlineJson),
  };
  const server = await startForecastServer({
    db: home.db,
    home: home.home,
    models,
    minimal: args.minimal,
    validateResponses: !args['no-validate'],
  });
  process.send({
    url: server.url,
    headers: server.headers,
    kind: server.kind,
    pairs: bundlePairs(bundle),
    algorithms: countBy(bundle.series.map((s) => s.fitted?.model ?? s.algorithm)),
    fitSeconds,
    loadSeconds,
    inProcess,
    bundleBytes: registered.bytes,
  });
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

/** Child: a bare node:http server answering a fixed body of the given size. */
async function serveBare() {
  const body = Buffer.alloc(Number(args['body-bytes']), 'x');
  body.write('{"model":"demand","padding":"');
  body.write('"}', body.length - 2);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send({ url: `http://127.0.0.1:${server.address().port}/v1/forecasts`, headers: {} });
  process.on('disconnect', () => process.exit(1));
  process.on('message', (m) => {
    if (m === 'stop') server.close(() => process.exit(0));
  });
}

function countBy(items) {
  const out = {};
  for (const x of items) out[x] = (out[x] ?? 0) + 1;
  return out;
}

function startChild(role, extra = []) {
  const child = fork(fileURLToPath(import.meta.url), ['--role', role, ...extra, '--series', args.series], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info }));
    child.once('exit', (code) => reject(new Error(`the ${role} server exited with code ${code}`)));
  });
}

async function stopChild(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

function run(url, headers, bodies, options) {
  let i = 0;
  return autocannon({
    url,
    method: 'POST',
    headers,
    connections: Number(args.connections),
    ...options,
    requests: [
      {
        setupRequest(req) {
          // A different pair per request, spread over the whole bundle.
          req.body = bodies[(i++ * 7919) % bodies.length];
          return req;
        },
      },
    ],
  });
}

async function measure(url, headers, bodies) {
  await run(url, headers, bodies, { duration: 2 }); // warm-up (JIT, connections)
  const fixed = await openLoop({
    url,
    headers,
    bodies,
    rate: Number(args.rate),
    durationSeconds: Number(args.duration),
    connections: Number(args.connections),
  });
  const max = await run(url, headers, bodies, { duration: Number(args.duration), connections: 32 });
  return { fixed, max };
}

function line(name, { fixed, max }) {
  const failed = fixed.errors + fixed.timeouts + fixed.non2xx + max.errors + max.timeouts + max.non2xx;
  const ms = (v) => v.toFixed(1);
  const l = fixed.latencyMs;
  return `| ${name} | ${fixed.achievedRate.toFixed(0)} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} | ${max.requests.average.toFixed(0)} | ${max.latency.p99} | ${failed} |`;
}

async function main() {
  const started = performance.now();
  const real = await startChild('real');
  const { pairs } = real.info;
  const bodies = pairs.map((p) => JSON.stringify({ pairs: [p], horizon: 28, quantiles: [0.1, 0.5, 0.9] }));
  const sample = await fetch(real.info.url, { method: 'POST', headers: real.info.headers, body: bodies[0] });
  const sampleText = await sample.text();
  if (sample.status !== 200) throw new Error(`the server answered ${sample.status}: ${sampleText}`);
  const served = await measure(real.info.url, real.info.headers, bodies);
  await stopChild(real.child);
  // The same server without its response validation (a setting of buildServer), for its share.
  const unchecked = await startChild('real', ['--no-validate']);
  const uncheckedServed = await measure(unchecked.info.url, unchecked.info.headers, bodies);
  await stopChild(unchecked.child);
  // The serving module alone: the same champion behind a minimal handler that sends the JSON text.
  const minimal = await startChild('real', ['--minimal']);
  const module = await measure(minimal.info.url, minimal.info.headers, bodies);
  await stopChild(minimal.child);
  const bare = await startChild('bare', ['--body-bytes', String(Buffer.byteLength(sampleText))]);
  const baseline = await measure(bare.info.url, {}, bodies);
  await stopChild(bare.child);

  console.log(`serving: ${real.info.kind}`);
  console.log(
    `champion: ${pairs.length} series ${JSON.stringify(real.info.algorithms)}, bundle ${(real.info.bundleBytes / 1e6).toFixed(1)} MB` +
      `${real.info.fitSeconds === null ? ' (fitted bundle from cache)' : `, fitted in ${real.info.fitSeconds.toFixed(1)} s`}` +
      `, loaded and answered for its own shape in ${real.info.loadSeconds.toFixed(1)} s`,
  );
  console.log(`response: ${Buffer.byteLength(sampleText)} bytes (1 pair × 28 days × 3 quantiles)`);
  const us = real.info.inProcess;
  console.log(
    `in process, per request: forecastOnline ${us.forecastOnline.toFixed(1)} µs, + JSON.stringify ${us.stringify.toFixed(1)} µs, forecastOnlineJson ${us.forecastOnlineJson.toFixed(1)} µs`,
  );
  console.log(
    `\n| server | req/s, open loop at ${args.rate} | p50 ms | p90 ms | p99 ms | max ms | max req/s (autocannon) | p99 ms at max | failed |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(line('shelfcast POST /v1/forecasts', served));
  console.log(line('same, validateResponses: false', uncheckedServed));
  console.log(line('minimal node:http + forecastOnlineJson', module));
  console.log(line('bare node:http, fixed body', baseline));
  const ratio = served.max.requests.average / baseline.max.requests.average;
  console.log(`\nthroughput ratio: ${(ratio * 100).toFixed(0)} % of the bare server`);
  console.log(
    `the open-loop generator itself sent requests late by p50 ${served.fixed.issueLagMs.p50.toFixed(1)} ms, p99 ${served.fixed.issueLagMs.p99.toFixed(1)} ms (included in the latencies above)`,
  );
  console.log(
    `goals: p99 < 10 ms at ${args.rate} req/s: ${served.fixed.latencyMs.p99 < 10 ? 'met' : 'NOT met'}; ` +
      `≥ 50 % of bare throughput: ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
  );
  console.log(`(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

if (args.role === 'real') await serveChampion();
else if (args.role === 'bare') await serveBare();
else await main();
