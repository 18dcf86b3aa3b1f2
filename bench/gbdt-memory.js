#!/usr/bin/env node
// Benchmark: peak memory of training the GBDT global model on a panel that yields about one
// million training rows (features built, booster trained, conformal residuals computed).
// Goal: peak RSS under 1 GB.
//
// Usage (after `npx tsc -p tsconfig.build.json`): node bench/gbdt-memory.js [--series 1200]
import { seededRandom } from '../dist/models/gbdt/random.js';
import { gbdtGlobalModel } from '../dist/models/gbdt-global.js';

const argIndex = process.argv.indexOf('--series');
const nSeries = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1200;
const length = 730;
const horizon = 28;
const rand = seededRandom(2026);
const weekly = [1.0, 0.9, 0.9, 1.0, 1.3, 1.6, 0.5];
const series = Array.from({ length: nSeries }, (_, s) => {
  const level = 1 + rand() * 40;
  const promo = Float64Array.from({ length: length + horizon }, () => (rand() < 0.08 ? 1 : 0));
  const price = Float64Array.from({ length: length + horizon }, (_, t) => (promo[t] ? 8 : 10));
  const y = Float64Array.from({ length }, (_, t) => {
    const mu = level * weekly[t % 7] * (promo[t] ? 1.8 : 1);
    return Math.round(mu * (0.6 + 0.8 * rand()));
  });
  return {
    id: `s${s}`,
    start: '2024-01-01',
    y,
    attributes: { store: `st${s % 50}`, category: `c${s % 12}`, country: s % 2 ? 'DE' : 'FR' },
    covariates: { promo, price },
  };
});
const holidays = new Map([
  ['DE', new Set(['2024-12-25', '2024-12-26', '2025-01-01', '2025-04-18', '2025-12-25'])],
  ['FR', new Set(['2024-07-14', '2024-12-25', '2025-01-01', '2025-07-14', '2025-12-25'])],
]);

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const fitted = gbdtGlobalModel.fit({
  series,
  freq: 'D',
  seasonLength: 7,
  holidays,
  params: { horizon, num_rounds: 100, max_training_rows: 1_000_000, early_stopping_rounds: 0 },
});
const seconds = (performance.now() - t0) / 1000;
const booster = fitted.state.booster;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`panel: ${nSeries} series x ${length} days, horizon ${horizon}`);
console.log(`training rows: ${fitted.state.trainingRows}`);
console.log(`trees: ${booster.trees.length}, features: ${booster.featureNames.length}`);
console.log(`training time: ${seconds.toFixed(1)} s`);
console.log(
  `RSS before fit: ${(rssBefore / 1048576).toFixed(0)} MB; peak RSS: ${peakMb.toFixed(0)} MB (goal < 1024 MB)`,
);
