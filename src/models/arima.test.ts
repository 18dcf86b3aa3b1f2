import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type ArimaSpec,
  type ArimaState,
  adjustedSigma2,
  arimaForecast,
  arimaModel,
  arimaToState,
  differencingPolynomial,
  fitArima,
  forecastArimaState,
  informationCriteria,
} from './arima.js';
import { normalQuantile } from './optim/gaussian.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));

interface RFit {
  order: number[];
  seasonal: number[];
  period: number;
  coef_names: string[];
  coef: number[];
  sigma2: number;
  loglik: number;
  aicc: number;
  h: number;
  mean: number[];
  lower95: number[];
  upper95: number[];
}
interface RCase {
  name: string;
  frequency: number;
  values: number[];
  fixed: RFit & { constant: boolean };
  auto: RFit;
}

const CASES = ['airpassengers-log', 'usaccdeaths', 'wwwusage', 'lynx', 'austres'];

const specOf = (f: RFit, constant: boolean): ArimaSpec => {
  const [p, d, q] = f.order as [number, number, number];
  const [P, D, Q] = f.seasonal as [number, number, number];
  return {
    p,
    d,
    q,
    P,
    D,
    Q,
    period: f.period,
    includeMean: constant && d + D === 0,
    includeDrift: constant && d + D === 1,
  };
};

