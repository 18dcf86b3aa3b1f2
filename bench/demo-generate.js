// Demo data generator throughput and memory: a reference run at the default size and larger runs
// in the same session, each in its own process so peak memory (max RSS) is measured per run.
// Flat memory shows as an RSS ratio near 1 while the row ratio grows.
// Usage: npm run build && node bench/demo-generate.js [--large]
//   --large adds the 200 stores × 2000 products × 1095 days run (~8 GB of CSV, several minutes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.argv[2] === '--child') {
  const { generateDemoData } = await import('../dist/demo/index.js');
  const options = JSON.parse(process.argv[3]);
  const started = process.hrtime.bigint();
  const result = await generateDemoData(options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = result.files.reduce((sum, f) => sum + f.rows, 0);
  const sales = result.files.find((f) => f.name === 'sales.csv')?.rows ?? 0;
  const bytes = result.files.reduce((sum, f) => sum + f.bytes, 0);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, rows, sales, bytes, maxRssMb }));
  process.exit(0);
}

const runs = [
  { label: 'default 20×150×730 (reference)', stores: 20, products: 150, days: 730 },
  { label: '60×800×1095', stores: 60, products: 800, days: 1095 },
];
if (process.argv.includes('--large'))
  runs.push({ label: '200×2000×1095', stores: 200, products: 2000, days: 1095 });

const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-demo-'));
let reference;
console.log(
  'run                              sales rows   all rows    MB   seconds  rows/s     max RSS MB  rows ×ref  RSS ×ref',
);
try {
  for (const run of runs) {
    const out = join(dir, String(run.stores));
    const options = {
      outDir: out,
      stores: run.stores,
      products: run.products,
      days: run.days,
      seed: 42,
      end: '2025-11-27',
    };
    const child = spawnSync(
      process.execPath,
      [new URL(import.meta.url).pathname, '--child', JSON.stringify(options)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    if (child.status !== 0) throw new Error(`run ${run.label} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout);
    reference ??= r;
    console.log(
      [
        run.label.padEnd(32),
        String(r.sales).padStart(10),
        String(r.rows).padStart(10),
        (r.bytes / 1e6).toFixed(0).padStart(5),
        r.seconds.toFixed(1).padStart(9),
        Math.round(r.rows / r.seconds)
          .toString()
          .padStart(9),
        r.maxRssMb.toFixed(0).padStart(12),
        (r.rows / reference.rows).toFixed(1).padStart(10),
        (r.maxRssMb / reference.maxRssMb).toFixed(2).padStart(9),
      ].join(' '),
    );
    rmSync(out, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
