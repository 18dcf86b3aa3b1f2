/**
 * @module models/optim/nelder-mead
 * Derivative-free minimisation by the Nelder–Mead simplex, a line-by-line port of R's `nmmin`
 * (src/appl/optim.c), which forecast::ets calls through `etsNelderMead`. Keeping the same
 * start simplex, step rules and stopping test makes fitted parameters comparable with R.
 */

/** Stopping rules and simplex coefficients; defaults are those forecast::ets passes. */
export interface NelderMeadOptions {
  /** Stop once the best value is at or below this. */
  abstol?: number;
  /** Relative tolerance on the spread of function values across the simplex. */
  reltol?: number;
  /** Reflection coefficient. */
  alpha?: number;
  /** Contraction coefficient. */
  beta?: number;
  /** Expansion coefficient. */
  gamma?: number;
  /** Maximum number of function evaluations. */
  maxit?: number;
}

export interface NelderMeadResult {
  /** Best point found (a fresh array). */
  x: Float64Array;
  /** Objective at `x`. */
  value: number;
  /** Number of objective evaluations. */
  evaluations: number;
  /** 0 = converged, 1 = evaluation budget exhausted, 10 = simplex stopped shrinking (as in R). */
  code: 0 | 1 | 10;
}

/** Value R substitutes for non-finite objective values. */
const BIG = 1.0e35;

/**
 * Minimises `fn` from `start`. `fn` receives a scratch vector it must not keep.
 *
 * @example
 * const r = nelderMead((p) => (p[0]! - 1) ** 2 + (p[1]! + 2) ** 2, Float64Array.of(0, 0));
 * // r.x ≈ [1, -2]
 */
export function nelderMead(
  fn: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const abstol = options.abstol ?? Number.NEGATIVE_INFINITY;
  const intol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const alpha = options.alpha ?? 1.0;
  const bet = options.beta ?? 0.5;
  const gamm = options.gamma ?? 2.0;
  const maxit = options.maxit ?? 500;
  const n = start.length;
  const bvec = Float64Array.from(start);
  let f = fn(bvec);
  if (!Number.isFinite(f)) {
    throw new RangeError('nelderMead: objective is not finite at the start point; choose a feasible start');
  }
  if (maxit <= 0) return { x: bvec, value: f, evaluations: 0, code: 0 };
  // P is an (n+1) x (n+2) matrix stored column-major: column j = vertex j, row n = its value,
  // column n+1 = centroid. Same layout as R so the index arithmetic can be checked against it.
  const n1 = n + 1;
  const rows = n1;
  const P = new Float64Array(rows * (n + 2));
  const at = (i: number, j: number): number => i + j * rows;
  let funcount = 1;
  const convtol = intol * (Math.abs(f) + intol);
  P[at(n1 - 1, 0)] = f;
  for (let i = 0; i < n; i++) P[at(i, 0)] = bvec[i]!;
  let L = 1;
  let size = 0.0;
  let step = 0.0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(bvec[i]!) > step) step = 0.1 * Math.abs(bvec[i]!);
  if (step === 0.0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) P[at(i, j - 1)] = bvec[i]!;
    let trystep = step;
    while (P[at(j - 2, j - 1)] === bvec[j - 2]) {
      P[at(j - 2, j - 1)] = bvec[j - 2]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let code: 0 | 1 | 10 = 0;
  const C = n + 2;
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) bvec[i] = P[at(i, j)]!;
          f = fn(bvec);
          if (!Number.isFinite(f)) f = BIG;
          funcount++;
          P[at(n1 - 1, j)] = f;
        }
      }
      calcvert = false;
    }
    let VL = P[at(n1 - 1, L - 1)]!;
    let VH = VL;
    let H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        const fj = P[at(n1 - 1, j - 1)]!;
        if (fj < VL) {
          L = j;
          VL = fj;
        }
        if (fj > VH) {
          H = j;
          VH = fj;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    for (let i = 0; i < n; i++) {
      let temp = -P[at(i, H - 1)]!;
      for (let j = 0; j < n1; j++) temp += P[at(i, j)]!;
      P[at(i, C - 1)] = temp / n;
    }
    for (let i = 0; i < n; i++) bvec[i] = (1.0 + alpha) * P[at(i, C - 1)]! - alpha * P[at(i, H - 1)]!;
    f = fn(bvec);
    if (!Number.isFinite(f)) f = BIG;
    funcount++;
    const VR = f;
    if (VR < VL) {
      P[at(n1 - 1, C - 1)] = f;
      for (let i = 0; i < n; i++) {
        const e = gamm * bvec[i]! + (1 - gamm) * P[at(i, C - 1)]!;
        P[at(i, C - 1)] = bvec[i]!;
        bvec[i] = e;
      }
      f = fn(bvec);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < VR) {
        for (let i = 0; i < n; i++) P[at(i, H - 1)] = bvec[i]!;
        P[at(n1 - 1, H - 1)] = f;
      } else {
        for (let i = 0; i < n; i++) P[at(i, H - 1)] = P[at(i, C - 1)]!;
        P[at(n1 - 1, H - 1)] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) P[at(i, H - 1)] = bvec[i]!;
        P[at(n1 - 1, H - 1)] = VR;
      }
      for (let i = 0; i < n; i++) bvec[i] = (1 - bet) * P[at(i, H - 1)]! + bet * P[at(i, C - 1)]!;
      f = fn(bvec);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < P[at(n1 - 1, H - 1)]!) {
        for (let i = 0; i < n; i++) P[at(i, H - 1)] = bvec[i]!;
        P[at(n1 - 1, H - 1)] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0.0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              P[at(i, j)] = bet * (P[at(i, j)]! - P[at(i, L - 1)]!) + P[at(i, L - 1)]!;
              size += Math.abs(P[at(i, j)]! - P[at(i, L - 1)]!);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          code = 10;
          break;
        }
      }
    }
  } while (funcount <= maxit);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = P[at(i, L - 1)]!;
  if (funcount > maxit) code = 1;
  return { x, value: P[at(n1 - 1, L - 1)]!, evaluations: funcount, code };
}
