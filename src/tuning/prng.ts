/**
 * @module tuning/prng
 * The seeded random numbers every sampler draws from: mulberry32 (Tommy Ettinger's 32-bit generator),
 * with uniform, integer and normal draws. Never `Math.random`, so a seed fixes a whole search.
 */

/**
 * A small seeded generator.
 *
 * @example
 * const rng = new TuningRng(7);
 * rng.uniform(); // same number for seed 7, every run
 */
export class TuningRng {
  #state: number;
  #spareNormal: number | undefined;

  constructor(seed: number) {
    // Mix the seed once so nearby seeds (1, 2, 3) give unrelated streams.
    let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    this.#state = (h ^ (h >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Whole number in [0, n). */
  integer(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }

  /** Standard normal by the Box–Muller transform (the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const z = this.#spareNormal;
      this.#spareNormal = undefined;
      return z;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
