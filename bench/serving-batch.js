#!/usr/bin/env node
// Batch forecast benchmark: runBatchForecasts for every series of a champion the size of the default
// demo (~1,240 store × product series, ETS / Theta / Croston mix, 28 days × 3 quantiles) into the
// embedded database and, when DATABASE_URL is set (or --database-url is given), into PostgreSQL;
// first run and rerun (which replaces the first). Goal: all pairs in < 60 s.
//
//   node bench/serving-batch.js [--series 1240] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
// Needs `npm run build` first. The fitted bundle is cached in the temp folder between runs.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runBatchForecasts } from '../dist/serving/batch-forecasts.js';
import { benchBundle, openBenchHome, registerBench } from './serving-setup.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '1240' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? '' },
  },
});

async function timedRun(db) {
  const started = performance.now();
  let predicted = null;
  const result = await runBatchForecasts(db, {
    progress: (fraction) => {
      if (predicted === null && fraction >= 0.8) predicted = performance.now();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return { ...result, seconds, predictSeconds: ((predicted ?? performance.now()) - started) / 1000 };
}

async function measure(label, databaseUrl, bundle) {
  const home = await openBenchHome(databaseUrl);
  try {
    await registerBench(home.db, home.store, 'demand', bundle);
    const first = await timedRun(home.db);
    const again = await timedRun(home.db);
    const rows = await home.db.query('SELECT count(*) AS n FROM batch_forecasts');
    if (Number(rows[0].n) !== first.rows) throw new Error(`expected ${first.rows} rows, found ${rows[0].n}`);
    return { label, first, again };
  } finally {
    await home.close();
  }
}

/** A scratch PostgreSQL database for the run, dropped afterwards. */
async function withScratchDatabase(url, work) {
  const name = `shelfcast_bench_serving_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    return await work(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const { bundle, fitSeconds } = benchBundle({ series: Number(args.series) });
const results = [await measure('embedded (PGlite)', undefined, bundle)];
if (args['database-url'])
  results.push(await withScratchDatabase(args['database-url'], (url) => measure('PostgreSQL', url, bundle)));

const algorithms = {};
for (const s of bundle.series) algorithms[s.fitted.model] = (algorithms[s.fitted.model] ?? 0) + 1;
console.log(
  `champion: ${bundle.series.length} series ${JSON.stringify(algorithms)}, horizon ${bundle.horizon}, quantiles ${bundle.quantiles.join('/')}` +
    (fitSeconds === null ? ' (fitted bundle from cache)' : ` (fitted in ${fitSeconds.toFixed(1)} s)`),
);
console.log(
  '\n| database | pairs | rows | first run | of it predicting | pairs/s | rerun (replaces) | pairs/s |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { label, first, again } of results) {
  console.log(
    `| ${label} | ${first.pairs} | ${first.rows} | ${first.seconds.toFixed(1)} s | ${first.predictSeconds.toFixed(1)} s | ${(first.pairs / first.seconds).toFixed(0)} | ${again.seconds.toFixed(1)} s | ${(again.pairs / again.seconds).toFixed(0)} |`,
  );
}
const worst = Math.max(...results.flatMap((r) => [r.first.seconds, r.again.seconds]));
console.log(
  `\ngoal: all pairs in < 60 s: ${worst < 60 ? 'met' : 'NOT met'} (slowest run ${worst.toFixed(1)} s)`,
);
