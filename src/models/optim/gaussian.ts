/**
 * @module models/optim/gaussian
 * Normal-distribution numerics shared by the statistical models: the quantile function
 * (Wichura's AS 241, the algorithm behind R's `qnorm`), a seeded normal generator for
 * simulated prediction intervals, and the step that turns mean + standard deviation per
 * horizon into the `Forecast` the model contract returns (quantiles, clipped at zero).
 */

import type { Forecast } from '../model.js';

/** A caller asked for something a model cannot do; `code` is stable for programs to test. */
export class ForecastRequestError extends Error {
  override readonly name = 'ForecastRequestError';
  constructor(
    readonly code: 'invalid-horizon' | 'invalid-quantile',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Quantile of the standard normal distribution (AS 241, PPND16; about 1e-16 relative accuracy).
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
          r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1.0)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1.0);
  } else {
    r -= 5;
    val =
      (((((((r * 2.0103343992922881e-7 + 2.7115555687434876e-5) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 1.8463183175100548e-5) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1.0);
  }
  return q < 0 ? -val : val;
}

/** Throws unless the horizon is a positive integer and every level lies strictly in (0, 1). */
export function checkRequest(horizon: number, quantiles: readonly number[]): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new ForecastRequestError('invalid-horizon', `horizon must be a positive integer, got ${horizon}`);
  }
  for (const q of quantiles) {
    if (!(q > 0 && q < 1)) {
      throw new ForecastRequestError(
        'invalid-quantile',
        `quantile level ${q} is outside (0, 1); pass levels such as 0.1, 0.5, 0.9`,
      );
    }
  }
}

/**
 * Builds a `Forecast` from a mean path and a standard deviation per step under a normal error,
 * clipping everything at zero because demand is never negative.
 *
 * @example
 * gaussianForecast(Float64Array.of(10, 10), Float64Array.of(1, 1.4), [0.1, 0.9]);
 */
export function gaussianForecast(
  mean: Float64Array,
  sd: Float64Array,
  quantiles: readonly number[],
): Forecast {
  const h = mean.length;
  const out = new Map<number, Float64Array>();
  for (const level of quantiles) {
    const z = normalQuantile(level);
    const values = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const s = sd[i]!;
      // A zero-variance step (perfect fit) keeps every quantile on the mean rather than NaN from 0·∞.
      const v = s > 0 ? mean[i]! + z * s : mean[i]!;
      values[i] = Math.max(v, 0);
    }
    out.set(level, values);
  }
  const clipped = new Float64Array(h);
  for (let i = 0; i < h; i++) clipped[i] = Math.max(mean[i]!, 0);
  return { mean: clipped, quantiles: out };
}

/**
 * Seeded generator of standard normal draws (xoshiro128** uniforms, Box–Muller), so simulated
 * intervals are reproducible from a stored model.
 *
 * @example
 * const rng = new NormalRandom(42);
 * rng.next(); // same number on every run
 */
export class NormalRandom {
  readonly #s = new Uint32Array(4);
  #spare = Number.NaN;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the four state words.
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      this.#s[i] = (t ^ (t >>> 16)) >>> 0;
    }
    if (this.#s.every((w) => w === 0)) this.#s[0] = 1;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return (result + 0.5) / 4294967296;
  }

  /** Standard normal draw. */
  next(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare;
      this.#spare = Number.NaN;
      return v;
    }
    const u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
