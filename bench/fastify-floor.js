#!/usr/bin/env node
// How much of a bare node:http server's throughput fastify keeps on its own: a fastify route that
// answers a JSON POST with a fixed 3.9 kB JSON text (no auth, no validation, no hooks) beside a bare
// node:http server sending the same body, each in its own child process, driven by autocannon from
// this process (32 connections, maximum throughput), alternating, for the given rounds. It bounds
// what any API on fastify can reach against bench/serving-online.js's "share of bare" goal.
//
//   node bench/fastify-floor.js [--rounds 2] [--duration 8]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '8' },
  },
});
const body = `{"model":"demand","padding":"${'x'.repeat(3878)}"}`;

async function serve(role) {
  let url;
  if (role === 'bare') {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${server.address().port}/v1/forecasts`;
  } else {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.post('/v1/forecasts', async (_request, reply) => {
      reply.type('application/json; charset=utf-8');
      return body;
    });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1/forecasts`;
  }
  process.send(url);
  process.on('disconnect', () => process.exit(0));
}

async function main() {
  const results = { bare: [], fastify: [] };
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const role of ['bare', 'fastify']) {
      const child = fork(fileURLToPath(import.meta.url), ['--role', role]);
      const url = await new Promise((resolve) => child.once('message', resolve));
      const options = {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"pairs":[{"store":"S01","sku":"P0001"}],"horizon":28}',
        connections: 32,
      };
      await autocannon({ ...options, duration: 2 }); // warm-up
      const run = await autocannon({ ...options, duration: Number(args.duration) });
      results[role].push(run.requests.average);
      child.kill();
    }
  }
  const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`body ${Buffer.byteLength(body)} bytes; max req/s per round`);
  console.log(`bare node:http: ${fmt(results.bare)}`);
  console.log(`plain fastify route: ${fmt(results.fastify)}`);
  const ratios = results.fastify.map((f, i) => f / results.bare[i]);
  console.log(`fastify / bare, per round: ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}`);
}

if (args.role) await serve(args.role);
else await main();
