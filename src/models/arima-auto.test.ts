import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type ArimaState, forecastArimaState } from './arima.js';
import { autoArima, autoArimaModel } from './arima-auto.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));

interface RAuto {
  order: number[];
  seasonal: number[];
  coef_names: string[];
  coef: number[];
  sigma2: number;
  aicc: number;
  h: number;
  mean: number[];
}

// The search, tests and estimator follow forecast::auto.arima step by step, so the same order is
// expected on every series; AICc must then agree closely (same likelihood, same parameter count).
describe('autoArima against forecast::auto.arima (committed fixtures)', () => {
  for (const name of ['airpassengers-log', 'usaccdeaths', 'wwwusage', 'lynx', 'austres']) {
    it(`${name}: same orders, AICc within 0.05, forecasts within 0.5 %`, () => {
      const c = readJson(`arima-${name}.json`) as { frequency: number; values: number[]; auto: RAuto };
      const res = autoArima(Float64Array.from(c.values), c.frequency);
      const s = res.state.spec;
      assert.deepEqual([s.p, s.d, s.q], c.auto.order, 'non-seasonal order');
      const seasonal = s.period > 1 ? [s.P, s.D, s.Q] : [0, 0, 0];
      assert.deepEqual(seasonal, c.auto.seasonal, 'seasonal order');
      assert.deepEqual(res.state.names, c.auto.coef_names);
      assert.ok(Math.abs(res.state.aicc - c.auto.aicc) < 0.05, `AICc ${res.state.aicc} vs R ${c.auto.aicc}`);
      assert.ok(
        Math.abs(res.state.sigma2 / c.auto.sigma2 - 1) < 2e-3,
        `sigma2 ${res.state.sigma2} vs ${c.auto.sigma2}`,
      );
      const { mean } = forecastArimaState(res.state, c.auto.h);
      for (let i = 0; i < c.auto.h; i++) {
        assert.ok(Math.abs(mean[i]! - c.auto.mean[i]!) <= 5e-3 * Math.abs(c.auto.mean[i]!), `h=${i + 1}`);
      }
    });
  }
});

describe('autoArimaModel (LocalModel contract)', () => {
  const weekly = Float64Array.from({ length: 200 }, (_, t) => {
    const dow = [1.4, 0.8, 0.7, 0.9, 1.0, 1.6, 0.6][t % 7]!;
    return Math.round(20 * dow + 5 * Math.sin(t / 17) + ((t * 7919) % 13) - 6);
  });

  it('detects weekly seasonality and forecasts ordered, non-negative quantiles', () => {
    const fitted = autoArimaModel.fit({ y: weekly, seasonLength: 7, freq: 'D', params: {} });
    const state = fitted.state as unknown as ArimaState;
    assert.equal(state.spec.period, 7);
    assert.ok(state.spec.P + state.spec.D + state.spec.Q > 0, 'a seasonal term is selected');
    const levels = [0.1, 0.5, 0.9];
    const fc = autoArimaModel.predict(fitted, { horizon: 28, quantiles: levels });
    for (let h = 0; h < 28; h++) {
      const [lo, mid, hi] = levels.map((l) => fc.quantiles.get(l)![h]!) as [number, number, number];
      assert.ok(lo >= 0 && lo <= mid && mid <= hi, `h=${h + 1}`);
    }
    // Weekly pattern carried into the forecast: Saturday (index 5) above Sunday (index 6).
    const sat = fc.mean[(5 - (200 % 7) + 7) % 7]!;
    const sun = fc.mean[(6 - (200 % 7) + 7) % 7]!;
    assert.ok(sat > sun, `saturday ${sat} > sunday ${sun}`);
  });

  it('state survives a JSON round trip', () => {
    const fitted = autoArimaModel.fit({ y: weekly, seasonLength: 7, freq: 'D', params: {} });
    const again = JSON.parse(JSON.stringify(fitted));
    const a = autoArimaModel.predict(fitted, { horizon: 14, quantiles: [0.9] });
    const b = autoArimaModel.predict(again, { horizon: 14, quantiles: [0.9] });
    assert.deepEqual(Array.from(b.mean), Array.from(a.mean));
  });

  it('a constant series forecasts that constant with zero-width intervals', () => {
    const fitted = autoArimaModel.fit({
      y: new Float64Array(50).fill(3),
      seasonLength: 7,
      freq: 'D',
      params: {},
    });
    const fc = autoArimaModel.predict(fitted, { horizon: 5, quantiles: [0.1, 0.9] });
    assert.deepEqual(Array.from(fc.mean), [3, 3, 3, 3, 3]);
    assert.deepEqual(Array.from(fc.quantiles.get(0.1)!), [3, 3, 3, 3, 3]);
  });

  it('the exhaustive search finds an AICc no worse than the stepwise one', () => {
    const c = readJson('arima-wwwusage.json') as { values: number[] };
    const y = Float64Array.from(c.values);
    const step = autoArima(y, 1);
    const full = autoArima(y, 1, { stepwise: false });
    assert.ok(full.state.aicc <= step.state.aicc + 1e-6);
    assert.ok(full.visited.length > step.visited.length);
  });
});
