#!/usr/bin/env node
// Accuracy on the demo retail data: every catalog model and `auto` forecast the last 28 days of each
// store × product series (M5-style holdout). Reports WRMSSE over the hierarchy total / store / category /
// product / store × category / store × product (weights: dollar sales of the last 28 training days),
// relative to seasonal naive run here, and the best model per Syntetos–Boylan demand class.
// Usage: npm run build && node bench/accuracy-demo.js [--dir DIR] [--stores 8] [--products 40] [--days 730] [--models a,b]
// Without --dir it generates the demo data set with `shelfcast generate` into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nanMean } from '../dist/evaluation/point-metrics.js';
import { mase, rmsse } from '../dist/evaluation/scaled-metrics.js';
import { wrmsse } from '../dist/evaluation/wrmsse.js';
import { forecastPanel } from '../dist/forecasting/forecast-engine.js';
import { loadSeriesFile } from '../dist/forecasting/series-loader.js';
import { readCsv } from '../dist/io/csv-reader.js';
import { classifyDemand } from '../dist/models/intermittency.js';
import { modelCatalog } from '../dist/models/model-catalog.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    stores: { type: 'string', default: '8' },
    products: { type: 'string', default: '40' },
    days: { type: 'string', default: '730' },
    seed: { type: 'string', default: '42' },
    horizon: { type: 'string', default: '28' },
    models: { type: 'string' },
    workers: { type: 'string' },
  },
});
const H = Number(args.horizon);
const workers = args.workers ? Number(args.workers) : availableParallelism();

