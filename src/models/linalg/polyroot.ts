/**
 * @module models/linalg/polyroot
 * Complex roots of small real polynomials (degree ≲ 20) by the Durand–Kerner (Weierstrass)
 * iteration, and the inverse operation (coefficients from roots). ARIMA uses these for stationarity
 * and invertibility checks (R's `polyroot`, whose roots agree to rounding).
 */

/** Roots as parallel real / imaginary arrays. */
export interface ComplexRoots {
  re: Float64Array;
  im: Float64Array;
}

/**
 * Roots of `c[0] + c[1] z + ... + c[n] z^n` (coefficients in increasing order, as R's `polyroot`).
 * Trailing zero coefficients are dropped first.
 *
 * @example
 * polyroot(Float64Array.of(1, -0.5)); // one root at z = 2
 */
export function polyroot(c: ArrayLike<number>): ComplexRoots {
  let n = c.length - 1;
  while (n > 0 && c[n] === 0) n--;
  if (n <= 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  const lead = c[n]!;
  // Monic coefficients a[k] for z^k.
  const a = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) a[k] = c[k]! / lead;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  // Start on a circle whose radius bounds the root moduli (Cauchy), at a non-symmetric angle.
  let radius = 0;
  for (let k = 0; k < n; k++) radius = Math.max(radius, Math.abs(a[k]!));
  radius = 1 + radius;
  for (let k = 0; k < n; k++) {
    const angle = (2 * Math.PI * k) / n + 0.4;
    re[k] = radius * 0.5 * Math.cos(angle);
    im[k] = radius * 0.5 * Math.sin(angle);
  }
  for (let iter = 0; iter < 500; iter++) {
    let change = 0;
    for (let k = 0; k < n; k++) {
      const zr = re[k]!;
      const zi = im[k]!;
      // Horner evaluation of the monic polynomial at z.
      let pr = 1;
      let pi = 0;
      for (let j = n - 1; j >= 0; j--) {
        const tr = pr * zr - pi * zi + a[j]!;
        pi = pr * zi + pi * zr;
        pr = tr;
      }
      let dr = 1;
      let di = 0;
      for (let j = 0; j < n; j++) {
        if (j === k) continue;
        const xr = zr - re[j]!;
        const xi = zi - im[j]!;
        const tr = dr * xr - di * xi;
        di = dr * xi + di * xr;
        dr = tr;
      }
      const den = dr * dr + di * di;
      if (den === 0) continue;
      const qr = (pr * dr + pi * di) / den;
      const qi = (pi * dr - pr * di) / den;
      re[k] = zr - qr;
      im[k] = zi - qi;
      change = Math.max(change, Math.hypot(qr, qi) / Math.max(1, Math.hypot(zr, zi)));
    }
    if (change < 1e-14) break;
  }
  return { re, im };
}

/** Smallest modulus among the roots of `c` (Infinity for a constant polynomial). */
export function minRootModulus(c: ArrayLike<number>): number {
  const { re, im } = polyroot(c);
  let m = Number.POSITIVE_INFINITY;
  for (let k = 0; k < re.length; k++) m = Math.min(m, Math.hypot(re[k]!, im[k]!));
  return m;
}

/** Real coefficients (increasing order, leading 1 at index 0 dropped) of prod_k (1 - z / root_k). */
export function coefficientsFromRoots(roots: ComplexRoots): Float64Array {
  const n = roots.re.length;
  let xr = new Float64Array([1]);
  let xi = new Float64Array([0]);
  // R's maInvert: x <- c(x, 0) - c(0, x) / r, repeated for each root.
  for (let k = 0; k < n; k++) {
    const rr = roots.re[k]!;
    const ri = roots.im[k]!;
    const den = rr * rr + ri * ri;
    const nr = new Float64Array(xr.length + 1);
    const ni = new Float64Array(xr.length + 1);
    for (let j = 0; j < xr.length; j++) {
      nr[j] = nr[j]! + xr[j]!;
      ni[j] = ni[j]! + xi[j]!;
      const dr = (xr[j]! * rr + xi[j]! * ri) / den;
      const di = (xi[j]! * rr - xr[j]! * ri) / den;
      nr[j + 1] = nr[j + 1]! - dr;
      ni[j + 1] = ni[j + 1]! - di;
    }
    xr = nr;
    xi = ni;
  }
  return xr.subarray(1);
}
