#!/usr/bin/env node
// Hyperparameter search benchmark.
// 1. TPE against random search and a grid on a test function ((x−3)² + (y+1)² + a categorical
//    penalty), same trial budget, over several seeds: median best value (lower is better).
// 2. M4 weekly (first --limit series of the training part): tuning the moving-average window by
//    rolling-origin MASE, with and without successive-halving pruning (time, trials pruned, score),
//    against the untuned default window and seasonal naive on the same folds.
// 3. Car parts (intermittent): selectPerSegment by demand class, RMSSE, candidates naive, moving
//    average, Croston, SBA, TSB; chosen model per class beside seasonal naive.
// Usage: npm run build && node bench/tuning-search.js [--limit 80] [--trials 25]
// Data: ../shared/data (see its README); parts 2 and 3 are skipped when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { classifyDemand } from '../dist/models/intermittency.js';
import { GridSampler } from '../dist/tuning/grid-sampler.js';
import { backtestScore, selectPerSegment, tuneModel } from '../dist/tuning/model-tuning.js';
import { RandomSampler } from '../dist/tuning/random-sampler.js';
import { searchSpace } from '../dist/tuning/search-space.js';
import { runStudy } from '../dist/tuning/study.js';
import { TpeSampler } from '../dist/tuning/tpe-sampler.js';

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string', default: '80' },
    trials: { type: 'string', default: '25' },
    data: { type: 'string', default: new URL('../../shared/data/', import.meta.url).pathname },
  },
});
const limit = Number(args.limit);
const trials = Number(args.trials);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'NaN');

// 1. Test function.
const space = searchSpace([
  { name: 'x', type: 'float', min: -10, max: 10, default: 0, help: '' },
  { name: 'y', type: 'float', min: -10, max: 10, default: 0, help: '' },
  { name: 'k', type: 'categorical', choices: ['a', 'b', 'c', 'd'], default: 'a', help: '' },
]);
const penalty = { a: 4, b: 0, c: 9, d: 16 };
const f = (p) => (p.x - 3) ** 2 + (p.y + 1) ** 2 + penalty[p.k];
console.log('1. test function (x−3)² + (y+1)² + penalty(k), minimum 0; median best over 20 seeds');
console.log('budget  tpe      random   grid     random/tpe');
for (const budget of [30, 60, 120]) {
  const best = { tpe: [], random: [] };
  for (let seed = 1; seed <= 20; seed++) {
    best.tpe.push(
      (await runStudy(f, { sampler: new TpeSampler(space, { seed }), maxTrials: budget })).best.value,
    );
    best.random.push(
      (await runStudy(f, { sampler: new RandomSampler(space, { seed }), maxTrials: budget })).best.value,
    );
  }
  const points = Math.max(1, Math.floor(Math.sqrt(budget / 4)));
  const grid = (await runStudy(f, { sampler: new GridSampler(space, { points }), maxTrials: budget })).best
    .value;
  console.log(
    `${String(budget).padEnd(8)}${fmt(median(best.tpe)).padEnd(9)}${fmt(median(best.random)).padEnd(9)}${fmt(grid).padEnd(9)}${fmt(median(best.random) / median(best.tpe), 1)}`,
  );
}

// 2. M4 weekly.
const m4Path = `${args.data}/m4_weekly_train.csv`;
if (existsSync(m4Path)) {
  const rows = readFileSync(m4Path, 'utf8')
    .trim()
    .split('\n')
    .slice(1, limit + 1);
  const series = rows.map((row) => {
    const cells = row.split(',').map((c) => c.replace(/^"|"$/g, ''));
    return {
      id: cells[0],
      y: Float64Array.from(
        cells
          .slice(1)
          .filter((c) => c !== '' && c !== 'NA')
          .map(Number),
      ),
    };
  });
  const backtest = { horizon: 13, folds: 4, seasonLength: 52, freq: 'W', scaleLag: 1 };
  console.log(
    `\n2. M4 weekly, ${series.length} series, moving-average window 1–104, ${trials} TPE trials, 4 folds, MASE (lag-1 scale)`,
  );
  const base = await backtestScore(series, 'seasonal-naive', {}, backtest);
  const dflt = await backtestScore(series, 'moving-average', {}, backtest);
  console.log(`seasonal naive ${fmt(base)}; moving average, default window 28: ${fmt(dflt)}`);
  for (const pruning of [false, true]) {
    const t0 = performance.now();
    const r = await tuneModel(series, {
      model: 'moving-average',
      space: { window: { min: 1, max: 104 } },
      ...backtest,
      maxTrials: trials,
      seed: 1,
      pruning,
    });
    const ms = performance.now() - t0;
    const pruned = r.study.trials.filter((t) => t.state === 'pruned').length;
    console.log(
      `pruning ${pruning ? 'on ' : 'off'}: best window ${r.bestParams.window}, MASE ${fmt(r.bestScore)} (${fmt(r.bestScore / base)} × seasonal naive), ${pruned}/${r.study.trials.length} pruned, ${fmt(ms / 1000, 2)} s`,
    );
  }
}

// 3. Car parts.
const carPath = `${args.data}/carparts_long.csv`;
if (existsSync(carPath)) {
  const byId = new Map();
  for (const line of readFileSync(carPath, 'utf8').trim().split('\n').slice(1)) {
    const [id, , y] = line.split(',');
    const list = byId.get(id) ?? [];
    list.push(y === '' ? Number.NaN : Number(y));
    byId.set(id, list);
  }
  const series = [...byId]
    .map(([id, v]) => ({ id, y: Float64Array.from(v) }))
    .filter((s) => s.y.every(Number.isFinite) && s.y.some((v) => v > 0))
    .slice(0, limit * 3);
  const segments = new Map();
  for (const s of series) {
    const cls = classifyDemand(s.y).demandClass;
    segments.set(cls, [...(segments.get(cls) ?? []), s]);
  }
  console.log(
    `\n3. car parts, ${series.length} series by demand class, RMSSE, 12-month horizon, 2 folds of 6, ${Math.min(trials, 15)} trials per model`,
  );
  const t0 = performance.now();
  const picks = await selectPerSegment(
    [...segments].map(([name, s]) => ({ name, series: s })),
    {
      models: ['naive', 'moving-average', 'croston', 'sba', 'tsb'],
      spaces: { croston: { optimise: 'none' }, sba: { optimise: 'none' }, tsb: { optimise: 'none' } },
      horizon: 12,
      folds: 2,
      step: 6,
      seasonLength: 12,
      freq: 'M',
      scaleLag: 1,
      metric: 'rmsse',
      maxTrials: Math.min(trials, 15),
      seed: 1,
    },
  );
  for (const p of picks) {
    const ranking = p.candidates.map((c) => `${c.model} ${fmt(c.score)}`).join(', ');
    console.log(
      `${p.segment.padEnd(13)} ${String(p.series).padStart(4)} series: ${p.best?.model} (${fmt(p.relativeToSeasonalNaive)} × seasonal naive ${fmt(p.seasonalNaive)}); ${ranking}`,
    );
  }
  console.log(`selection time ${fmt((performance.now() - t0) / 1000, 1)} s`);
}
