/**
 * @module models/ets-recursion
 * The ETS state-space recursions over Float64Array: one-step errors, likelihood, state updates
 * and point forecasts. A line-for-line match of forecast's `etscalc`/`update`/`forecast` (C)
 * in the error-correction form (b_t = φb_{t−1} + β·e_t, so β ≤ α), with two deliberate
 * differences: the seasonal states live in a ring buffer instead of being shifted every step,
 * and a missing observation (NaN) is replaced by its one-step forecast, so the states carry on
 * and the point adds nothing to the likelihood (R instead keeps the longest stretch without gaps).
 */

/** Component codes, as forecast's C code numbers them. */
export const NONE = 0;
export const ADD = 1;
export const MULT = 2;

/** forecast's guards: tolerance for a zero divisor and the value it substitutes. */
const TOL = 1.0e-10;
const HUGEN = 1.0e10;

/** Everything one run of the recursion needs besides the data. */
export interface EtsComponents {
  error: number;
  trend: number;
  season: number;
  /** Season length; 1 when there is no seasonal component. */
  m: number;
}

/** Full output of a filtering pass, kept after fitting. */
export interface EtsFilterResult {
  /** Final state: level, [slope], then seasonal s[0..m−1] with s[0] the most recent. */
  lastState: Float64Array;
  /** One-step errors (additive: y − ŷ; multiplicative: (y − ŷ)/ŷ); NaN where y is missing. */
  residuals: Float64Array;
  /** One-step forecasts ŷ_t. */
  fitted: Float64Array;
  /** n·log(Σe²) (+ 2·Σ log|ŷ| for multiplicative error), as in forecast. */
  lik: number;
  /** Number of non-missing observations that entered the likelihood. */
  nobs: number;
}

/**
 * Reusable likelihood evaluator for one series and one model form. It owns its scratch
 * buffers so the optimiser's inner loop allocates nothing.
 *
 * @example
 * const rec = new EtsRecursion(y, { error: ADD, trend: NONE, season: NONE, m: 1 });
 * rec.objective(0.3, 0, 0, 1, Float64Array.of(y[0]), false); // n·log(SSE)
 */
export class EtsRecursion {
  readonly #y: Float64Array;
  readonly #c: EtsComponents;
  readonly #seas: Float64Array;

  constructor(y: Float64Array, components: EtsComponents) {
    this.#y = y;
    this.#c = components;
    this.#seas = new Float64Array(Math.max(components.m, 1));
  }

  /**
   * Objective in forecast's exact order of operations. `x0` holds level, [slope], then all m
   * seasonal states. With `mse` true returns the mean squared one-step error on the data scale
   * (forecast's opt.crit = "mse"), else forecast's −2·log-likelihood up to constants. NaN if
   * undefined. The fitter uses it for "mse"; the likelihood runs in ets-likelihood.ts's faster
   * loops, which are tested against this one.
   */
  objective(alpha: number, beta: number, gamma: number, phi: number, x0: Float64Array, mse: boolean): number {
    const y = this.#y;
    const n = y.length;
    const { error, trend, season, m } = this.#c;
    const seas = this.#seas;
    let l = x0[0]!;
    let b = trend !== NONE ? x0[1]! : 0;
    const so = trend !== NONE ? 2 : 1;
    if (season !== NONE) for (let j = 0; j < m; j++) seas[j] = x0[so + j]!;
    let head = 0;
    let sse = 0;
    let sumlog = 0;
    let nobs = 0;
    let prod = 1;
    const betaOverAlpha = beta / alpha;
    for (let i = 0; i < n; i++) {
      let q = l;
      let phib = 0;
      if (trend !== NONE) {
        phib = phi * b;
        q = l + phib;
      }
      let sidx = 0;
      let sOld = 0;
      let f = q;
      if (season !== NONE) {
        sidx = head + m - 1;
        if (sidx >= m) sidx -= m;
        sOld = seas[sidx]!;
        f = season === ADD ? q + sOld : q * sOld;
      }
      let yi = y[i]!;
      if (Number.isNaN(yi)) {
        yi = f;
      } else {
        const err = yi - f;
        if (mse) {
          sse += err * err;
        } else if (error === ADD) {
          sse += err * err;
        } else {
          const e = err / f;
          sse += e * e;
          // Σ log|f| as the log of a running product, flushed before it can leave double range:
          // one Math.log per several steps instead of one per step.
          prod *= f < 0 ? -f : f;
          if (prod > 1e150 || prod < 1e-150) {
            sumlog += Math.log(prod);
            prod = 1;
          }
        }
        nobs++;
      }
      let p = yi;
      if (season === ADD) p = yi - sOld;
      else if (season === MULT) p = Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
      const lnew = q + alpha * (p - q);
      if (trend !== NONE) b = phib + betaOverAlpha * (lnew - l - phib);
      if (season !== NONE) {
        let t: number;
        if (season === ADD) t = yi - q;
        else t = Math.abs(q) < TOL ? HUGEN : yi / q;
        seas[sidx] = sOld + gamma * (t - sOld);
        head = sidx;
      }
      l = lnew;
    }
    if (mse) return sse / nobs;
    let lik = nobs * Math.log(sse);
    if (error === MULT) lik += 2 * (sumlog + Math.log(prod));
    return lik;
  }

