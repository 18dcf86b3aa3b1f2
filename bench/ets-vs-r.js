#!/usr/bin/env node
// Automatic ETS, shelfcast vs R forecast::ets, on generated daily demand series with a weekly
// cycle: fit on the first `length - horizon` days, forecast the rest; prints the fitting time of
// each (wall clock and process CPU time; on a busy shared machine the CPU-time ratio is the steadier
// figure), the speed ratios, the mean MASE (held-out days scaled by in-sample seasonal naive), and
// how often both chose the same model.
// Usage: npm run build && node bench/ets-vs-r.js [--series 1000] [--length 730] [--horizon 28] [--seed 1] [--skip-r]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etsModel } from '../dist/models/ets.js';

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

const oursForecasts = [];
const oursMethods = new Map();
const oursChoice = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const y of series) {
  const fitted = etsModel.fit({
    y: Float64Array.from(y.slice(0, nTrain)),
    seasonLength: 7,
    freq: 'D',
    params: {},
  });
  oursForecasts.push(Array.from(etsModel.predict(fitted, { horizon, quantiles: [] }).mean));
  const method = fitted.state.method.replaceAll(',', '');
  oursMethods.set(method, (oursMethods.get(method) ?? 0) + 1);
  oursChoice.push(method);
}
const oursSeconds = (performance.now() - t0) / 1000;
const cpuUsed = process.cpuUsage(cpu0);
const oursCpu = (cpuUsed.user + cpuUsed.system) / 1e6;
const oursMase = series.reduce((acc, y, i) => acc + mase(y, oursForecasts[i], nTrain, horizon), 0) / nSeries;
console.log(
  `shelfcast ets: ${oursSeconds.toFixed(1)} s (${((oursSeconds * 1000) / nSeries).toFixed(0)} ms/series), CPU ${oursCpu.toFixed(1)} s, mean MASE ${oursMase.toFixed(4)}`,
);

if (!skipR) {
  const dir = mkdtempSync(join(tmpdir(), 'ets-bench-'));
  try {
    const input = join(dir, 'series.csv');
    const output = join(dir, 'forecasts.csv');
    writeFileSync(input, `${series.map((y) => y.join(',')).join('\n')}\n`);
    const r = spawnSync(
      'Rscript',
      [join(root, 'references/r/ets-bench.R'), input, String(nTrain), String(horizon), output],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (r.status !== 0) {
      console.error(`R failed (is r-cran-forecast installed?):\n${r.stderr}`);
      process.exit(1);
    }
    const rSeconds = Number(/elapsed=([\d.]+)/.exec(r.stdout)?.[1]);
    const rCpu = Number(/cpu=([\d.]+)/.exec(r.stdout)?.[1]);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    const rMethods = new Map();
    let rMase = 0;
    let same = 0;
    rows.forEach((line, i) => {
      const cells = line.split(',');
      const method = cells[0].replaceAll('"', '');
      rMethods.set(method, (rMethods.get(method) ?? 0) + 1);
      if (method === oursChoice[i]) same++;
      rMase += mase(series[i], cells.slice(1).map(Number), nTrain, horizon);
    });
    rMase /= nSeries;
    console.log(
      `R forecast::ets: ${rSeconds.toFixed(1)} s (${((rSeconds * 1000) / nSeries).toFixed(0)} ms/series), CPU ${rCpu.toFixed(1)} s, mean MASE ${rMase.toFixed(4)}`,
    );
    console.log(
      `speed ratio (R time / shelfcast time): ${(rSeconds / oursSeconds).toFixed(2)}x wall clock, ${(rCpu / oursCpu).toFixed(2)}x CPU time`,
    );
    console.log(`MASE difference: ${(((oursMase - rMase) / rMase) * 100).toFixed(2)} % (shelfcast vs R)`);
    console.log(`same model as R: ${same} of ${nSeries} series`);
    console.log('models chosen (shelfcast):', Object.fromEntries(oursMethods));
    console.log('models chosen (R):        ', Object.fromEntries(rMethods));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
