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

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const nSeries = Number(flag('series', 1000));
const length = Number(flag('length', 730));
const horizon = Number(flag('horizon', 28));
const seed = Number(flag('seed', 1));
const skipR = process.argv.includes('--skip-r');
const nTrain = length - horizon;

/** mulberry32: small seeded uniform generator, enough for test data. */
function uniforms(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson draw (Knuth for small means, normal approximation above 50). */
function poisson(rand, mean) {
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/**
 * Demand-like daily series: a store-article level between ~2 and ~200 units, a weekly profile
 * (weekend peak, varying strength), a slow trend, a yearly swell, level shifts, Poisson noise.
 */
function generate(count) {
  const rand = uniforms(seed);
  const out = [];
  for (let s = 0; s < count; s++) {
    const level = Math.exp(Math.log(2) + rand() * Math.log(100));
    const strength = 0.1 + 0.6 * rand();
    const week = [0.85, 0.8, 0.9, 0.95, 1.15, 1.45, 0.9].map((w) => 1 + strength * (w - 1));
    const trend = ((rand() - 0.5) * 0.8) / length;
    const yearAmp = 0.3 * rand();
    const phase = rand() * 2 * Math.PI;
    let shift = 1;
    const y = new Array(length);
    for (let t = 0; t < length; t++) {
      if (rand() < 0.003) shift *= 0.7 + 0.6 * rand();
      const mean =
        level *
        shift *
        (1 + trend * t) *
        week[t % 7] *
        (1 + yearAmp * Math.sin((2 * Math.PI * t) / 365.25 + phase));
      y[t] = poisson(rand, Math.max(0.05, mean));
    }
    out.push(y);
  }
  return out;
}

function mase(y, forecast) {
  let scale = 0;
  for (let t = 7; t < nTrain; t++) scale += Math.abs(y[t] - y[t - 7]);
  scale /= nTrain - 7;
  let err = 0;
  for (let i = 0; i < horizon; i++) err += Math.abs(y[nTrain + i] - forecast[i]);
  return err / horizon / scale;
}

const series = generate(nSeries);
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
const oursMase = series.reduce((acc, y, i) => acc + mase(y, oursForecasts[i]), 0) / nSeries;
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
      rMase += mase(series[i], cells.slice(1).map(Number));
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
