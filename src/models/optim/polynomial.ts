/**
 * @module models/optim/polynomial
 * Root-location tests for real polynomials, used by the ETS admissibility check.
 */

/**
 * True when every root of `c[0] + c[1] z + … + c[n] z^n` has modulus at most `radius`.
 * Uses the Schur–Cohn reduction on the polynomial rescaled to the unit circle, so no roots are
 * computed; forecast::ets computes them with `polyroot` and compares the largest modulus.
 *
 * @example
 * rootsWithin(Float64Array.of(-0.25, 0, 1), 1); // roots ±0.5 → true
 */
export function rootsWithin(
  coefficients: ArrayLike<number>,
  radius: number,
  scratch?: Float64Array,
): boolean {
  let n = coefficients.length - 1;
  while (n > 0 && coefficients[n] === 0) n--;
  if (n <= 0) return true;
  const a = scratch && scratch.length >= 2 * (n + 1) ? scratch : new Float64Array(2 * (n + 1));
  let scale = 1;
  for (let k = 0; k <= n; k++) {
    a[k] = coefficients[k]! * scale;
    scale *= radius;
  }
  // p(z) has all roots in |z| < 1 iff |a0| < |an| and (an p(z) − a0 p*(z)) / z does too
  // (Schur–Cohn); the two halves of the buffer hold the current and the reduced polynomial.
  let cur = 0;
  let nxt = n + 1;
  for (let deg = n; deg > 0; deg--) {
    const lead = a[cur + deg]!;
    const c0 = a[cur]!;
    if (!(Math.abs(c0) < Math.abs(lead))) return false;
    // Dividing by lead² − c0² (> 0 here) keeps the coefficients near 1 at high degree.
    const norm = 1 / (lead * lead - c0 * c0);
    for (let k = 0; k < deg; k++) a[nxt + k] = (lead * a[cur + k + 1]! - c0 * a[cur + deg - 1 - k]!) * norm;
    const t = cur;
    cur = nxt;
    nxt = t;
  }
  return true;
}
