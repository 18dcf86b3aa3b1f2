#!/usr/bin/env node
// Car parts benchmark (intermittent demand): MASE and RMSSE of each intermittent-demand method, the
// baselines and `auto` on the 2,674 monthly car-parts series (Jan 1998 – Mar 2002), last 12 months held
// out. Series with missing months or without any demand in the training part are left out, as in
// Hyndman (2008). An all-zero forecast is scored too: MASE rewards it on intermittent data, which is
// why `auto` ranks intermittent candidates by RMSSE.
// Usage: npm run build && node bench/carparts.js [--horizon 12] [--limit N] [--workers W]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { nanMean } from '../dist/evaluation/point-metrics.js';
import { mase, rmsse } from '../dist/evaluation/scaled-metrics.js';
import { forecastPanel } from '../dist/forecasting/forecast-engine.js';
import { loadSeriesFile } from '../dist/forecasting/series-loader.js';
import { modelCatalog } from '../dist/models/model-catalog.js';

const { values: args } = parseArgs({
  options: {
    horizon: { type: 'string', default: '12' },
    limit: { type: 'string' },
    workers: { type: 'string' },
    models: { type: 'string' },
    data: { type: 'string', default: new URL('../../shared/data/', import.meta.url).pathname },
  },
});
const h = Number(args.horizon);
const workers = args.workers ? Number(args.workers) : availableParallelism();

const loadStarted = performance.now();
const panel = await loadSeriesFile(`${args.data}/carparts_long.csv`, {
  idCol: 'unique_id',
  dateCol: 'ds',
  valueCol: 'y',
  freq: 'M',
});
let usable = panel.series.filter(
  (s) =>
    s.y.every(Number.isFinite) && s.y.length > h + 2 && s.y.subarray(0, s.y.length - h).some((v) => v > 0),
);
if (args.limit) usable = usable.slice(0, Number(args.limit));
const train = usable.map((s) => ({ id: s.id, y: s.y.slice(0, s.y.length - h) }));
const actual = new Map(usable.map((s) => [s.id, s.y.subarray(s.y.length - h)]));
const history = new Map(train.map((s) => [s.id, s.y]));
console.log(
  `car parts: ${panel.series.length} series read in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s, ${usable.length} complete with demand in training; horizon ${h}, ${workers} workers, Node ${process.version}`,
);
console.log('MASE and RMSSE scaled by the in-sample lag-1 naive error.\n');

const intermittent = modelCatalog.namesOf('intermittent');
// naive is the reference every ratio is taken against, so it always runs.
const requested = args.models
  ? args.models.split(',')
  : [...intermittent, 'seasonal-naive', 'moving-average', 'ets', 'theta', 'auto'];
const models = ['naive', ...requested.filter((m) => m !== 'naive')];
const score = (id, mean) => [
  mase(actual.get(id), mean, history.get(id), 1),
  rmsse(actual.get(id), mean, history.get(id), 1),
];

const rows = [];
{
  const s = train.map((t) => score(t.id, new Float64Array(h)));
  rows.push({
    model: 'zero forecast',
    mase: nanMean(s.map((x) => x[0])),
    rmsse: nanMean(s.map((x) => x[1])),
    seconds: 0,
  });
}
for (const model of models) {
  const started = performance.now();
  const forecasts = await forecastPanel(train, {
    horizon: h,
    freq: 'M',
    seasonLength: 12,
    quantiles: [],
    models: [model],
    folds: 3,
    workers,
  });
  const s = forecasts.map((f) => score(f.seriesId, f.mean));
  const chosen = new Map();
  for (const f of forecasts) chosen.set(f.model, (chosen.get(f.model) ?? 0) + 1);
  rows.push({
    model,
    mase: nanMean(s.map((x) => x[0])),
    rmsse: nanMean(s.map((x) => x[1])),
    seconds: (performance.now() - started) / 1000,
    chosen: model === 'auto' ? [...chosen].map(([k, v]) => `${k} ${v}`).join(', ') : '',
  });
}
const base = rows.find((r) => r.model === 'naive');
console.log(
  `${'model'.padEnd(16)} ${'MASE'.padStart(7)} ${'RMSSE'.padStart(7)}  vs naive (MASE / RMSSE)   seconds`,
);
for (const r of rows) {
  console.log(
    `${r.model.padEnd(16)} ${r.mase.toFixed(3).padStart(7)} ${r.rmsse.toFixed(3).padStart(7)}  ${(r.mase / base.mase).toFixed(3)} / ${(r.rmsse / base.rmsse).toFixed(3)}         ${r.seconds.toFixed(1).padStart(6)}${r.chosen ? `  chosen: ${r.chosen}` : ''}`,
  );
}
