#!/usr/bin/env node
// Checks bench/open-loop.js against three bare node:http servers in a child process, each answering a
// fixed 3.9 kB JSON body: an idle one (the generator holds the rate, every request answered, p50 well
// under 5 ms), one delaying every response by 20 ms (p50 ≈ 20 ms), and one stalling its event loop
// for 200 ms once per second (p99 shows the stall: requests due during it are charged for the wait).
// Prints the three results; exits 1 if a check fails.
//
//   node bench/open-loop-check.js [--rate 1000] [--duration 5]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openLoop } from './open-loop.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5' },
    role: { type: 'string' },
  },
});

/** Child: a bare server; `role` is idle, delay (20 ms per response) or stall (200 ms busy loop per s). */
async function serve(role) {
  const body = Buffer.alloc(3900, 'x');
  body.write('{"model":"demand","padding":"');
  body.write('"}', body.length - 2);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      };
      if (role === 'delay') setTimeout(answer, 20);
      else answer();
    });
  });
  if (role === 'stall') {
    setInterval(() => {
      const until = performance.now() + 200;
      while (performance.now() < until);
    }, 1000);
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send({ url: `http://127.0.0.1:${server.address().port}/v1/forecasts` });
  process.on('disconnect', () => process.exit(0));
}

function startServer(role) {
  const child = fork(fileURLToPath(import.meta.url), ['--role', role], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', ({ url }) => resolve({ child, url }));
    child.once('exit', (code) => reject(new Error(`the ${role} server exited with code ${code}`)));
  });
}

async function run(role, checks) {
  const { child, url } = await startServer(role);
  const rate = Number(args.rate);
  const bodies = Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ pairs: [{ store: i }], horizon: 28 }),
  );
  try {
    await openLoop({ url, bodies, rate, durationSeconds: 1 }); // warm-up (JIT, connections)
    const result = await openLoop({ url, bodies, rate, durationSeconds: Number(args.duration) });
    const failed = checks(result, rate).filter(([, ok]) => !ok);
    console.log(`${role}: ${JSON.stringify(result)}`);
    for (const [what] of failed) console.log(`  FAILED: ${what}`);
    return failed.length === 0;
  } finally {
    child.disconnect();
  }
}

const allAnswered = (r) => [
  [`completed (${r.completed}) = sent (${r.sent})`, r.completed === r.sent],
  [`no errors, timeouts or non-2xx`, r.errors + r.timeouts + r.non2xx === 0],
];

async function main() {
  const results = [
    await run('idle', (r, rate) => [
      ...allAnswered(r),
      [
        `achieved rate ${r.achievedRate.toFixed(1)} within 2 % of ${rate}`,
        Math.abs(r.achievedRate - rate) <= 0.02 * rate,
      ],
      [`p50 ${r.latencyMs.p50} ms < 5 ms`, r.latencyMs.p50 < 5],
    ]),
    await run('delay', (r) => [
      ...allAnswered(r),
      [`p50 ${r.latencyMs.p50} ms ≈ 20 ms (20–25)`, r.latencyMs.p50 >= 20 && r.latencyMs.p50 <= 25],
    ]),
    await run('stall', (r) => [
      ...allAnswered(r),
      // Requests due during a 200 ms stall wait up to 200 ms; that is ~20 % of them, so p99 ≈ 190 ms.
      [`p99 ${r.latencyMs.p99} ms ≥ 100 ms`, r.latencyMs.p99 >= 100],
      [`max ${r.latencyMs.max} ms ≥ 180 ms`, r.latencyMs.max >= 180],
    ]),
  ];
  if (results.includes(false)) process.exit(1);
  console.log('all checks passed');
}

if (args.role) await serve(args.role);
else await main();
