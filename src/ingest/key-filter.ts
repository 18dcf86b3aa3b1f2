/**
 * @module ingest/key-filter
 * Finds keys seen twice in a stream without keeping every key in memory: a Bloom filter flags a
 * key that may have been seen; only those (few) candidates are checked exactly afterwards, against
 * the staged rows in the database. Memory is ~10 bits per expected row.
 */

export class KeyFilter {
  readonly #bits: Uint32Array;
  readonly #size: number;
  readonly candidates = new Set<string>();

  /** @param expected rows expected; the filter is sized for ~1 % false positives at that count. */
  constructor(expected: number) {
    const bits = Math.max(1 << 16, Math.min(1 << 30, Math.ceil(expected * 9.6)));
    this.#size = bits;
    this.#bits = new Uint32Array(Math.ceil(bits / 32));
  }

  /** Records `key`; when it may have been seen before, it becomes a candidate duplicate. */
  add(key: string): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x1b873593;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 = (h2 ^ (h2 >>> 15)) | 1;
    let seen = true;
    // Seven probes by double hashing (Kirsch–Mitzenmacher), ~1 % false positives at 9.6 bits per key.
    for (let k = 0; k < 7; k++) {
      const bit = ((h1 + Math.imul(k, h2)) >>> 0) % this.#size;
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      const cur = this.#bits[word] ?? 0;
      if ((cur & mask) === 0) {
        seen = false;
        this.#bits[word] = cur | mask;
      }
    }
    if (seen) this.candidates.add(key);
  }
}
