/**
 * @module models/arima-optim
 * Quasi-Newton (BFGS) minimiser with central finite-difference gradients, a line-for-line port of
 * R's `optim(method = "BFGS")` (src/appl/optim.c `vmmin`, Nash 1990), including its `parscale` and
 * `ndeps` handling. ARIMA estimation uses it so that CSS and ML fits follow the same search path as
 * R's `stats::arima` and land on the same optimum.
 */

/** Options of {@link minimiseBfgs}; defaults are R's `optim` defaults. */
export interface BfgsOptions {
  /** Iteration limit (R: `maxit`, default 100). */
  maxIterations?: number;
  /** Relative convergence tolerance (R: `reltol`, default sqrt(machine epsilon)). */
  relativeTolerance?: number;
  /** Step of the central difference, on the scaled parameters (R: `ndeps`, default 1e-3). */
  gradientStep?: number;
  /** Typical magnitude of each parameter; the search runs on `par / parscale` (R: `parscale`). */
  parscale?: Float64Array;
}

export interface BfgsResult {
  par: Float64Array;
  value: number;
  /** 0 = converged, 1 = iteration limit reached (R's `convergence` codes). */
  convergence: 0 | 1;
  evaluations: number;
}

/** Raised when the objective or its finite-difference gradient is not finite at the start. */
export class OptimiserError extends Error {
  readonly code = 'OPTIMISER_NON_FINITE';
  constructor(message: string) {
    super(`${message}; check the series for constant or extreme values, or fix the model order`);
    this.name = 'OptimiserError';
  }
}

const STEP_REDUCTION = 0.2;
const ACCEPT_TOLERANCE = 1e-4;
const REL_TEST = 10;

/**
 * Minimises `fn` from `start` with BFGS and numerical gradients.
 *
 * @example
 * const r = minimiseBfgs((p) => (p[0]! - 1) ** 2 + (p[1]! + 2) ** 2, Float64Array.of(0, 0));
 * // r.par ≈ [1, -2]
 */
export function minimiseBfgs(
  fn: (par: Float64Array) => number,
  start: Float64Array,
  options: BfgsOptions = {},
): BfgsResult {
  const n = start.length;
  const maxit = options.maxIterations ?? 100;
  const reltol = options.relativeTolerance ?? Math.sqrt(Number.EPSILON);
  const ndeps = options.gradientStep ?? 1e-3;
  const scale = options.parscale ?? new Float64Array(n).fill(1);
  let evaluations = 0;

  // Work on b = par / parscale, as optim does.
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = start[i]! / scale[i]!;
  const xs = new Float64Array(n);
  const f = (v: Float64Array): number => {
    for (let i = 0; i < n; i++) xs[i] = v[i]! * scale[i]!;
    evaluations++;
    return fn(xs);
  };
  const g = new Float64Array(n);
  const tmp = new Float64Array(n);
  const gradient = (v: Float64Array): void => {
    tmp.set(v);
    for (let i = 0; i < n; i++) {
      const vi = v[i]!;
      tmp[i] = vi + ndeps;
      const v1 = f(tmp);
      tmp[i] = vi - ndeps;
      const v2 = f(tmp);
      tmp[i] = vi;
      const d = (v1 - v2) / (2 * ndeps);
      if (!Number.isFinite(d)) throw new OptimiserError('non-finite finite-difference gradient');
      g[i] = d;
    }
  };

  if (maxit <= 0 || n === 0) {
    const value = f(b);
    return { par: unscale(b, scale), value, convergence: 0, evaluations };
  }

  let fval = f(b);
  if (!Number.isFinite(fval)) throw new OptimiserError('initial value of the objective is not finite');
  let fmin = fval;
  gradient(b);
  let iter = 1;
  let gradcount = 1;
  let ilast = gradcount;
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  // Lower triangle of the inverse-Hessian approximation, row-major n×n.
  const B = new Float64Array(n * n);
  let count = 0;

  do {
    if (ilast === gradcount) {
      B.fill(0);
      for (let i = 0; i < n; i++) B[i * n + i] = 1;
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i]!;
      c[i] = g[i]!;
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i * n + j]! * g[j]!;
      for (let j = i + 1; j < n; j++) s -= B[j * n + i]! * g[j]!;
      t[i] = s;
      gradproj += s * g[i]!;
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i]! + steplength * t[i]!;
          if (REL_TEST + X[i]! === REL_TEST + b[i]!) count++;
        }
        if (count < n) {
          fval = f(b);
          accpoint = Number.isFinite(fval) && fval <= fmin + gradproj * steplength * ACCEPT_TOLERANCE;
          if (!accpoint) steplength *= STEP_REDUCTION;
        }
      } while (!(count === n || accpoint));
      const enough = Math.abs(fval - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = fval;
      }
      if (count < n) {
        fmin = fval;
        gradient(b);
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i]!;
          c[i] = g[i]! - c[i]!;
          D1 += t[i]! * c[i]!;
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i * n + j]! * c[j]!;
            for (let j = i + 1; j < n; j++) s += B[j * n + i]! * c[j]!;
            X[i] = s;
            D2 += s * c[i]!;
          }
          D2 = 1 + D2 / D1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              B[i * n + j] = B[i * n + j]! + (D2 * t[i]! * t[j]! - X[i]! * t[j]! - t[i]! * X[j]!) / D1;
            }
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);

  return { par: unscale(b, scale), value: fmin, convergence: iter < maxit ? 0 : 1, evaluations };
}

function unscale(b: Float64Array, scale: Float64Array): Float64Array {
  const out = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i]! * scale[i]!;
  return out;
}