let dir = args.dir;
if (!dir) {
  dir = mkdtempSync(join(tmpdir(), 'shelfcast-demo-'));
  const bin = new URL('../bin/shelfcast.js', import.meta.url).pathname;
  const gen = [
    'generate',
    '--out',
    dir,
    '--stores',
    args.stores,
    '--products',
    args.products,
    '--days',
    args.days,
    '--seed',
    args.seed,
    '--end',
    '2026-11-27',
  ];
  execFileSync(process.execPath, [bin, ...gen], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const categoryOf = new Map();
let header;
for await (const { fields } of readCsv(join(dir, 'products.csv'))) {
  if (!header) header = fields;
  else categoryOf.set(fields[header.indexOf('sku')], fields[header.indexOf('category')]);
}

const load = (valueCol) =>
  loadSeriesFile(join(dir, 'sales.csv'), {
    idCol: 'store_code,sku',
    dateCol: 'date',
    valueCol,
    fill: 'zero',
    freq: 'D',
  });
const units = await load('units');
const revenue = new Map((await load('revenue')).series.map((s) => [s.id, s]));
const end = Math.max(...units.series.map((s) => s.startIndex + s.y.length));
const start = Math.min(...units.series.map((s) => s.startIndex));
const length = end - start;
/** Aligns a series on the panel's full period range, 0 where it has no row (not yet open, or delisted). */
const align = (s) => {
  const out = new Float64Array(length);
  out.set(s.y, s.startIndex - start);
  return out;
};

const rows = units.series
  .map((s) => {
    const full = align(s);
    const [store, sku] = s.id.split('/');
    const own = full.subarray(s.startIndex - start);
    return {
      id: s.id,
      start: s.start,
      store,
      sku,
      category: categoryOf.get(sku) ?? 'unknown',
      full,
      dollars: align(revenue.get(s.id) ?? { y: new Float64Array(), startIndex: start }),
      train: own.slice(0, own.length - H),
      actual: full.subarray(length - H),
    };
  })
  .filter((r) => r.train.length > 2 * 7 && r.train.some((v) => v > 0));
for (const r of rows) r.profile = classifyDemand(r.train);

const classes = ['smooth', 'erratic', 'intermittent', 'lumpy'];
const classCount = Object.fromEntries(
  classes.map((c) => [c, rows.filter((r) => r.profile.demandClass === c).length]),
);
console.log(
  `demo data (${dir}): ${rows.length} store × product series, ${length} days, holdout ${H} days; ${workers} workers, Node ${process.version}`,
);
console.log(`demand classes: ${classes.map((c) => `${c} ${classCount[c]}`).join(', ')}\n`);

const levels = [[], ['store'], ['category'], ['sku'], ['store', 'category'], ['store', 'sku']];
const defaults = modelCatalog
  .list()
  .filter((e) => e.kind === 'local' && e.name !== 'arima' && e.family !== 'ensemble')
  .map((e) => e.name);
const models = args.models
  ? args.models.split(',')
  : [
      'seasonal-naive',
      ...defaults.filter((n) => n !== 'seasonal-naive'),
      'ensemble-median',
      'gbdt-global',
      'auto',
    ];

const results = [];
for (const model of models) {
  const started = performance.now();
  const forecasts = await forecastPanel(
    rows.map((r) => ({
      id: r.id,
      y: r.train,
      start: r.start,
      attributes: { store: r.store, category: r.category },
    })),
    { horizon: H, freq: 'D', seasonLength: 7, quantiles: [], models: [model], folds: 3, workers },
  );
  const seconds = (performance.now() - started) / 1000;
  const byId = new Map(forecasts.map((f) => [f.seriesId, f]));
  const hierarchy = rows.map((r) => {
    const insample = r.full.subarray(0, length - H);
    const dollars = r.dollars.subarray(0, length - H);
    return {
      keys: { store: r.store, sku: r.sku, category: r.category },
      insample,
      actual: r.actual,
      forecast: byId.get(r.id)?.mean ?? new Float64Array(H),
      price: Float64Array.from(insample, (u, t) => (u > 0 ? dollars[t] / u : 0)),
    };
  });
  const score = wrmsse(hierarchy, { levels, weightWindow: 28 });
  const perClass = {};
  for (const c of classes) {
    const members = rows.filter((r) => r.profile.demandClass === c);
    perClass[c] = {
      mase: nanMean(members.map((r) => mase(r.actual, byId.get(r.id).mean, r.train, 7))),
      rmsse: nanMean(members.map((r) => rmsse(r.actual, byId.get(r.id).mean, r.train, 7))),
    };
  }
  const chosen = new Map();
  for (const f of forecasts) chosen.set(f.model, (chosen.get(f.model) ?? 0) + 1);
  results.push({ model, wrmsse: score.wrmsse, levels: score.levels, perClass, seconds, chosen });
  console.error(`  ${model}: ${seconds.toFixed(1)} s`);
}

const base = results.find((r) => r.model === 'seasonal-naive');
console.log(
  `${'model'.padEnd(16)} ${'WRMSSE'.padStart(7)} ${'vs snaive'.padStart(9)}  ${levels.map((l) => (l.join('×') || 'total').padStart(16)).join('')}  ${'seconds'.padStart(8)}`,
);
for (const r of [...results].sort((a, b) => a.wrmsse - b.wrmsse)) {
  console.log(
    `${r.model.padEnd(16)} ${r.wrmsse.toFixed(3).padStart(7)} ${(r.wrmsse / base.wrmsse).toFixed(3).padStart(9)}  ${r.levels.map((l) => l.wrmsse.toFixed(3).padStart(16)).join('')}  ${r.seconds.toFixed(1).padStart(8)}`,
  );
}
const auto = results.find((r) => r.model === 'auto');
if (auto) console.log(`\nauto chose: ${[...auto.chosen].map(([k, v]) => `${k} ${v}`).join(', ')}`);

console.log(
  '\nPer demand class: mean RMSSE (MASE) per series, scaled by the in-sample seasonal naive; best by RMSSE marked *',
);
console.log(`${'model'.padEnd(16)} ${classes.map((c) => `${c} (${classCount[c]})`.padStart(20)).join('')}`);
const best = Object.fromEntries(
  classes.map((c) => [
    c,
    results.reduce(
      (b, r) =>
        Number.isFinite(r.perClass[c].rmsse) && (!b || r.perClass[c].rmsse < b.perClass[c].rmsse) ? r : b,
      undefined,
    )?.model,
  ]),
);
for (const r of results) {
  const cells = classes.map((c) => {
    const v = r.perClass[c];
    return `${best[c] === r.model ? '*' : ' '}${v.rmsse.toFixed(3)} (${v.mase.toFixed(3)})`.padStart(20);
  });
  console.log(`${r.model.padEnd(16)} ${cells.join('')}`);
}
