/**
 * @module validation/column-stats
 * Streaming per-column statistics of a batch in constant memory: count, missing, min, max, mean,
 * standard deviation, quantiles (from a seeded reservoir sample) and distinct count (HyperLogLog).
 * Stored per batch so later checks can compare one batch with the last accepted one.
 */

export interface ColumnStats {
  column: string;
  count: number;
  missing: number;
  min: string | null;
  max: string | null;
  mean: number | null;
  stddev: number | null;
  /** Quantile level → value, for numeric columns (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99). */
  quantiles: Record<string, number> | null;
  /** Estimated distinct non-missing values (exact below a few hundred, ~1.6 % error above). */
  distinct: number;
}

export const QUANTILE_LEVELS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
const RESERVOIR = 4096;
const HLL_BITS = 12;
const HLL_REGISTERS = 1 << HLL_BITS;

export class ColumnStatsCollector {
  readonly column: string;
  #count = 0;
  #missing = 0;
  #numeric = 0;
  #mean = 0;
  #m2 = 0;
  #minNum = Number.POSITIVE_INFINITY;
  #maxNum = Number.NEGATIVE_INFINITY;
  #minText: string | null = null;
  #maxText: string | null = null;
  readonly #sample = new Float64Array(RESERVOIR);
  #seen = 0;
  #rng = 0x9e3779b9;
  readonly #registers = new Uint8Array(HLL_REGISTERS);
  #small: Set<string | number> | null = new Set();

  constructor(column: string) {
    this.column = column;
  }

  add(value: string | number | boolean | null | readonly string[]): void {
    this.#count++;
    if (value === null) {
      this.#missing++;
      return;
    }
    if (typeof value === 'number') {
      this.#addNumber(value);
      this.#addDistinctNumber(value);
      return;
    }
    const text =
      typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : value.join('|');
    if (this.#minText === null || text < this.#minText) this.#minText = text;
    if (this.#maxText === null || text > this.#maxText) this.#maxText = text;
    this.#addDistinct(text);
  }

  #addNumber(x: number): void {
    this.#numeric++;
    // Welford's online mean and variance: stable for millions of values.
    const delta = x - this.#mean;
    this.#mean += delta / this.#numeric;
    this.#m2 += delta * (x - this.#mean);
    if (x < this.#minNum) this.#minNum = x;
    if (x > this.#maxNum) this.#maxNum = x;
    // Reservoir sampling (Algorithm R) with a fixed-seed xorshift, so stats are reproducible.
    if (this.#seen < RESERVOIR) this.#sample[this.#seen] = x;
    else {
      const j = this.#nextRandom() % (this.#seen + 1);
      if (j < RESERVOIR) this.#sample[j] = x;
    }
    this.#seen++;
  }

  #nextRandom(): number {
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    return this.#rng;
  }

  #addDistinct(text: string): void {
    if (this.#small) this.#addSmall(text);
    else this.#hll(fnv1a(text));
  }

  /** Numbers are hashed from their IEEE-754 bits: no string per value. */
  #addDistinctNumber(x: number): void {
    if (this.#small) this.#addSmall(x);
    else this.#hll(hashNumber(x));
  }

  #addSmall(value: string | number): void {
    const small = this.#small!;
    small.add(value);
    if (small.size <= 512) return;
    for (const v of small) this.#hll(typeof v === 'number' ? hashNumber(v) : fnv1a(v));
    this.#small = null;
  }

  #hll(h: number): void {
    const index = h >>> (32 - HLL_BITS);
    const rest = (h << HLL_BITS) | (1 << (HLL_BITS - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > (this.#registers[index] ?? 0)) this.#registers[index] = rank;
  }

  #distinct(): number {
    if (this.#small) return this.#small.size;
    let sum = 0;
    let zeros = 0;
    for (const r of this.#registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const m = HLL_REGISTERS;
    const estimate = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    // Linear counting for small cardinalities (Flajolet et al.).
    if (estimate <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(estimate);
  }

  result(): ColumnStats {
    const numeric = this.#numeric > 0;
    let quantiles: Record<string, number> | null = null;
    if (numeric) {
      const sample = this.#sample.slice(0, Math.min(this.#seen, RESERVOIR)).sort();
      quantiles = {};
      for (const q of QUANTILE_LEVELS) quantiles[String(q)] = quantileSorted(sample, q);
    }
    return {
      column: this.column,
      count: this.#count,
      missing: this.#missing,
      min: numeric ? String(this.#minNum) : this.#minText,
      max: numeric ? String(this.#maxNum) : this.#maxText,
      mean: numeric ? this.#mean : null,
      stddev: numeric && this.#numeric > 1 ? Math.sqrt(this.#m2 / (this.#numeric - 1)) : null,
      quantiles,
      distinct: this.#distinct(),
    };
  }
}

/** Linear-interpolated quantile of a sorted array (type 7, as R's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function hashNumber(x: number): number {
  f64[0] = x;
  return fmix32(Math.imul(u32[0]! ^ 0x9e3779b9, 0x85ebca6b) ^ u32[1]!);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so nearby strings spread over all registers.
  return fmix32(h);
}
