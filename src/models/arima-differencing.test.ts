import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  kpssPValue,
  kpssStatistic,
  ndiffsKpss,
  nsdiffsStrength,
  seasonalStrength,
  stl,
} from './arima-differencing.js';

const fixtures = new URL('../../src/models/fixtures/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));

interface Case {
  frequency: number;
  values: number[];
  tests: { kpss: number; ndiffs: number; seasonal_strength?: number; nsdiffs: number };
}

describe('differencing tests against R (urca::ur.kpss, forecast::ndiffs / nsdiffs / seas.heuristic)', () => {
  for (const name of ['airpassengers-log', 'usaccdeaths', 'wwwusage', 'lynx', 'austres']) {
    it(name, () => {
      const c = readJson(`arima-${name}.json`) as Case;
      const y = Float64Array.from(c.values);
      const lags = Math.trunc((3 * Math.sqrt(y.length)) / 13);
      assert.ok(Math.abs(kpssStatistic(y, lags) - c.tests.kpss) < 1e-9, 'KPSS statistic');
      assert.equal(ndiffsKpss(y), c.tests.ndiffs, 'ndiffs');
      if (c.frequency > 1) {
        assert.ok(
          Math.abs(seasonalStrength(y, c.frequency) - c.tests.seasonal_strength!) < 1e-9,
          'seasonal strength',
        );
        assert.equal(nsdiffsStrength(y, c.frequency), c.tests.nsdiffs, 'nsdiffs');
      }
    });
  }
});

describe('KPSS and STL behaviour', () => {
  it('p-value interpolates urca critical values and is clamped to [0.01, 0.1]', () => {
    assert.equal(kpssPValue(0.1), 0.1);
    assert.equal(kpssPValue(0.463), 0.05);
    assert.equal(kpssPValue(5), 0.01);
    assert.ok(Math.abs(kpssPValue((0.347 + 0.463) / 2) - 0.075) < 1e-12);
  });

  it('STL of a pure weekly pattern puts it in the seasonal component', () => {
    const pattern = [3, -1, -2, 0, 1, 4, -5];
    const y = Float64Array.from({ length: 70 }, (_, t) => 10 + pattern[t % 7]!);
    const { seasonal, trend } = stl(y, 7);
    for (let t = 0; t < 70; t++) {
      assert.ok(Math.abs(seasonal[t]! - pattern[t % 7]!) < 1e-6);
      assert.ok(Math.abs(trend[t]! - 10) < 1e-6);
    }
  });
});
