import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etsLikelihood } from './ets-likelihood.js';
import { ADD, EtsRecursion, MULT, NONE } from './ets-recursion.js';

/** Weekly-patterned positive series with a drift and deterministic wiggle (no randomness needed). */
function series(n: number): Float64Array {
  const week = [0.8, 0.85, 0.9, 1, 1.1, 1.5, 0.85];
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++)
    y[t] = (40 + 0.05 * t) * week[t % 7]! + 6 * Math.sin(t * 1.7) + 3 * Math.cos(t * 0.31);
  return y;
}

describe('specialised ETS likelihood loops', () => {
  const y = series(400);
  // Same series with gaps, including a run of several days.
  const gappy = Float64Array.from(y);
  for (const t of [3, 50, 51, 52, 53, 199, 350]) gappy[t] = Number.NaN;
  const m = 7;
  const code = { N: NONE, A: ADD, M: MULT } as const;
  for (const error of ['A', 'M'] as const)
    for (const trend of ['N', 'A'] as const)
      for (const season of ['N', 'A', 'M'] as const)
        for (const damped of trend === 'A' ? [false, true] : [false]) {
          const name = `${error}${trend}${damped ? 'd' : ''}${season}`;
          it(`${name} equals the step-by-step recursion of forecast's C code, with and without gaps`, () => {
            const mm = season === 'N' ? 1 : m;
            const rec = new EtsRecursion(y, {
              error: code[error],
              trend: code[trend],
              season: code[season],
              m: mm,
            });
            const gappyRec = new EtsRecursion(gappy, {
              error: code[error],
              trend: code[trend],
              season: code[season],
              m: mm,
            });
            const lik = etsLikelihood(trend, season);
            const so = trend === 'A' ? 2 : 1;
            const x0 = new Float64Array(so + (season === 'N' ? 0 : m));
            x0[0] = 38;
            if (trend === 'A') x0[1] = 0.04;
            for (let j = 0; j < m && season !== 'N'; j++) {
              x0[so + j] = season === 'M' ? 1 + 0.2 * Math.sin(j) : 8 * Math.sin(j);
            }
            const seas = new Float64Array(mm);
            for (const [alpha, beta, gamma, phi] of [
              [0.3, 0.05, 0.1, 0.9],
              [0.02, 0.001, 0.3, 0.98],
              [0.9, 0.5, 0.05, 0.85],
            ] as const) {
              const b = trend === 'A' ? beta : 0;
              const g = season === 'N' ? 0 : gamma;
              const p = damped ? phi : 1;
              const want = rec.objective(alpha, b, g, p, x0, false);
              const got = lik(y, alpha, b, g, p, x0, seas, mm, error === 'M');
              assert.ok(Number.isFinite(want));
              assert.ok(
                Math.abs(got - want) <= 1e-12 * Math.abs(want),
                `${name} α=${alpha}: ${got} vs ${want}`,
              );
              const wantGappy = gappyRec.objective(alpha, b, g, p, x0, false);
              const gotGappy = lik(gappy, alpha, b, g, p, x0, seas, mm, error === 'M');
              assert.ok(Math.abs(wantGappy - want) > 1e-6 * Math.abs(want), 'gaps change the likelihood');
              assert.ok(
                Math.abs(gotGappy - wantGappy) <= 1e-12 * Math.abs(wantGappy),
                `${name} with gaps α=${alpha}: ${gotGappy} vs ${wantGappy}`,
              );
            }
          });
        }

  it('agrees with the recursion when the forecast crosses zero (log|ŷ| term, negative errors)', () => {
    const down = Float64Array.from({ length: 60 }, (_, t) => 50 - t);
    const lik = etsLikelihood('A', 'N');
    // A slope of −3 takes the forecast below zero: Σlog|ŷ| must use the absolute value, as forecast does.
    const v = lik(down, 0.0001, 0.0001, 0, 1, Float64Array.of(50, -3), new Float64Array(1), 1, true);
    const ref = new EtsRecursion(down, { error: MULT, trend: ADD, season: NONE, m: 1 }).objective(
      0.0001,
      0.0001,
      0,
      1,
      Float64Array.of(50, -3),
      false,
    );
    assert.ok(
      Math.abs(v - ref) <= 1e-9 * Math.abs(ref) || (Number.isNaN(v) && Number.isNaN(ref)),
      `${v} vs ${ref}`,
    );
  });
});
