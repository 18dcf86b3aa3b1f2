import assert from 'node:assert/strict';
import test from 'node:test';
import {
  fitBundleSeries,
  MODEL_BUNDLE_FORMAT,
  type ModelBundle,
  ModelBundleError,
  parseModelBundle,
  predictBundleSeries,
} from './model-bundle.js';
import { modelCatalog } from './model-catalog.js';

const weekly = Float64Array.from(
  { length: 84 },
  (_, i) => 10 + 5 * Math.sin((2 * Math.PI * i) / 7) + (i % 3),
);

test('a bundle written to JSON and read back predicts exactly what the fitted model predicts', () => {
  const series = fitBundleSeries(modelCatalog, {
    store: 'S1',
    product: 'P1',
    segment: 'smooth',
    lastDay: '2026-03-31',
    model: 'ets',
    params: {},
    y: weekly,
    seasonLength: 7,
  });
  const bundle: ModelBundle = {
    format: MODEL_BUNDLE_FORMAT,
    freq: 'D',
    seasonLength: 7,
    horizon: 14,
    quantiles: [0.1, 0.9],
    series: [series],
  };
  const reloaded = parseModelBundle(JSON.stringify(bundle));
  const request = { horizon: 28, quantiles: [0.1, 0.5, 0.9] };
  const a = predictBundleSeries(series, request, modelCatalog);
  const b = predictBundleSeries(reloaded.series[0]!, request, modelCatalog);
  assert.deepEqual(b, a);
  assert.equal(a.dates[0], '2026-04-01');
  assert.equal(a.dates.length, 28);
  const direct = modelCatalog
    .local('ets')
    .predict(modelCatalog.local('ets').fit({ y: weekly, seasonLength: 7, freq: 'D', params: {} }), request);
  assert.deepEqual(a.mean, Array.from(direct.mean));
});

test('a series too short for its model is fitted with the fallback and says so', () => {
  const series = fitBundleSeries(modelCatalog, {
    store: 'S1',
    product: 'P2',
    segment: 'new',
    lastDay: '2026-03-31',
    model: 'ets',
    params: {},
    y: Float64Array.from([1, 2, 0]),
    seasonLength: 7,
  });
  assert.notEqual(series.fitted.model, 'ets');
  assert.match(series.note ?? '', /used/);
});

test('precomputed forecasts are served up to their length and quantiles only', () => {
  const bundle: ModelBundle = {
    format: MODEL_BUNDLE_FORMAT,
    freq: 'D',
    seasonLength: 7,
    horizon: 3,
    quantiles: [0.5],
    series: [
      {
        kind: 'precomputed',
        store: 'S',
        product: 'P',
        segment: 'all',
        lastDay: '2026-01-31',
        algorithm: 'external:xgb',
        mean: [1, 2, 3],
        quantiles: { '0.5': [1, 2, 3] },
      },
    ],
  };
  const s = bundle.series[0]!;
  const f = predictBundleSeries(s, { horizon: 2, quantiles: [0.5] }, modelCatalog);
  assert.deepEqual(f.mean, [1, 2]);
  assert.deepEqual(f.dates, ['2026-02-01', '2026-02-02']);
  assert.throws(
    () => predictBundleSeries(s, { horizon: 4, quantiles: [0.5] }, modelCatalog),
    (e: unknown) => e instanceof ModelBundleError && e.code === 'HORIZON_TOO_LONG',
  );
  assert.throws(
    () => predictBundleSeries(s, { horizon: 2, quantiles: [0.9] }, modelCatalog),
    (e: unknown) => e instanceof ModelBundleError && e.code === 'QUANTILE_UNAVAILABLE',
  );
});

test('anything but a bundle is refused with a clear error', () => {
  assert.throws(() => parseModelBundle('{"weights": [1]}'), /not a shelfcast.model-bundle\/1/);
  assert.throws(() => parseModelBundle('nope'), /not JSON/);
});
