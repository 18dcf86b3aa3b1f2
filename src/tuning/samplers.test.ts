import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HyperParameterSpec, HyperParameters } from '../models/model.js';
import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { searchSpace } from './search-space.js';
import { runStudy } from './study.js';
import { TpeSampler } from './tpe-sampler.js';

const specs: HyperParameterSpec[] = [
  { name: 'x', type: 'float', min: -10, max: 10, default: 0, help: '' },
  { name: 'y', type: 'float', min: -10, max: 10, default: 0, help: '' },
  { name: 'k', type: 'categorical', choices: ['a', 'b', 'c', 'd'], default: 'a', help: '' },
];
const space = searchSpace(specs);
const penalty: Record<string, number> = { a: 4, b: 0, c: 9, d: 16 };
const objective = (p: HyperParameters) =>
  ((p.x as number) - 3) ** 2 + ((p.y as number) + 1) ** 2 + (penalty[p.k as string] as number);

function draw(sampler: Sampler, n: number): HyperParameters[] {
  const out: HyperParameters[] = [];
  for (let i = 0; i < n; i++) {
    const p = sampler.ask();
    if (!p) break;
    out.push(p);
    sampler.tell({ params: p, state: 'complete', value: objective(p) });
  }
  return out;
}

test('the grid enumerates the full Cartesian product exactly once', () => {
  const grid = new GridSampler(
    searchSpace([
      { name: 'w', type: 'int', min: 2, max: 4, default: 2, help: '' },
      { name: 'a', type: 'float', min: 0.01, max: 1, log: true, default: 0.1, help: '' },
      { name: 'm', type: 'categorical', choices: ['x', 'y'], default: 'x', help: '' },
    ]),
    { points: 3 },
  );
  assert.equal(grid.size, 3 * 3 * 2);
  const all = draw(grid, 100);
  assert.equal(all.length, 18);
  assert.equal(grid.ask(), undefined);
  const keys = new Set(all.map((p) => JSON.stringify([p.w, Number((p.a as number).toFixed(6)), p.m])));
  const expected = new Set<string>();
  for (const w of [2, 3, 4])
    for (const a of [0.01, 0.1, 1]) for (const m of ['x', 'y']) expected.add(JSON.stringify([w, a, m]));
  assert.deepEqual(keys, expected);
  assert.deepEqual(Object.keys(all[0] as object), ['w', 'a', 'm']);
});

test('a shuffled grid visits the same points in another order', () => {
  const plain = draw(new GridSampler(space, { points: 3 }), 100).map((p) => JSON.stringify(p));
  const shuffled = draw(new GridSampler(space, { points: 3, shuffleSeed: 4 }), 100).map((p) =>
    JSON.stringify(p),
  );
  assert.notDeepEqual(shuffled, plain);
  assert.deepEqual([...shuffled].sort(), [...plain].sort());
});

test('random and TPE samplers repeat exactly for a seed and differ across seeds', () => {
  for (const make of [
    (seed: number) => new RandomSampler(space, { seed }),
    (seed: number) => new TpeSampler(space, { seed, startupTrials: 5 }),
  ]) {
    const a = draw(make(11), 25);
    const b = draw(make(11), 25);
    const c = draw(make(12), 25);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  }
});

test('TPE beats random search on a quadratic with a categorical term, over several seeds', async () => {
  const budget = 60;
  const tpeBest: number[] = [];
  const randomBest: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const tpe = await runStudy(objective, { sampler: new TpeSampler(space, { seed }), maxTrials: budget });
    const rnd = await runStudy(objective, { sampler: new RandomSampler(space, { seed }), maxTrials: budget });
    tpeBest.push(tpe.best?.value as number);
    randomBest.push(rnd.best?.value as number);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const wins = tpeBest.filter((v, i) => v < (randomBest[i] as number)).length;
  assert.ok(
    wins >= 6,
    `TPE won ${wins}/8: tpe ${tpeBest.map((v) => v.toFixed(2))} random ${randomBest.map((v) => v.toFixed(2))}`,
  );
  assert.ok(median(tpeBest) < median(randomBest) / 2, `medians ${median(tpeBest)} vs ${median(randomBest)}`);
  assert.ok(median(tpeBest) < 1.5, `TPE median best ${median(tpeBest)}`);
});
