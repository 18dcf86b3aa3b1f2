#!/usr/bin/env node
// Automatic ARIMA, shelfcast vs R forecast::auto.arima (default settings), on generated daily demand
// series with a weekly cycle (the generator of bench/ets-vs-r.js): fit on the first
// `length - horizon` days, forecast the rest; prints the fitting time of each, the speed ratio, the
// mean MASE (held-out days scaled by in-sample seasonal naive; forecasts clipped at 0 on both sides)
// and how often both select the same orders.
// Usage: npm run build && node bench/arima-vs-r.js [--series 1000] [--length 730] [--horizon 28] [--seed 1] [--skip-r]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoArimaModel } from '../dist/models/arima-auto.js';

import { flag, generateDemandSeries, mase } from './lib/demand-series.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const nSeries = Number(flag('series', 1000));
const length = Number(flag('length', 730));
const horizon = Number(flag('horizon', 28));
const seed = Number(flag('seed', 1));
const skipR = process.argv.includes('--skip-r');
const nTrain = length - horizon;

const series = generateDemandSeries(nSeries, length, seed);
console.log(
  `${nSeries} series × ${length} days (fit ${nTrain}, forecast ${horizon}), seasonLength 7, seed ${seed}`,
);

function label(state) {
  const s = state.spec;
  const seasonal = s.period > 1 ? `${s.P}${s.D}${s.Q}` : '000';
  return `(${s.p}${s.d}${s.q})(${seasonal})${s.includeMean || s.includeDrift ? 'c' : ''}`;
}

const oursForecasts = [];
const oursModels = [];
const t0 = performance.now();
for (const y of series) {
  const fitted = autoArimaModel.fit({
    y: Float64Array.from(y.slice(0, nTrain)),
    seasonLength: 7,
    freq: 'D',
    params: {},
  });
  oursForecasts.push(Array.from(autoArimaModel.predict(fitted, { horizon, quantiles: [] }).mean));
  oursModels.push(label(fitted.state));
}
const oursSeconds = (performance.now() - t0) / 1000;
const oursMase = series.reduce((acc, y, i) => acc + mase(y, oursForecasts[i], nTrain, horizon), 0) / nSeries;
console.log(
  `shelfcast auto_arima: ${oursSeconds.toFixed(1)} s (${((oursSeconds * 1000) / nSeries).toFixed(0)} ms/series), mean MASE ${oursMase.toFixed(4)}`,
);

if (!skipR) {
  const dir = mkdtempSync(join(tmpdir(), 'arima-bench-'));
  try {
    const input = join(dir, 'series.csv');
    const output = join(dir, 'forecasts.csv');
    writeFileSync(input, `${series.map((y) => y.join(',')).join('\n')}\n`);
    const r = spawnSync(
      'Rscript',
      [join(root, 'references/r/arima-bench.R'), input, String(nTrain), String(horizon), output],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (r.status !== 0) {
      console.error(`R failed (is r-cran-forecast installed?):\n${r.stderr}`);
      process.exit(1);
    }
    const rSeconds = Number(/elapsed=([\d.]+)/.exec(r.stdout)?.[1]);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    let rMase = 0;
    let sameOrder = 0;
    rows.forEach((line, i) => {
      const cells = line.split(',');
      if (cells[0].replaceAll('"', '') === oursModels[i]) sameOrder++;
      rMase += mase(series[i], cells.slice(1).map(Number), nTrain, horizon);
    });
    rMase /= nSeries;
    console.log(
      `R forecast::auto.arima: ${rSeconds.toFixed(1)} s (${((rSeconds * 1000) / nSeries).toFixed(0)} ms/series), mean MASE ${rMase.toFixed(4)}`,
    );
    console.log(
      `speed ratio (R / shelfcast): ${(rSeconds / oursSeconds).toFixed(2)}x; MASE ratio (shelfcast / R): ${(oursMase / rMase).toFixed(4)}; same orders on ${sameOrder}/${nSeries} series`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
