import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binRowMajor, computeBinCuts } from './binning.js';
import { featureImportance, parseBoosterModel, predictBooster, trainBooster } from './booster.js';
import { GbdtError } from './gbdt-error.js';
import { seededRandom } from './random.js';

function uniformColumns(n: number, nFeatures: number, seed: number): Float32Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: nFeatures }, () => Float32Array.from({ length: n }, () => rand()));
}

function poissonDraw(rate: number, rand: () => number): number {
  // Knuth's method; fine for the small rates used here.
  const limit = Math.exp(-rate);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

describe('binning', () => {
  it('gives each distinct value its own bin when there are few, and NaN bin 0', () => {
    const cuts = computeBinCuts([Float32Array.from([3, 1, 2, 2, Number.NaN])]);
    assert.deepEqual(Array.from(cuts[0]!), [1, 2, Number.MAX_VALUE]);
    const bins = binRowMajor([Float32Array.from([3, 1, 2, 2, Number.NaN, 99])], cuts, 6);
    assert.deepEqual(Array.from(bins), [3, 1, 2, 2, 0, 3]);
  });

  it('caps the number of bins and keeps them ordered like the values', () => {
    const col = uniformColumns(20_000, 1, 3)[0]!;
    const cuts = computeBinCuts([col], 16);
    assert.ok(cuts[0]!.length <= 16);
    const bins = binRowMajor([col], cuts, col.length);
    for (let i = 1; i < col.length; i++) {
      if (col[i]! > col[i - 1]!) assert.ok(bins[i]! >= bins[i - 1]!);
    }
    const counts = new Array<number>(17).fill(0);
    for (const b of bins) counts[b]!++;
    // Quantile cuts: no value bin holds much more than its share.
    assert.ok(Math.max(...counts) < (2 * col.length) / 16);
  });

  it('rejects a bin count above one byte', () => {
    assert.throws(
      () => computeBinCuts([new Float32Array(3)], 300),
      (e: unknown) => e instanceof GbdtError,
    );
  });
});

describe('trainBooster', () => {
  it('learns a step function exactly', () => {
    // 200 distinct values: each gets its own bin, so the cuts can sit exactly at the steps.
    const x = Float32Array.from({ length: 600 }, (_, i) => (i % 200) / 200);
    const step = (v: number) => (v < 0.3 ? 1 : v < 0.7 ? 5 : 2);
    const y = Float64Array.from(x, step);
    const model = trainBooster(
      { columns: [x], y },
      { params: { numRounds: 1, learningRate: 1, lambda: 0, maxDepth: 2, minDataInLeaf: 1 } },
    );
    const probe = Float32Array.from([0, 0.1, 0.29, 0.31, 0.5, 0.69, 0.71, 0.99, 5]);
    const pred = predictBooster(model, [probe]);
    for (let i = 0; i < probe.length; i++) assert.ok(Math.abs(pred[i]! - step(probe[i]!)) < 1e-9);
  });

  it('ranks the one informative feature first by gain and by split count', () => {
    const n = 5000;
    const cols = uniformColumns(n, 5, 11);
    const rand = seededRandom(12);
    const y = Float64Array.from({ length: n }, (_, i) => 3 * cols[2]![i]! + 0.1 * rand());
    const model = trainBooster({ columns: cols, y }, { params: { numRounds: 30, maxDepth: 3 } });
    assert.equal(featureImportance(model, 'gain')[0]!.feature, 2);
    assert.equal(featureImportance(model, 'split')[0]!.feature, 2);
    const gain = featureImportance(model, 'gain');
    assert.ok(gain[0]!.value > 10 * gain[1]!.value);
  });

  it('recovers Poisson rates on the log scale', () => {
    const n = 20_000;
    const rand = seededRandom(5);
    const group = Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
    const rates = [2, 8];
    const y = Float64Array.from(group, (g) => poissonDraw(rates[g]!, rand));
    const model = trainBooster(
      { columns: [group], y },
      { params: { objective: 'poisson', numRounds: 200, learningRate: 0.1, maxDepth: 1 } },
    );
    const raw = predictBooster(model, [Float32Array.from([0, 1])], { raw: true });
    assert.ok(Math.abs(raw[0]! - Math.log(2)) < 0.05, `log rate ${raw[0]} vs ${Math.log(2)}`);
    assert.ok(Math.abs(raw[1]! - Math.log(8)) < 0.05, `log rate ${raw[1]} vs ${Math.log(8)}`);
    const mean = predictBooster(model, [Float32Array.from([1])]);
    assert.ok(Math.abs(mean[0]! - Math.exp(raw[1]!)) < 1e-12);
  });

  it('fits a Tweedie model whose predictions are positive and match group means', () => {
    const n = 10_000;
    const rand = seededRandom(8);
    const group = Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
    // Zero-inflated demand: many zeros, occasional sales.
    const y = Float64Array.from(group, (g) => (rand() < 0.6 ? 0 : poissonDraw(g === 0 ? 3 : 10, rand)));
    const model = trainBooster(
      { columns: [group], y },
      { params: { objective: 'tweedie', tweedieVariancePower: 1.3, numRounds: 300, maxDepth: 1 } },
    );
    const pred = predictBooster(model, [Float32Array.from([0, 1])]);
    for (const g of [0, 1]) {
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (group[i] === g) {
          s += y[i]!;
          c++;
        }
      }
      assert.ok(pred[g]! > 0);
      assert.ok(Math.abs(pred[g]! - s / c) / (s / c) < 0.03, `group ${g}: ${pred[g]} vs mean ${s / c}`);
    }
  });

  it('covers about q of the points with the quantile objective', () => {
    const n = 10_000;
    const rand = seededRandom(21);
    const x = Float32Array.from({ length: n }, () => rand());
    const y = Float64Array.from(x, (v) => 10 * v + 4 * rand());
    const model = trainBooster(
      { columns: [x], y },
      { params: { objective: 'quantile', quantileAlpha: 0.9, numRounds: 50, maxDepth: 3 } },
    );
    const xt = Float32Array.from({ length: 5000 }, () => rand());
    const yt = Float64Array.from(xt, (v) => 10 * v + 4 * rand());
    const q = predictBooster(model, [xt]);
    let covered = 0;
    for (let i = 0; i < yt.length; i++) if (yt[i]! <= q[i]!) covered++;
    const coverage = covered / yt.length;
    assert.ok(coverage > 0.86 && coverage < 0.94, `coverage ${coverage}`);
  });

  it('learns where missing values go', () => {
    const n = 2000;
    const rand = seededRandom(4);
    const x = Float32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? Number.NaN : rand()));
    const y = Float64Array.from(x, (v) => (Number.isNaN(v) ? 10 : v > 0.5 ? 1 : 0));
    const model = trainBooster(
      { columns: [x], y },
      { params: { numRounds: 50, learningRate: 0.5, maxDepth: 2 } },
    );
    const pred = predictBooster(model, [Float32Array.from([Number.NaN, 0.2, 0.8])]);
    assert.ok(Math.abs(pred[0]! - 10) < 0.05, `missing → ${pred[0]}`);
    assert.ok(Math.abs(pred[1]!) < 0.05);
    assert.ok(Math.abs(pred[2]! - 1) < 0.05);
  });

  it('stops early when the validation loss stops improving, keeping the best trees', () => {
    const rand = seededRandom(9);
    const cols = uniformColumns(3000, 3, 10);
    // Pure noise: every tree after the first few only overfits.
    const y = Float64Array.from({ length: 3000 }, () => rand());
    const valid = {
      columns: uniformColumns(1000, 3, 11),
      y: Float64Array.from({ length: 1000 }, () => rand()),
    };
    const model = trainBooster(
      { columns: cols, y },
      { valid, params: { numRounds: 500, earlyStoppingRounds: 10, maxDepth: 6, minDataInLeaf: 1 } },
    );
    assert.ok(model.trees.length < 100, `kept ${model.trees.length} trees`);
    assert.equal(model.trees.length, model.bestRounds);
    assert.equal(model.validHistory.length, model.bestRounds + 10);
    const best = Math.min(...model.validHistory);
    assert.equal(model.validHistory[model.bestRounds - 1], best);
  });

  it('honours min_data_in_leaf and leaf-wise num_leaves', () => {
    const n = 4000;
    const cols = uniformColumns(n, 4, 2);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(10 * cols[0]![i]!) + cols[1]![i]!);
    const model = trainBooster(
      { columns: cols, y },
      { params: { numRounds: 5, growPolicy: 'lossguide', maxDepth: 0, numLeaves: 7, minDataInLeaf: 150 } },
    );
    for (const tree of model.trees) {
      assert.equal(tree.feature.filter((f) => f < 0).length, 7);
      // Count training rows per leaf by walking the tree.
      const counts = new Map<number, number>();
      for (let r = 0; r < n; r++) {
        let node = 0;
        while (tree.feature[node]! >= 0) {
          const v = cols[tree.feature[node]!]![r]!;
          node = v <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
        }
        counts.set(node, (counts.get(node) ?? 0) + 1);
      }
      for (const c of counts.values()) assert.ok(c >= 150, `leaf with ${c} rows`);
    }
  });

  it('repeats exactly for a seed and differs for another seed when subsampling', () => {
    const cols = uniformColumns(2000, 6, 1);
    const y = Float64Array.from({ length: 2000 }, (_, i) => cols[0]![i]! * 4 + cols[3]![i]!);
    const params = { numRounds: 10, featureFraction: 0.5, baggingFraction: 0.7, seed: 3 };
    const a = trainBooster({ columns: cols, y }, { params });
    const b = trainBooster({ columns: cols, y }, { params });
    const c = trainBooster({ columns: cols, y }, { params: { ...params, seed: 4 } });
    assert.deepEqual(a.trees, b.trees);
    assert.notDeepEqual(a.trees, c.trees);
  });

  it('round-trips through JSON and predicts identically', () => {
    const n = 3000;
    const cols = uniformColumns(n, 4, 6);
    for (let i = 0; i < n; i += 7) cols[1]![i] = Number.NaN;
    const y = Float64Array.from(
      { length: n },
      (_, i) => (Number.isNaN(cols[1]![i]!) ? 2 : cols[1]![i]!) + cols[2]![i]!,
    );
    const model = trainBooster(
      { columns: cols, y },
      {
        featureNames: ['a', 'b', 'c', 'd'],
        params: { numRounds: 20, baggingFraction: 0.8, featureFraction: 0.75 },
      },
    );
    const reloaded = parseBoosterModel(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(reloaded, model);
    const p1 = predictBooster(model, cols);
    const p2 = predictBooster(reloaded, cols);
    assert.deepEqual(p2, p1);
  });

  it('refuses a corrupt model file and bad inputs with typed errors', () => {
    assert.throws(
      () => parseBoosterModel({ format: 'other' }),
      (e: unknown) => e instanceof GbdtError && e.code === 'GBDT_BAD_MODEL',
    );
    assert.throws(
      () => trainBooster({ columns: [new Float32Array(3)], y: [1, 2] }),
      (e: unknown) => e instanceof GbdtError && e.code === 'GBDT_BAD_INPUT',
    );
    assert.throws(
      () =>
        trainBooster({ columns: [new Float32Array(2)], y: [1, -2] }, { params: { objective: 'poisson' } }),
      (e: unknown) => e instanceof GbdtError && e.code === 'GBDT_BAD_INPUT',
    );
  });
});
