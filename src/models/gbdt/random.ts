/**
 * @module models/gbdt/random
 * A small seeded pseudo-random generator, so row and column subsampling repeat exactly for a seed.
 */

/**
 * Returns a generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32).
 *
 * @example
 * const rand = seededRandom(42);
 * const u = rand(); // same sequence for the same seed on every platform
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