const close = (actual: number, expected: number, tol: number, what: string): void => {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs R ${expected} (tolerance ${tol} relative)`,
  );
};

// Same estimator as R (CSS then exact ML, BFGS); the optimiser's ARMA-on-differences objective
// differs from R's diffuse-prior filter by O(1/kappa), so coefficients agree to ~1e-4, not bit-for-bit.
describe('fixed-order ARIMA against forecast::Arima (committed fixtures)', () => {
  for (const name of CASES) {
    it(`${name}: coefficients, sigma2, log-likelihood, forecasts and 95 % intervals`, () => {
      const c = readJson(`arima-${name}.json`) as RCase;
      const fit = fitArima(Float64Array.from(c.values), specOf(c.fixed, c.fixed.constant));
      assert.deepEqual(fit.names, c.fixed.coef_names);
      for (const [i, v] of fit.coef.entries()) close(v, c.fixed.coef[i]!, 2e-3, `${name} ${fit.names[i]}`);
      const s2 = adjustedSigma2(fit);
      assert.ok(Math.abs(s2 / c.fixed.sigma2 - 1) < 2e-3, `${name} sigma2 ${s2} vs R ${c.fixed.sigma2}`);
      close(fit.loglik, c.fixed.loglik, 1e-4, `${name} loglik`);
      close(informationCriteria(fit).aicc, c.fixed.aicc, 1e-4, `${name} aicc`);
      const state = arimaToState(fit, s2);
      const { mean, se } = forecastArimaState(state, c.fixed.h);
      const z = normalQuantile(0.975);
      for (let i = 0; i < c.fixed.h; i++) {
        close(mean[i]!, c.fixed.mean[i]!, 1e-3, `${name} mean h=${i + 1}`);
        close(mean[i]! + z * se[i]!, c.fixed.upper95[i]!, 2e-3, `${name} upper95 h=${i + 1}`);
        close(mean[i]! - z * se[i]!, c.fixed.lower95[i]!, 2e-3, `${name} lower95 h=${i + 1}`);
      }
    });
  }
});

describe('ARIMA building blocks', () => {
  it('differencing polynomial of (1-B)(1-B^4) is B + B^4 - B^5', () => {
    assert.deepEqual(Array.from(differencingPolynomial(1, 1, 4)), [1, 0, 0, 1, -1]);
  });

  it('recovers the coefficients of a simulated ARMA(1,1)', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const n = 2000;
    const y = new Float64Array(n);
    let prevE = 0;
    for (let t = 0; t < n; t++) {
      const e = gauss();
      y[t] = 10 + (t > 0 ? 0.6 * (y[t - 1]! - 10) : 0) + e + 0.3 * prevE;
      prevE = e;
    }
    const fit = fitArima(y, {
      p: 1,
      d: 0,
      q: 1,
      P: 0,
      D: 0,
      Q: 0,
      period: 1,
      includeMean: true,
      includeDrift: false,
    });
    assert.ok(Math.abs(fit.coef[0]! - 0.6) < 0.06, `ar1 ${fit.coef[0]}`);
    assert.ok(Math.abs(fit.coef[1]! - 0.3) < 0.06, `ma1 ${fit.coef[1]}`);
    assert.ok(Math.abs(fit.coef[2]! - 10) < 0.3, `mean ${fit.coef[2]}`);
    assert.ok(Math.abs(fit.sigma2 - 1) < 0.1, `sigma2 ${fit.sigma2}`);
  });

  it('an exact fit started from a given CSS fit equals the full CSS-ML fit', () => {
    const y = Float64Array.from(
      { length: 400 },
      (_, t) => 20 + 5 * Math.sin((2 * Math.PI * t) / 7) + ((t * 7919) % 13) - 6,
    );
    const spec: ArimaSpec = {
      p: 1,
      d: 0,
      q: 1,
      P: 1,
      D: 1,
      Q: 1,
      period: 7,
      includeMean: false,
      includeDrift: true,
    };
    const full = fitArima(y, spec, 'CSS-ML');
    const css = fitArima(y, spec, 'CSS', { filterState: false });
    const started = fitArima(y, spec, 'CSS-ML', { cssStart: css });
    assert.deepEqual(Array.from(started.coef), Array.from(full.coef));
    assert.equal(started.loglik, full.loglik);
  });

  it('handles missing values inside the series', () => {
    const c = readJson('arima-usaccdeaths.json') as RCase;
    const y = Float64Array.from(c.values);
    y[30] = Number.NaN;
    y[31] = Number.NaN;
    const fit = fitArima(y, specOf(c.fixed, false));
    assert.equal(fit.nUsed, y.length - 2 - 13);
    for (const [i, v] of fit.coef.entries())
      assert.ok(Math.abs(v - c.fixed.coef[i]!) < 0.1, `${fit.names[i]} ${v}`);
  });
});

describe('arimaModel (LocalModel contract)', () => {
  const c = readJson('arima-usaccdeaths.json') as RCase;
  const y = Float64Array.from(c.values);
  const fitted = arimaModel.fit({
    y,
    seasonLength: 12,
    freq: 'M',
    params: { p: 1, d: 1, q: 1, P: 0, D: 1, Q: 1 },
  });
  const levels = [0.05, 0.1, 0.5, 0.9, 0.95];

  it('quantiles are ordered, non-negative and bracket the mean', () => {
    const fc = arimaModel.predict(fitted, { horizon: 24, quantiles: levels });
    for (let h = 0; h < 24; h++) {
      let prev = -1;
      for (const l of levels) {
        const v = fc.quantiles.get(l)![h]!;
        assert.ok(v >= 0 && v >= prev, `level ${l} h=${h + 1}`);
        prev = v;
      }
      assert.ok(Math.abs(fc.quantiles.get(0.5)![h]! - fc.mean[h]!) < 1e-9);
    }
  });

  it('clips a forecast that would go negative at 0, mean and quantiles alike', () => {
    const falling = Float64Array.from({ length: 60 }, (_, i) => 50 - i + Math.sin(i));
    const f = arimaModel.fit({ y: falling, seasonLength: 1, freq: 'D', params: { p: 1, d: 1, q: 0 } });
    const fc = arimaModel.predict(f, { horizon: 80, quantiles: [0.1, 0.9] });
    assert.equal(fc.mean[79], 0);
    assert.equal(fc.quantiles.get(0.1)![79], 0);
    assert.ok(fc.mean.every((v) => v >= 0));
    const raw = forecastArimaState(f.state as unknown as ArimaState, 80).mean;
    assert.ok(raw[79]! < 0, 'the unclipped model mean does go below zero here');
  });

  it('state round-trips through JSON and forecasts identically', () => {
    const reloaded = JSON.parse(JSON.stringify(fitted));
    const a = arimaModel.predict(fitted, { horizon: 12, quantiles: [0.1, 0.9] });
    const b = arimaModel.predict(reloaded, { horizon: 12, quantiles: [0.1, 0.9] });
    assert.deepEqual(Array.from(b.mean), Array.from(a.mean));
    assert.deepEqual(Array.from(b.quantiles.get(0.9)!), Array.from(a.quantiles.get(0.9)!));
  });

  it('rejects a series too short for the order', () => {
    assert.throws(
      () => arimaModel.fit({ y: Float64Array.of(1, 2, 3, 4), seasonLength: 12, freq: 'M', params: {} }),
      (e: Error & { code?: string }) => e.code === 'ARIMA_TOO_SHORT',
    );
  });

  it('arimaForecast uses Gaussian quantiles from the state-space variance', () => {
    const state = fitted.state as unknown as ArimaState;
    const { mean, se } = forecastArimaState(state, 3);
    const fc = arimaForecast(state, { horizon: 3, quantiles: [0.8] });
    for (let i = 0; i < 3; i++)
      assert.ok(Math.abs(fc.quantiles.get(0.8)![i]! - (mean[i]! + normalQuantile(0.8) * se[i]!)) < 1e-9);
  });
});
