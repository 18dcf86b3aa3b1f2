#!/usr/bin/env node
// Intermittent-demand methods on the car parts data (2,674 monthly series, Jan 1998 – Mar 2002, from
// ../shared/data/carparts_long.csv): last 12 months held out; series with missing months or no demand
// in the training part are left out (as in Hyndman 2008). Prints the mean MASE (scaled by the
// in-sample lag-1 naive error) of Croston, SBA, TSB and ADIDA (fixed and optimised smoothing), with
// naive, seasonal naive and the all-zero forecast as references, and the fitting time of each.
// Usage: npm run build && node bench/intermittent-carparts.js [--horizon 12] [--limit N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { adidaModel } from '../dist/models/adida.js';
import { crostonModel } from '../dist/models/croston.js';
import { classifyDemand } from '../dist/models/intermittency.js';
import { sbaModel } from '../dist/models/sba.js';
import { tsbModel } from '../dist/models/tsb.js';

const { values: args } = parseArgs({
  options: {
    horizon: { type: 'string', default: '12' },
    limit: { type: 'string' },
    data: {
      type: 'string',
      default: new URL('../../shared/data/carparts_long.csv', import.meta.url).pathname,
    },
  },
});
const h = Number(args.horizon);

const bySeries = new Map();
for (const line of readFileSync(args.data, 'utf8').trim().split('\n').slice(1)) {
  const [id, , y] = line.split(',');
  const key = id.replaceAll('"', '');
  if (!bySeries.has(key)) bySeries.set(key, []);
  bySeries.get(key).push(y === '' ? Number.NaN : Number(y));
}
let usable = [...bySeries.entries()].filter(
  ([, y]) => y.every(Number.isFinite) && y.length > h + 2 && y.slice(0, y.length - h).some((v) => v > 0),
);
if (args.limit) usable = usable.slice(0, Number(args.limit));

/** Mean absolute error over the horizon divided by the in-sample mean absolute lag-1 difference. */
function mase(train, test, forecast) {
  let scale = 0;
  for (let t = 1; t < train.length; t++) scale += Math.abs(train[t] - train[t - 1]);
  scale /= train.length - 1;
  let err = 0;
  for (let i = 0; i < test.length; i++) err += Math.abs(test[i] - forecast[i]);
  return err / test.length / scale;
}

const localModel = (model, params) => (train) =>
  model.predict(model.fit({ y: Float64Array.from(train), seasonLength: 12, freq: 'M', params }), {
    horizon: h,
    quantiles: [],
  }).mean;
const methods = [
  ['zero forecast', () => new Array(h).fill(0)],
  ['naive', (train) => new Array(h).fill(train[train.length - 1])],
  [
    'seasonal naive (12)',
    (train) => Array.from({ length: h }, (_, i) => train[train.length - 12 + (i % 12)]),
  ],
  ['croston (alpha 0.1)', localModel(crostonModel, {})],
  ['croston (optimised, MAR)', localModel(crostonModel, { optimise: 'mar' })],
  ['sba (alpha 0.1)', localModel(sbaModel, {})],
  ['sba (optimised, MAR)', localModel(sbaModel, { optimise: 'mar' })],
  ['tsb (0.1, 0.1)', localModel(tsbModel, {})],
  ['tsb (optimised, MSE)', localModel(tsbModel, { optimise: 'mse' })],
  ['adida (ADI buckets, alpha 0.1)', localModel(adidaModel, {})],
  ['adida (ADI buckets, optimised)', localModel(adidaModel, { optimise: 'mse' })],
];

const classes = new Map();
for (const [, y] of usable) {
  const c = classifyDemand(y.slice(0, y.length - h)).demandClass;
  classes.set(c, (classes.get(c) ?? 0) + 1);
}
console.log(
  `car parts: ${bySeries.size} series, ${usable.length} complete with demand in training; horizon ${h}; Node ${process.version}`,
);
console.log(
  `Syntetos–Boylan classes (training part): ${[...classes].map(([c, k]) => `${c} ${k}`).join(', ')}\n`,
);
console.log('method                              mean MASE   fit+forecast');
const results = [];
for (const [name, forecaster] of methods) {
  const started = performance.now();
  let total = 0;
  let count = 0;
  for (const [, y] of usable) {
    const train = y.slice(0, y.length - h);
    const score = mase(train, y.slice(y.length - h), forecaster(train));
    if (Number.isFinite(score)) {
      total += score;
      count++;
    }
  }
  const ms = performance.now() - started;
  results.push([name, total / count]);
  console.log(`${name.padEnd(34)}  ${(total / count).toFixed(4)}      ${(ms / 1000).toFixed(2)} s`);
}
const naive = results.find(([n]) => n === 'naive')[1];
console.log(`\nratio to naive: ${results.map(([n, v]) => `${n} ${(v / naive).toFixed(3)}`).join('; ')}`);
