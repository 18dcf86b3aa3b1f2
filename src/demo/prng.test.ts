import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSeed, Rng } from './prng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function meanVar(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('Rng', () => {
  it('repeats a stream for the same seed and labels, and differs otherwise', () => {
    assert.deepEqual(draws(Rng.derive(7, 'a', 1), 50), draws(Rng.derive(7, 'a', 1), 50));
    assert.notDeepEqual(draws(Rng.derive(7, 'a', 1), 50), draws(Rng.derive(7, 'a', 2), 50));
    assert.notDeepEqual(draws(Rng.derive(7, 'a', 1), 50), draws(Rng.derive(8, 'a', 1), 50));
    assert.notEqual(hashSeed(1, 'ab', 'c'), hashSeed(1, 'a', 'bc'));
  });

  it('gives uniforms in [0, 1) with mean 1/2 and integers over the whole closed range', () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 20_000 }, () => rng.next());
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(Math.abs(meanVar(xs).mean - 0.5) < 0.01);
    const seen = new Set(Array.from({ length: 2000 }, () => rng.int(3, 6)));
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  it('samples normal, gamma, Poisson and negative binomial with the right moments', () => {
    const rng = new Rng(99);
    const n = 40_000;
    const normal = meanVar(Array.from({ length: n }, () => rng.normal(2, 3)));
    assert.ok(Math.abs(normal.mean - 2) < 0.06 && Math.abs(normal.variance - 9) < 0.3);
    const gamma = meanVar(Array.from({ length: n }, () => rng.gamma(0.5)));
    assert.ok(Math.abs(gamma.mean - 0.5) < 0.02 && Math.abs(gamma.variance - 0.5) < 0.05);
    for (const mean of [0.2, 4, 80]) {
      const p = meanVar(Array.from({ length: n }, () => rng.poisson(mean)));
      assert.ok(Math.abs(p.mean - mean) < 0.03 * mean + 0.01, `poisson mean ${p.mean} vs ${mean}`);
      assert.ok(Math.abs(p.variance / mean - 1) < 0.06, `poisson variance ${p.variance} vs ${mean}`);
    }
    // Variance of the gamma–Poisson mixture is mean + mean²/dispersion.
    const nb = meanVar(Array.from({ length: n }, () => rng.negativeBinomial(3, 1.5)));
    assert.ok(Math.abs(nb.mean - 3) < 0.1);
    assert.ok(Math.abs(nb.variance - (3 + 9 / 1.5)) < 0.6, `nb variance ${nb.variance}`);
    assert.equal(rng.poisson(0), 0);
    assert.equal(rng.negativeBinomial(0, 2), 0);
  });

  it('shuffles into a permutation and picks by weight', () => {
    const rng = new Rng(5);
    const items = Array.from({ length: 30 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual(
      [...shuffled].sort((a, b) => a - b),
      items,
    );
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weightedIndex([1, 0, 3])]!++;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs((counts[2] ?? 0) / (counts[0] ?? 1) - 3) < 0.2);
  });
});
