/**
 * @module models/ets-likelihood
 * The optimiser's hot loop: ETS −2·log-likelihood (forecast's `lik`, up to constants) with one
 * loop per trend/season form, so no step branches on the component types, and no allocation.
 *
 * One deliberate departure from the step-by-step form of forecast's C `update` (kept as is in
 * ets-recursion.ts for filtering and forecasting): with a trend, the loop carries the one-step
 * level forecast q = l + φb instead of l. Since l_t − l_{t−1} − φb_{t−1} = α(p − q), the slope
 * update φb + (β/α)(l_t − l_{t−1} − φb) is φb + β(p − q) and the next q is
 * q + (α + φβ)(p − q) + φ²b. Equal in exact arithmetic; the loop-carried dependency chain
 * shrinks from nine floating operations to three, which is what bounds the speed of this loop.
 * Values differ from R's order by rounding only (≤ 3e-16 relative measured on daily demand).
 *
 * A missing observation (NaN) is replaced by its one-step forecast and adds nothing to the
 * likelihood, as in EtsRecursion.
 */

/** forecast's guards: tolerance for a zero divisor and the value it substitutes. */
const TOL = 1.0e-10;
const HUGEN = 1.0e10;

/**
 * One specialised likelihood loop. `x0` holds level, [slope], then all m seasonal states;
 * `seas` is scratch of length ≥ m. Returns NaN or ±∞ when the likelihood is undefined.
 */
export type EtsLikelihood = (
  y: Float64Array,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  x0: Float64Array,
  seas: Float64Array,
  m: number,
  multError: boolean,
) => number;

/**
 * nobs·log(SSE) (+ 2·Σlog|ŷ| for multiplicative error), Σlog|ŷ| kept as a flushed running product.
 */
function finish(nobs: number, sse: number, multError: boolean, sumlog: number, prod: number): number {
  const lik = nobs * Math.log(sse);
  return multError ? lik + 2 * (sumlog + Math.log(prod)) : lik;
}

function likNN(
  y: Float64Array,
  alpha: number,
  _beta: number,
  _gamma: number,
  _phi: number,
  x0: Float64Array,
  _seas: Float64Array,
  _m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let l = x0[0]!;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const f = l;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      // Missing: carry the states on from the point's own forecast; no likelihood term.
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      // One Math.log per several steps instead of one per step; flushed before over/underflow.
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    l += alpha * (yi - l);
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

function likAN(
  y: Float64Array,
  alpha: number,
  beta: number,
  _gamma: number,
  phi: number,
  x0: Float64Array,
  _seas: Float64Array,
  _m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let b = x0[1]!;
  let q = x0[0]! + phi * b;
  const k = alpha + phi * beta;
  const phi2 = phi * phi;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const f = q;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    const d = yi - q;
    q = q + k * d + phi2 * b;
    b = phi * b + beta * d;
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

function likNA(
  y: Float64Array,
  alpha: number,
  _beta: number,
  gamma: number,
  _phi: number,
  x0: Float64Array,
  seas: Float64Array,
  m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let l = x0[0]!;
  for (let j = 0; j < m; j++) seas[j] = x0[1 + j]!;
  // Ring buffer: the index due now sits just before the newest one (mod m).
  let sidx = 0;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    sidx = sidx === 0 ? m - 1 : sidx - 1;
    const s = seas[sidx]!;
    const f = l + s;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    seas[sidx] = s + gamma * (yi - l - s);
    l += alpha * (yi - s - l);
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

function likAA(
  y: Float64Array,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  x0: Float64Array,
  seas: Float64Array,
  m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let b = x0[1]!;
  let q = x0[0]! + phi * b;
  for (let j = 0; j < m; j++) seas[j] = x0[2 + j]!;
  const k = alpha + phi * beta;
  const phi2 = phi * phi;
  let sidx = 0;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    sidx = sidx === 0 ? m - 1 : sidx - 1;
    const s = seas[sidx]!;
    const f = q + s;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    const d = yi - s - q;
    seas[sidx] = s + gamma * (yi - q - s);
    q = q + k * d + phi2 * b;
    b = phi * b + beta * d;
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

function likNM(
  y: Float64Array,
  alpha: number,
  _beta: number,
  gamma: number,
  _phi: number,
  x0: Float64Array,
  seas: Float64Array,
  m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let l = x0[0]!;
  for (let j = 0; j < m; j++) seas[j] = x0[1 + j]!;
  let sidx = 0;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    sidx = sidx === 0 ? m - 1 : sidx - 1;
    const s = seas[sidx]!;
    const f = l * s;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    const p = (s < 0 ? -s : s) < TOL ? HUGEN : yi / s;
    const t = (l < 0 ? -l : l) < TOL ? HUGEN : yi / l;
    seas[sidx] = s + gamma * (t - s);
    l += alpha * (p - l);
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

function likAM(
  y: Float64Array,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  x0: Float64Array,
  seas: Float64Array,
  m: number,
  multError: boolean,
): number {
  const n = y.length;
  let nobs = n;
  let b = x0[1]!;
  let q = x0[0]! + phi * b;
  for (let j = 0; j < m; j++) seas[j] = x0[2 + j]!;
  const k = alpha + phi * beta;
  const phi2 = phi * phi;
  let sidx = 0;
  let sse = 0;
  let sumlog = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    sidx = sidx === 0 ? m - 1 : sidx - 1;
    const s = seas[sidx]!;
    const f = q * s;
    let yi = y[i]!;
    if (Number.isNaN(yi)) {
      yi = f;
      nobs--;
    } else if (multError) {
      const e = (yi - f) / f;
      sse += e * e;
      prod *= f < 0 ? -f : f;
      if (prod > 1e150 || prod < 1e-150) {
        sumlog += Math.log(prod);
        prod = 1;
      }
    } else {
      const e = yi - f;
      sse += e * e;
    }
    const p = (s < 0 ? -s : s) < TOL ? HUGEN : yi / s;
    const t = (q < 0 ? -q : q) < TOL ? HUGEN : yi / q;
    seas[sidx] = s + gamma * (t - s);
    const d = p - q;
    q = q + k * d + phi2 * b;
    b = phi * b + beta * d;
  }
  return finish(nobs, sse, multError, sumlog, prod);
}

/**
 * The likelihood loop for a trend ('N' | 'A', damped or not) and season ('N' | 'A' | 'M').
 *
 * @example
 * const lik = etsLikelihood('A', 'N');
 * lik(y, 0.3, 0.1, 0, 0.98, Float64Array.of(y[0], 0), new Float64Array(1), 1, false);
 */
export function etsLikelihood(trend: 'N' | 'A', season: 'N' | 'A' | 'M'): EtsLikelihood {
  if (trend === 'N') return season === 'N' ? likNN : season === 'A' ? likNA : likNM;
  return season === 'N' ? likAN : season === 'A' ? likAA : likAM;
}
