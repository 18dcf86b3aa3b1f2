#!/usr/bin/env node
// Benchmark: shelfcast's histogram GBDT against XGBoost `hist` (single thread) on the same
// generated data, depth, rounds and learning rate. Prints training time of each, the ratio and
// the RMSE of both on a held-out set.
//
// Usage (after `npx tsc -p tsconfig.build.json`):
//   node bench/gbdt-vs-xgboost.js [--rows 1000000] [--rounds 100] [--depth 6] [--lr 0.1]
// Needs /usr/bin/python3 with xgboost and numpy (Debian: python3-xgboost).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { predictBooster, trainBooster } from '../dist/models/gbdt/booster.js';
import { seededRandom } from '../dist/models/gbdt/random.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : null))
    .filter(Boolean),
);
const trainRows = Number(args.rows ?? 1_000_000);
const testRows = Math.round(trainRows / 5);
const nFeatures = 30;
const rounds = Number(args.rounds ?? 100);
const maxDepth = Number(args.depth ?? 6);
const learningRate = Number(args.lr ?? 0.1);
const lambda = 1;
const minChildWeight = 1;

/** Friedman #1 on x0..x4, a step on x5, an interaction x6*x7, 25 noise features; 3 % missing in x8..x10. */
function generate(n, seed) {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cols = Array.from({ length: nFeatures }, () => new Float32Array(n));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < nFeatures; f++) cols[f][i] = f >= 8 && f <= 10 && rand() < 0.03 ? Number.NaN : rand();
    const x = (f) => cols[f][i];
    y[i] =
      10 * Math.sin(Math.PI * x(0) * x(1)) +
      20 * (x(2) - 0.5) ** 2 +
      10 * x(3) +
      5 * x(4) +
      (x(5) > 0.5 ? 3 : 0) +
      4 * x(6) * x(7) +
      gauss();
  }
  return { cols, y };
}

function writeColumns(path, cols) {
  const n = cols[0].length;
  const all = new Float32Array(n * cols.length);
  for (const [f, c] of cols.entries()) all.set(c, f * n);
  writeFileSync(path, new Uint8Array(all.buffer));
}

function rmse(pred, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

const dir = mkdtempSync(join(tmpdir(), 'shelfcast-gbdt-bench-'));
try {
  mkdirSync(dir, { recursive: true });
  const train = generate(trainRows, 20261128);
  const test = generate(testRows, 7);
  writeColumns(join(dir, 'x_train.f32'), train.cols);
  writeFileSync(join(dir, 'y_train.f32'), new Uint8Array(train.y.buffer));
  writeColumns(join(dir, 'x_test.f32'), test.cols);
  writeFileSync(join(dir, 'y_test.f32'), new Uint8Array(test.y.buffer));
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      trainRows,
      testRows,
      features: nFeatures,
      rounds,
      maxDepth,
      learningRate,
      lambda,
      minChildWeight,
    }),
  );
  console.log(`data: ${trainRows} training rows x ${nFeatures} features, ${testRows} held-out rows (${dir})`);
  console.log(
    `params: rounds=${rounds} max_depth=${maxDepth} learning_rate=${learningRate} lambda=${lambda}`,
  );

  const t0 = performance.now();
  const model = trainBooster(
    { columns: train.cols, y: train.y },
    {
      params: {
        numRounds: rounds,
        maxDepth,
        learningRate,
        lambda,
        minChildWeight,
        minDataInLeaf: 1,
        numLeaves: 2 ** maxDepth,
        growPolicy: 'depthwise',
      },
    },
  );
  const ourSeconds = (performance.now() - t0) / 1000;
  const ourRmse = rmse(predictBooster(model, test.cols), test.y);
  console.log(
    `shelfcast gbdt: train ${ourSeconds.toFixed(2)} s (binning included), held-out RMSE ${ourRmse.toFixed(4)}`,
  );

  const py = spawnSync('/usr/bin/python3', [join(here, '../references/python/xgboost_bench.py'), dir], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (py.status !== 0) {
    console.error(py.stderr);
    throw new Error('the XGBoost reference run failed (is python3-xgboost installed?)');
  }
  const xgb = JSON.parse(py.stdout.trim().split('\n').pop());
  console.log(
    `xgboost ${xgb.xgboostVersion} hist, nthread=1: train ${xgb.totalSeconds.toFixed(2)} s ` +
      `(DMatrix ${xgb.dmatrixSeconds.toFixed(2)} s + boosting ${xgb.trainSeconds.toFixed(2)} s), held-out RMSE ${xgb.rmse.toFixed(4)}`,
  );
  const ratio = ourSeconds / xgb.totalSeconds;
  const rmseGap = (ourRmse - xgb.rmse) / xgb.rmse;
  console.log(`time ratio shelfcast/xgboost: ${ratio.toFixed(2)}x (goal <= 2x)`);
  console.log(`RMSE difference: ${(rmseGap * 100).toFixed(2)} % (goal within 2 %)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
