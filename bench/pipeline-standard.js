#!/usr/bin/env node
// The standard pipeline end to end on the default demo data: `shelfcast demo --no-train` loads the
// data (not timed), then one child process opens the database once (as `shelfcast serve` and
// `shelfcast worker` do) and trains twice: a cold run (every step executes) and a rerun with nothing
// changed (every step a cache hit). Prints wall time, peak RSS and time per step of each and the
// rerun / first-run ratio; then times `shelfcast train` as a fresh CLI process with nothing changed,
// which adds Node's start-up and opening the embedded database to the same rerun.
// Goals: first run < 10 minutes with a search over >= 4 algorithms; rerun < 5 % of the first.
//
//   node bench/pipeline-standard.js [--config examples/pipelines/demand-forecast.yaml] [--keep]
// Needs `npm run build` first. Uses the embedded database unless DATABASE_URL is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string', default: 'examples/pipelines/demand-forecast.yaml' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

if (args.child) {
  // Child: two train runs in this process on one shared database handle.
  const { openDatabase, shareDatabase } = await import('../dist/db/open-database.js');
  const { trainFromConfig } = await import('../dist/pipeline-config/train.js');
  const db = await openDatabase();
  const release = shareDatabase(db);
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const summary = await trainFromConfig(args.child);
    const seconds = (performance.now() - started) / 1000;
    const runRecord = JSON.parse(
      readFileSync(join(process.env.SHELFCAST_HOME, 'pipeline-runs', summary.runId, 'run.json'), 'utf8'),
    );
    runs.push({
      status: summary.status,
      seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      steps: Object.fromEntries(
        Object.entries(runRecord.steps).map(([name, s]) => [
          name,
          { status: s.status, ms: s.durationMs ?? 0 },
        ]),
      ),
      selection: summary.outputs.train?.selection?.map((c) => ({
        segment: c.segment,
        series: c.series.length,
        model: c.model,
        score: c.score,
        seasonalNaive: c.seasonalNaive,
        candidates: c.candidates,
      })),
      evaluation: summary.outputs.evaluate?.evaluation?.overall,
      registration: summary.outputs.register?.registration,
    });
    if (summary.status !== 'succeeded') break;
  }
  release();
  await db.close();
  process.stdout.write(`${JSON.stringify(runs)}\n`);
  process.exit(runs.every((r) => r.status === 'succeeded') ? 0 : 3);
}

const home = mkdtempSync(join(tmpdir(), 'shelfcast-bench-pipeline-'));
const env = { ...process.env, SHELFCAST_HOME: home, SHELFCAST_PROGRESS_MS: '60000' };
const config = resolve(args.config);
const bin = resolve('bin/shelfcast.js');
console.log(
  `standard pipeline benchmark — config ${args.config}, storage ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}, home ${home}`,
);

let t = performance.now();
const demo = spawnSync(process.execPath, [bin, 'demo', '--no-train', '--json'], {
  env,
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
if (demo.status !== 0) {
  console.error(demo.stderr);
  process.exit(1);
}
const demoSummary = JSON.parse(demo.stdout).summary;
console.log(
  `demo data loaded in ${((performance.now() - t) / 1000).toFixed(1)} s: ${demoSummary.storeProductPairs} store × product pairs, ${demoSummary.salesFrom} to ${demoSummary.salesTo}`,
);

t = performance.now();
const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', config], {
  env,
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
if (r.status !== 0) {
  console.error(`training failed:\n${r.stderr}\n${r.stdout}`);
  process.exit(1);
}
const [first, second] = JSON.parse(r.stdout.trim().split('\n').at(-1));

function show(label, out) {
  console.log(`\n${label}: ${out.seconds.toFixed(2)} s, peak RSS so far ${out.peakRssMb.toFixed(0)} MB`);
  for (const [name, s] of Object.entries(out.steps))
    console.log(`  ${name.padEnd(15)} ${s.status.padEnd(9)} ${(s.ms / 1000).toFixed(2).padStart(8)} s`);
}

show('first run', first);
if (first.selection) {
  console.log('\n  best per segment (backtest score, seasonal naive):');
  for (const c of first.selection)
    console.log(
      `    ${c.segment.padEnd(14)} ${String(c.series).padStart(5)} series  ${c.model.padEnd(16)} ${c.score.toFixed(3)}  (${c.seasonalNaive.toFixed(3)}); candidates ${c.candidates.map((m) => `${m.model}:${Number.isFinite(m.score) ? m.score.toFixed(3) : '—'}×${m.trials}`).join(' ')}`,
    );
  console.log(
    `  overall ${first.evaluation ? `${first.evaluation.chosen.toFixed(3)} vs seasonal naive ${first.evaluation.seasonalNaive.toFixed(3)}` : ''}; registered v${first.registration?.version} ${first.registration?.outcome}`,
  );
}
show('rerun in the same process, nothing changed', second);

t = performance.now();
const cli = spawnSync(process.execPath, [bin, 'train', '--config', config, '--json'], {
  env,
  encoding: 'utf8',
});
const cliSeconds = (performance.now() - t) / 1000;
if (cli.status !== 0) {
  console.error(cli.stderr);
  process.exit(1);
}
const cliSteps = JSON.parse(cli.stdout).steps;
console.log(
  `\nrerun as a new CLI process (shelfcast train): ${cliSeconds.toFixed(2)} s wall, ${cliSteps.filter((x) => x.cacheHit).length}/${cliSteps.length} steps cache hits`,
);
console.log(
  `\nrerun / first run: ${((second.seconds / first.seconds) * 100).toFixed(1)} % in process (goal < 5 %), ${((cliSeconds / first.seconds) * 100).toFixed(1)} % as a new CLI process; first run ${(first.seconds / 60).toFixed(1)} min (goal < 10 min)`,
);
if (!args.keep) rmSync(home, { recursive: true, force: true });
