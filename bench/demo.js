#!/usr/bin/env node
// `shelfcast demo` at default size on a fresh embedded database: wall time and peak memory
// (the process's own maximum resident set), plus the same for a second run over the same data,
// which should find every file already applied.
//
//   node bench/demo.js [--stores 20 --products 150 --days 730]
// Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    stores: { type: 'string', default: '20' },
    products: { type: 'string', default: '150' },
    days: { type: 'string', default: '730' },
    child: { type: 'boolean', default: false },
  },
  strict: false,
});

if (args.child) {
  const { main } = await import('../dist/cli/main.js');
  const argv = [
    'node',
    'shelfcast',
    'demo',
    '--json',
    '--stores',
    args.stores,
    '--products',
    args.products,
    '--days',
    args.days,
    '--end',
    '2026-10-31',
  ];
  const out = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk) => {
    out.push(String(chunk));
    return true;
  };
  const code = await main(argv);
  process.stdout.write = write;
  const result = JSON.parse(out.join(''));
  write(
    JSON.stringify({
      code,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      salesRows: result.summary.tables.sales,
      statuses: result.batches.map((b) => b.status),
    }),
  );
} else {
  const home = mkdtempSync(join(tmpdir(), 'shelfcast-bench-demo-'));
  console.log(
    `shelfcast demo: ${args.stores} stores × ${args.products} products × ${args.days} days, Node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log('| run | wall s | peak RSS MB | sales rows | batches |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const label of ['first run (fresh database)', 'second run (same data)']) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        new URL(import.meta.url).pathname,
        '--child',
        '--stores',
        args.stores,
        '--products',
        args.products,
        '--days',
        args.days,
      ],
      {
        env: { ...process.env, SHELFCAST_HOME: home, DATABASE_URL: '' },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
    const wall = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout);
    const counts = {};
    for (const s of m.statuses) counts[s] = (counts[s] ?? 0) + 1;
    console.log(
      `| ${label} | ${wall.toFixed(1)} | ${m.maxRssMb.toFixed(0)} | ${m.salesRows.toLocaleString('en-US')} | ${Object.entries(
        counts,
      )
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} |`,
    );
  }
  rmSync(home, { recursive: true, force: true });
}