  /** Runs the recursion once more, keeping residuals, fitted values and the final state. */
  filter(alpha: number, beta: number, gamma: number, phi: number, x0: Float64Array): EtsFilterResult {
    const y = this.#y;
    const n = y.length;
    const { error, trend, season, m } = this.#c;
    const seas = this.#seas;
    const residuals = new Float64Array(n);
    const fitted = new Float64Array(n);
    let l = x0[0]!;
    let b = trend !== NONE ? x0[1]! : 0;
    const so = trend !== NONE ? 2 : 1;
    if (season !== NONE) for (let j = 0; j < m; j++) seas[j] = x0[so + j]!;
    let head = 0;
    let sse = 0;
    let sumlog = 0;
    let nobs = 0;
    for (let i = 0; i < n; i++) {
      let q = l;
      let phib = 0;
      if (trend !== NONE) {
        phib = phi * b;
        q = l + phib;
      }
      let sidx = 0;
      let sOld = 0;
      let f = q;
      if (season !== NONE) {
        sidx = head + m - 1;
        if (sidx >= m) sidx -= m;
        sOld = seas[sidx]!;
        f = season === ADD ? q + sOld : q * sOld;
      }
      fitted[i] = f;
      let yi = y[i]!;
      if (Number.isNaN(yi)) {
        yi = f;
        residuals[i] = Number.NaN;
      } else {
        const e = error === ADD ? yi - f : (yi - f) / f;
        residuals[i] = e;
        sse += e * e;
        if (error === MULT) sumlog += Math.log(Math.abs(f));
        nobs++;
      }
      let p = yi;
      if (season === ADD) p = yi - sOld;
      else if (season === MULT) p = Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
      const lnew = q + alpha * (p - q);
      if (trend !== NONE) b = phib + (beta / alpha) * (lnew - l - phib);
      if (season !== NONE) {
        let t: number;
        if (season === ADD) t = yi - q;
        else t = Math.abs(q) < TOL ? HUGEN : yi / q;
        seas[sidx] = sOld + gamma * (t - sOld);
        head = sidx;
      }
      l = lnew;
    }
    const lastState = new Float64Array(so + (season !== NONE ? m : 0));
    lastState[0] = l;
    if (trend !== NONE) lastState[1] = b;
    // Unroll the ring so lastState holds s[0] (newest) … s[m−1] (oldest), forecast's layout.
    if (season !== NONE) for (let j = 0; j < m; j++) lastState[so + j] = seas[(head + j) % m]!;
    let lik = nobs * Math.log(sse);
    if (error === MULT) lik += 2 * sumlog;
    return { lastState, residuals, fitted, lik, nobs };
  }
}

/**
 * Point forecasts from a state (forecast's C `forecast`): level + φ_h·slope, then the seasonal
 * index of the matching phase added or multiplied.
 *
 * @example
 * pointForecast(Float64Array.of(10, 1), { error: ADD, trend: ADD, season: NONE, m: 1 }, 1, 3); // 11, 12, 13
 */
export function pointForecast(state: Float64Array, c: EtsComponents, phi: number, h: number): Float64Array {
  const out = new Float64Array(h);
  const l = state[0]!;
  const b = c.trend !== NONE ? state[1]! : 0;
  const so = c.trend !== NONE ? 2 : 1;
  let phistar = phi;
  for (let i = 0; i < h; i++) {
    let f = c.trend === NONE ? l : l + phistar * b;
    if (c.season !== NONE) {
      let j = c.m - 1 - i;
      while (j < 0) j += c.m;
      const s = state[so + j]!;
      f = c.season === ADD ? f + s : f * s;
    }
    out[i] = f;
    if (Math.abs(phi - 1.0) < TOL) phistar += 1.0;
    else phistar += phi ** (i + 1);
  }
  return out;
}

/**
 * Advances a state by one observation `yi` (used by simulation); writes into `next`.
 * Same update as the filter, on a plain (not ring) seasonal layout.
 */
export function advanceState(
  state: Float64Array,
  next: Float64Array,
  c: EtsComponents,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  yi: number,
): void {
  const l = state[0]!;
  const b = c.trend !== NONE ? state[1]! : 0;
  const so = c.trend !== NONE ? 2 : 1;
  const m = c.m;
  const phib = c.trend !== NONE ? phi * b : 0;
  const q = l + phib;
  const sOld = c.season !== NONE ? state[so + m - 1]! : 0;
  let p = yi;
  if (c.season === ADD) p = yi - sOld;
  else if (c.season === MULT) p = Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
  const lnew = q + alpha * (p - q);
  next[0] = lnew;
  if (c.trend !== NONE) next[1] = phib + (beta / alpha) * (lnew - l - phib);
  if (c.season !== NONE) {
    let t: number;
    if (c.season === ADD) t = yi - q;
    else t = Math.abs(q) < TOL ? HUGEN : yi / q;
    for (let j = m - 1; j >= 1; j--) next[so + j] = state[so + j - 1]!;
    next[so] = sOld + gamma * (t - sOld);
  }
}
