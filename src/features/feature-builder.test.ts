import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PanelSeries } from '../models/model.js';
import { encodeCategory, fitCategories } from './categorical.js';
import {
  buildFeatures,
  type FeatureConfig,
  type FeatureRows,
  fitFeatureSpec,
  servingRows,
} from './feature-builder.js';

const config: FeatureConfig = {
  freq: 'D',
  seasonLength: 7,
  lags: [7, 14],
  rollingWindows: [7, 28],
  scaleWindow: 28,
  countryAttribute: 'country',
};

function makeSeries(
  id: string,
  n: number,
  horizon: number,
  seed: number,
  attributes: PanelSeries['attributes'],
): PanelSeries {
  const y = Float64Array.from(
    { length: n },
    (_, i) => 10 + seed + 5 * Math.sin((2 * Math.PI * i) / 7) + ((i * seed) % 3),
  );
  const price = Float64Array.from({ length: n + horizon }, (_, i) => (i % 30 < 5 ? 8 : 10));
  return { id, start: '2024-01-01', y, attributes, covariates: { price } };
}

function originRows(s: number, origin: number, horizon: number): FeatureRows {
  return {
    series: new Int32Array(horizon).fill(s),
    origin: new Int32Array(horizon).fill(origin),
    step: Int32Array.from({ length: horizon }, (_, i) => i + 1),
  };
}

const holidays = new Map([['DE', new Set(['2024-03-29', '2024-04-01'])]]);
const panel = [
  makeSeries('a', 120, 14, 1, { country: 'DE', category: 'soap', shelf: 3 }),
  makeSeries('b', 120, 14, 2, { country: 'FR', category: 'tea', shelf: 1 }),
];

describe('buildFeatures', () => {
  const spec = fitFeatureSpec(panel, config, holidays);
  const col = (name: string) => spec.featureNames.indexOf(name);

  it('never changes features when y after the origin changes (no leakage)', () => {
    const origin = 80;
    const before = buildFeatures(spec, panel, originRows(0, origin, 14));
    const tampered = panel.map((s) => ({
      ...s,
      y: Float64Array.from(s.y, (v, i) => (i > origin ? v * 100 + 7 : v)),
    }));
    const after = buildFeatures(spec, tampered, originRows(0, origin, 14));
    assert.deepEqual(after.columns, before.columns);
    assert.deepEqual(after.scale, before.scale);
    // The target does read y after the origin: the tampering is visible there.
    assert.notDeepEqual(after.target, before.target);
  });

  it('serves the same features as a training row at the same origin (train/serve parity)', () => {
    const origin = 95;
    const training = buildFeatures(spec, panel, {
      series: Int32Array.from([...new Array(14).fill(0), ...new Array(14).fill(1)]),
      origin: new Int32Array(28).fill(origin),
      step: Int32Array.from({ length: 28 }, (_, i) => (i % 14) + 1),
    });
    const truncated = panel.map((s) => ({ ...s, y: s.y.slice(0, origin + 1) }));
    const serving = buildFeatures(spec, truncated, servingRows(truncated, 14));
    assert.deepEqual(serving.columns, training.columns);
    assert.deepEqual(serving.scale, training.scale);
  });

  it('fills a lag only when it is known at the origin, scaled by the level', () => {
    const origin = 60;
    const m = buildFeatures(spec, panel, originRows(0, origin, 14));
    const lag7 = m.columns[col('lag_7')]!;
    const y = panel[0]!.y;
    for (let h = 1; h <= 14; h++) {
      const v = lag7[h - 1]!;
      if (h <= 7) assert.equal(v, Math.fround(y[origin + h - 7]! / m.scale[h - 1]!));
      else assert.ok(Number.isNaN(v), `lag 7 at step ${h} must be missing`);
    }
    let level = 0;
    for (let i = origin - 27; i <= origin; i++) level += y[i]!;
    assert.ok(Math.abs(m.scale[0]! - level / 28) < 1e-12);
    // Same weekday as the target, at most one season back from the origin.
    const seasonal = m.columns[col('last_same_season')]!;
    assert.equal(seasonal[8]!, Math.fround(y[origin + 9 - 14]! / m.scale[8]!));
  });

  it('puts calendar, holiday, covariate and attribute values on the target day', () => {
    // Series start 2024-01-01 (a Monday); index 88 is Friday 2024-03-29, Good Friday in DE.
    const m = buildFeatures(spec, panel, originRows(0, 87, 3));
    assert.equal(m.columns[col('day_of_week')]![0], 4);
    assert.equal(m.columns[col('month')]![0], 3);
    assert.equal(m.columns[col('holiday_count')]![0], 1);
    assert.equal(m.columns[col('days_to_holiday')]![1], 2);
    assert.equal(m.columns[col('is_weekend')]![1], 1);
    assert.equal(m.columns[col('cov_price')]![0], panel[0]!.covariates!.price![88]);
    assert.equal(m.columns[col('attr_shelf')]![0], 3);
    assert.equal(m.columns[col('attr_category')]![0], spec.categories.category!.soap);
    const fr = buildFeatures(spec, panel, originRows(1, 87, 1));
    assert.ok(Number.isNaN(fr.columns[col('holiday_count')]![0]!), 'no holiday data for FR');
  });

  it('encodes unknown categories as missing and builds cold-start rows without history', () => {
    const newcomer: PanelSeries = {
      id: 'new',
      start: '2024-05-01',
      y: new Float64Array(0),
      attributes: { country: 'DE', category: 'candles', shelf: 2 },
    };
    const m = buildFeatures(spec, [newcomer], servingRows([newcomer], 7), Float64Array.of(12));
    assert.ok(Number.isNaN(m.columns[col('attr_category')]![0]!));
    assert.equal(m.columns[col('attr_country')]![0], spec.categories.country!.DE);
    assert.ok(Number.isNaN(m.columns[col('lag_7')]![0]!));
    assert.equal(m.columns[col('history_length_log')]![0], 0);
    assert.equal(m.scale[0], 12);
  });
});

describe('categorical codes', () => {
  it('are sorted by value and independent of input order', () => {
    const a = fitCategories([{ f: 'mall' }, { f: 'city' }, { f: 'mall' }], ['f']);
    const b = fitCategories([{ f: 'city' }, { f: 'mall' }], ['f']);
    assert.deepEqual(a, b);
    assert.equal(encodeCategory(a, 'f', 'city'), 0);
    assert.ok(Number.isNaN(encodeCategory(a, 'f', 'outlet')));
    assert.ok(Number.isNaN(encodeCategory(a, 'g', 'city')));
  });
});
