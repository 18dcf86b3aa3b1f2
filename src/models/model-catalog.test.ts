import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCatalogError, modelCatalog } from './model-catalog.js';

const seasonal = Float64Array.from(
  { length: 60 },
  (_, i) => 20 + 8 * Math.sin((2 * Math.PI * i) / 7) + (i % 3),
);

describe('model catalog', () => {
  it('lists unique names with descriptions, including the baselines and ensembles', () => {
    const entries = modelCatalog.list();
    const names = entries.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of ['naive', 'seasonal-naive', 'ensemble-mean', 'ensemble-median'])
      assert.ok(names.includes(name), name);
    for (const e of entries) assert.ok(e.description.length > 10, e.name);
  });

  it('every local model fits a short seasonal series and forecasts the horizon', () => {
    for (const entry of modelCatalog.list().filter((e) => e.kind === 'local')) {
      const model = modelCatalog.local(entry.name);
      const { fitted, used } = modelCatalog.fitWithFallback(model, {
        y: seasonal,
        seasonLength: 7,
        freq: 'D',
        params: {},
      });
      const fc = used.predict(JSON.parse(JSON.stringify(fitted)), { horizon: 5, quantiles: [0.1, 0.9] });
      assert.equal(fc.mean.length, 5, entry.name);
      assert.ok(
        [...fc.mean].every((v) => Number.isFinite(v) && v >= 0),
        `${entry.name}: ${[...fc.mean]}`,
      );
    }
  });

  it('resolves ensembles of chosen members', () => {
    const ens = modelCatalog.local('ensemble-mean:naive+seasonal-naive');
    assert.equal(
      ens.minLength(7, {}),
      Math.max(
        modelCatalog.local('naive').minLength(7, {}),
        modelCatalog.local('seasonal-naive').minLength(7, {}),
      ),
    );
    const fc = ens.predict(ens.fit({ y: seasonal, seasonLength: 7, freq: 'D', params: {} }), {
      horizon: 7,
      quantiles: [],
    });
    const last = seasonal[seasonal.length - 1] as number;
    // Mean of the last value and the value one season back.
    assert.equal(fc.mean[0], (last + (seasonal[seasonal.length - 7] as number)) / 2);
  });

  it('falls back along seasonal naive → naive and explains why', () => {
    const short = Float64Array.from([4, 5, 6]);
    const outcome = modelCatalog.fitWithFallback(modelCatalog.local('seasonal-naive'), {
      y: short,
      seasonLength: 7,
      freq: 'D',
      params: {},
    });
    assert.equal(outcome.used.name, 'naive');
    assert.match(outcome.note ?? '', /seasonal-naive needs \d+ observations, series has 3: used naive/);
    assert.throws(
      () =>
        modelCatalog.fitWithFallback(modelCatalog.local('naive'), {
          y: Float64Array.from([Number.NaN]),
          seasonLength: 1,
          freq: 'D',
          params: {},
        }),
      (e: unknown) => e instanceof ModelCatalogError && e.code === 'SERIES_TOO_SHORT',
    );
  });

  it('names the available models when one is unknown', () => {
    assert.throws(
      () => modelCatalog.get('prophet'),
      (e: unknown) =>
        e instanceof ModelCatalogError && e.code === 'MODEL_UNKNOWN' && /available: naive/.test(e.message),
    );
  });
});
