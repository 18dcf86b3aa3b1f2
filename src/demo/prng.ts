/**
 * @module demo/prng
 * Seeded pseudo-random numbers for the demo data: the sfc32 generator, independent streams derived
 * from a seed and labels, and the distributions the simulator samples (uniform, normal, gamma,
 * Poisson, negative binomial). Nothing here touches `Math.random`, so a seed fixes every byte.
 */

/**
 * Mixes a seed and labels into one 32-bit integer (FNV-1a over the parts, then murmur3's finaliser).
 *
 * @example
 * hashSeed(42, 'store', 3) === hashSeed(42, 'store', 3); // true, and unlike hashSeed(42, 'store', 4)
 */
export function hashSeed(seed: number, ...labels: readonly (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  const text = labels.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.imul(seed | 0, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A small, fast generator (sfc32, Chris Doty-Humphrey's Small Fast Chaotic PRNG) with the
 * distributions the demo simulator needs.
 *
 * @example
 * const rng = Rng.derive(42, 'sales', 'DE-BER-01');
 * const units = rng.negativeBinomial(2.5, 4);
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal = 0;
  #hasSpare = false;

  constructor(seed: number) {
    // splitmix32 spreads one 32-bit seed over the four words of state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator for one purpose, independent of the streams for other labels. */
  static derive(seed: number, ...labels: readonly (string | number)[]): Rng {
    return new Rng(hashSeed(seed, ...labels));
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index drawn with probability proportional to its weight. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** Normal variate (Marsaglia's polar method, keeping the second value for the next call). */
  normal(mean = 0, sd = 1): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return mean + sd * this.#spareNormal;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * f;
    this.#hasSpare = true;
    return mean + sd * u * f;
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Gamma(shape, 1) variate (Marsaglia & Tsang 2000; shape < 1 via the u^(1/shape) boost). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * Poisson variate: inversion by sequential search for small means (one uniform per draw), a
   * continuity-corrected normal approximation above 50 where the relative error is negligible.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean > 50) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    let p = Math.exp(-mean);
    let cdf = p;
    const u = this.next();
    let k = 0;
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  /**
   * Negative binomial as a gamma–Poisson mixture: mean `mean`, variance mean + mean²/dispersion.
   * Small dispersion gives bursty, intermittent demand; large dispersion approaches Poisson.
   */
  negativeBinomial(mean: number, dispersion: number): number {
    if (!(mean > 0)) return 0;
    return this.poisson((this.gamma(dispersion) * mean) / dispersion);
  }
}
