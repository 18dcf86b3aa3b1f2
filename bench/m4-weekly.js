#!/usr/bin/env node
// M4 weekly benchmark: sMAPE and MASE of shelfcast models on the 359 M4 weekly series (official
// train/test split, horizon 13), beside naive and seasonal naive run here and the published M4 figures.
// Usage: npm run build && node bench/m4-weekly.js [--models auto,theta,ets] [--limit N] [--folds K] [--workers W]
// Data: ../shared/data/m4_weekly_{train,test}.csv (see that folder's README); not needed by the tests.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { smape } from '../dist/evaluation/percentage-metrics.js';
import { mase } from '../dist/evaluation/scaled-metrics.js';
import { forecastPanel } from '../dist/forecasting/forecast-engine.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'auto,theta,ets' },
    limit: { type: 'string' },
    folds: { type: 'string', default: '3' },
    workers: { type: 'string' },
    data: { type: 'string', default: new URL('../../shared/data/', import.meta.url).pathname },
  },
});

const HORIZON = 13;
const SEASON = 52;
/** Published M4 results for the weekly subset (sMAPE %, MASE). */
const PUBLISHED = {
  Naive: [9.161, 2.777],
  SES: [9.012, 2.685],
  Theta: [9.093, 2.637],
  Damped: [8.866, 2.404],
  'best entry': [6.582, 2.107],
};

function readWide(path) {
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const out = new Map();
  for (const row of rows) {
    const cells = row.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const id = cells[0];
    const values = cells
      .slice(1)
      .filter((c) => c !== '' && c !== 'NA')
      .map(Number);
    out.set(id, Float64Array.from(values));
  }
  return out;
}

const train = readWide(`${args.data}/m4_weekly_train.csv`);
const test = readWide(`${args.data}/m4_weekly_test.csv`);
let ids = [...train.keys()];
if (args.limit) ids = ids.slice(0, Number(args.limit));
const series = ids.map((id) => ({ id, y: train.get(id) }));
const models = [
  'naive',
  'seasonal-naive',
  ...args.models.split(',').filter((m) => m !== 'naive' && m !== 'seasonal-naive'),
];
const workers = args.workers ? Number(args.workers) : availableParallelism();

console.log(
  `M4 weekly: ${series.length} series, horizon ${HORIZON}, season ${SEASON}, ${workers} workers, Node ${process.version}`,
);
console.log('MASE scaled by the in-sample lag-1 naive MAE, as in the M4 evaluation.\n');

const results = [];
for (const model of models) {
  const started = performance.now();
  const forecasts = await forecastPanel(series, {
    horizon: HORIZON,
    freq: 'W',
    seasonLength: SEASON,
    quantiles: [],
    models: [model],
    folds: Number(args.folds),
    workers,
  });
  const seconds = (performance.now() - started) / 1000;
  let s = 0;
  let m = 0;
  const chosen = new Map();
  for (const fc of forecasts) {
    const actual = test.get(fc.seriesId);
    s += smape(actual, fc.mean);
    m += mase(actual, fc.mean, train.get(fc.seriesId), 1);
    chosen.set(fc.model, (chosen.get(fc.model) ?? 0) + 1);
  }
  const row = { model, smape: s / forecasts.length, mase: m / forecasts.length, seconds, chosen };
  results.push(row);
  console.log(
    `${model.padEnd(16)} sMAPE ${row.smape.toFixed(3).padStart(7)}  MASE ${row.mase.toFixed(3).padStart(6)}  ${seconds.toFixed(1).padStart(7)} s` +
      (model === 'auto' ? `  chosen: ${[...chosen].map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
  );
}

const naive = results.find((r) => r.model === 'naive');
console.log('\nRatios to naive run here (sMAPE / MASE):');
for (const r of results)
  console.log(
    `  ${r.model.padEnd(16)} ${(r.smape / naive.smape).toFixed(3)} / ${(r.mase / naive.mase).toFixed(3)}`,
  );
console.log('\nPublished M4 weekly (sMAPE / MASE) and ratio to published Naive:');
for (const [name, [s, m]] of Object.entries(PUBLISHED)) {
  console.log(
    `  ${name.padEnd(16)} ${s.toFixed(3)} / ${m.toFixed(3)}   ratio ${(s / PUBLISHED.Naive[0]).toFixed(3)} / ${(m / PUBLISHED.Naive[1]).toFixed(3)}`,
  );
}
