#!/usr/bin/env node
// Open-loop, constant-rate HTTP load generator. Request i is due at start + i / rate and its latency
// is counted from that due time, not from when it was written to a socket: a request that waited for
// a free connection, or for a late timer tick, is charged for the wait (coordinated omission
// corrected). autocannon's overallRate sends each connection's per-second quota back to back at the
// top of every second, so its percentiles at a "fixed rate" are those of a burst at full speed.
//
//   node bench/open-loop.js --url http://127.0.0.1:PORT/path [--rate 1000] [--duration 10]
//     [--connections 50] [--timeout 10000] [--method POST] [--body '{"a":1}']... [--header 'k: v']...
// Prints the result as JSON.
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Sends rate × durationSeconds requests, evenly spaced, over up to `connections` keep-alive sockets.
 * Latency percentiles (ms) are over every response received, whatever its status; errors and
 * timeouts are counted, not timed. A request times out timeoutMs after its due time.
 * achievedRate = responses received / seconds from start to the last response (at least durationSeconds).
 * issueLagMs tells how late the generator itself issued requests (already part of latencyMs).
 */
export async function openLoop({
  url,
  method = 'POST',
  headers = {},
  bodies,
  rate = 1000,
  durationSeconds = 10,
  connections = 50,
  timeoutMs = 10_000,
}) {
  if (!url) throw new Error('openLoop: url is required');
  if (!(rate > 0) || !(durationSeconds > 0))
    throw new Error('openLoop: rate and durationSeconds must be > 0');
  const target = new URL(url);
  if (target.protocol !== 'http:') throw new Error(`openLoop: only http:// URLs are supported, got ${url}`);
  const payloads = bodies?.length ? bodies.map((b) => Buffer.from(b)) : null;
  const baseHeaders = { ...headers };
  const named = (name) => Object.keys(baseHeaders).some((k) => k.toLowerCase() === name);
  if (payloads && !named('content-type')) baseHeaders['content-type'] = 'application/json';

  const total = Math.floor(rate * durationSeconds);
  const intervalMs = 1000 / rate;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies = new Float64Array(total);
  const issueLags = new Float64Array(total);
  const stats = { sent: 0, completed: 0, errors: 0, non2xx: 0, timeouts: 0 };
  let outstanding = 0;
  let lastDone = 0;
  let drained = null; // resolves when the last outstanding request settles after the schedule ends

  const start = performance.now();

  function issue(i) {
    const due = start + i * intervalMs;
    const body = payloads ? payloads[(i * 7919) % payloads.length] : null;
    issueLags[i] = performance.now() - due;
    stats.sent++;
    outstanding++;
    let settled = false;
    let timedOut = false;
    let status = 0;
    const settle = (kind) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const now = performance.now();
      if (kind === 'ok') {
        latencies[stats.completed++] = now - due;
        if (status < 200 || status > 299) stats.non2xx++;
        lastDone = now;
      } else if (timedOut) stats.timeouts++;
      else stats.errors++;
      if (--outstanding === 0 && drained) drained();
    };
    const req = request(target, {
      method,
      agent,
      headers: body ? { ...baseHeaders, 'content-length': body.length } : baseHeaders,
    });
    // The timeout runs from the due time, like the latency.
    const timer = setTimeout(
      () => {
        timedOut = true;
        req.destroy(new Error(`no response within ${timeoutMs} ms`));
      },
      Math.max(0, due + timeoutMs - performance.now()),
    );
    req.on('error', () => settle('error'));
    req.on('response', (res) => {
      status = res.statusCode;
      res.on('data', () => {}); // consume the body so the socket is freed for the next request
      res.on('end', () => settle('ok'));
      res.on('error', () => settle('error'));
      res.on('close', () => settle('error')); // closed before 'end' (no-op after a settled 'ok')
    });
    req.end(body ?? undefined);
  }

  // Each tick issues every request whose due time has passed. 1 ms timer ticks rather than a
  // setImmediate spin: spinning took most of a core and, sharing the machine with the server, gave
  // worse tails. A late tick only delays issuing (~0.8 ms at p50), and that is charged to the latency.
  let next = 0;
  await new Promise((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) issue(next++);
      if (next >= total) return done();
      setTimeout(tick, Math.max(1, start + next * intervalMs - performance.now() - 1));
    };
    tick();
  });

  if (outstanding > 0) {
    // Every request has its own timeout, so this bound is only a safety net.
    await new Promise((done) => {
      const cap = setTimeout(done, timeoutMs + 1000);
      drained = () => {
        clearTimeout(cap);
        done();
      };
    });
  }
  agent.destroy();

  // The schedule spans durationSeconds; a longer tail of answers lowers the rate.
  const elapsedSeconds = Math.max(durationSeconds, ((lastDone || performance.now()) - start) / 1000);
  return {
    ...stats,
    achievedRate: stats.completed / elapsedSeconds,
    latencyMs: summarise(latencies.subarray(0, stats.completed)),
    issueLagMs: summarise(issueLags.subarray(0, stats.sent)),
  };
}

/** Exact percentiles (nearest rank) of a set of values in ms; sorts the array in place. */
function summarise(values) {
  if (values.length === 0) return { p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  values.sort();
  const at = (q) => round(values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]);
  let sum = 0;
  for (const v of values) sum += v;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: round(values[values.length - 1]),
    mean: round(sum / values.length),
  };
}

const round = (ms) => Math.round(ms * 1000) / 1000;

async function cli() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      method: { type: 'string', default: 'POST' },
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      timeout: { type: 'string', default: '10000' },
      body: { type: 'string', multiple: true },
      header: { type: 'string', multiple: true },
    },
  });
  if (!values.url)
    throw new Error('usage: node bench/open-loop.js --url http://HOST:PORT/path [--rate 1000] ...');
  const headers = {};
  for (const h of values.header ?? []) {
    const colon = h.indexOf(':');
    if (colon < 1) throw new Error(`--header must look like 'name: value', got '${h}'`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const result = await openLoop({
    url: values.url,
    method: values.method,
    headers,
    bodies: values.body,
    rate: Number(values.rate),
    durationSeconds: Number(values.duration),
    connections: Number(values.connections),
    timeoutMs: Number(values.timeout),
  });
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
