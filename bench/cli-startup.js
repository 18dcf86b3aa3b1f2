#!/usr/bin/env node
// CLI start-up: wall time of `shelfcast --help` (loading every command's modules, no database),
// beside `node -e ''` (Node's own start-up) as the reference, median of --runs runs each.
//
//   node bench/cli-startup.js [--runs 9]
// Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(args.runs);

function median(argv) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const node = median(['-e', '']);
const cli = median([resolve('bin/shelfcast.js'), '--help']);
console.log(`node -e '' (reference)   ${node.toFixed(0)} ms`);
console.log(
  `shelfcast --help         ${cli.toFixed(0)} ms  (${(cli / node).toFixed(1)}× Node's own start-up; ${(cli - node).toFixed(0)} ms loading shelfcast)`,
);
