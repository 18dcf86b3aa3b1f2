import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GlobalModel, LocalModel } from '../models/model.js';
import { ModelCatalog } from '../models/model-catalog.js';
import { forecastPanel } from './forecast-engine.js';
import { ForecastingError } from './forecasting-error.js';

/** Test models with hand-checkable rules; none gives intervals, so conformal ones are exercised. */
function ruleModel(name: string, minLength: number, rule: (y: number[]) => number): LocalModel {
  return {
    kind: 'local',
    name,
    description: 'test model',
    hyperparameters: [],
    minLength: () => minLength,
    fit: ({ y }) => ({ model: name, params: {}, state: [...y].filter(Number.isFinite) }),
    predict: (fitted, { horizon }) => ({
      mean: new Float64Array(horizon).fill(rule(fitted.state as number[])),
      quantiles: new Map(),
    }),
  };
}
const mean = (y: number[]) => y.reduce((a, b) => a + b, 0) / y.length;
const catalog = new ModelCatalog([
  ruleModel('naive', 1, (y) => y[y.length - 1] as number),
  ruleModel('seasonal-naive', 4, (y) => y[y.length - 4] as number),
  ruleModel('level', 10, mean),
  // "Intermittent" test model: mean demand per period.
  ruleModel('rate', 2, mean),
]);
const candidates = { continuous: ['level', 'naive'], intermittent: ['rate'] };
const base = {
  horizon: 3,
  freq: 'W' as const,
  seasonLength: 4,
  quantiles: [0.9, 0.1, 0.5],
  catalog,
  autoCandidates: candidates,
};

describe('forecastPanel', () => {
  const smooth = Float64Array.from({ length: 30 }, (_, i) => 10 + (i % 2));
  const intermittent = Float64Array.from({ length: 30 }, (_, i) => (i % 5 === 0 ? 4 : 0));

  it('routes auto by demand class and picks the best candidate by backtest', async () => {
    const out = await forecastPanel(
      [
        { id: 's', y: smooth },
        { id: 'i', y: intermittent },
      ],
      { ...base, models: ['auto'] },
    );
    const s = out.find((f) => f.seriesId === 's');
    const i = out.find((f) => f.seriesId === 'i');
    assert.equal(s?.demandClass, 'smooth');
    // On an alternating series the long-run mean (error 0.5) beats the last value (error 0.5 or 1).
    assert.equal(s?.model, 'level');
    assert.ok((s?.selection?.scores.level ?? Number.NaN) < (s?.selection?.scores.naive ?? Number.NaN));
    // The series repeats with the season (lag-4 scale 0), so the unscaled MAE ranks instead of MASE.
    assert.equal(s?.selection?.metric, 'mae');
    assert.equal(i?.demandClass, 'intermittent');
    assert.equal(i?.model, 'rate');
    assert.equal(i?.selection?.metric, 'rmsse');
    assert.ok(Math.abs((i?.mean[0] ?? 0) - 0.8) < 1e-12);
  });

  it('ranks by MASE when the scale exists', async () => {
    const trend = Float64Array.from({ length: 30 }, (_, i) => i + (i % 3));
    const [fc] = await forecastPanel([{ id: 't', y: trend }], { ...base, models: ['auto'] });
    assert.equal(fc?.selection?.metric, 'mase');
    assert.equal(fc?.model, 'naive'); // a trending series: the last value beats the long-run mean
  });

  it('adds ordered, non-negative conformal quantiles to models without intervals', async () => {
    const [fc] = await forecastPanel([{ id: 'i', y: intermittent }], { ...base, models: ['naive'] });
    assert.ok(fc?.conformal);
    assert.deepEqual([...(fc?.quantiles.keys() ?? [])], [0.1, 0.5, 0.9]);
    for (let h = 0; h < 3; h++) {
      const lo = fc?.quantiles.get(0.1)?.[h] ?? Number.NaN;
      const mid = fc?.quantiles.get(0.5)?.[h] ?? Number.NaN;
      const hi = fc?.quantiles.get(0.9)?.[h] ?? Number.NaN;
      assert.ok(lo >= 0 && lo <= mid && mid <= hi, `step ${h}: ${lo} ${mid} ${hi}`);
    }
    assert.match(fc?.note ?? '', /conformal intervals from only 3 backtest windows/);
  });

  it('falls back on short series and says so; reports series it cannot forecast', async () => {
    const out = await forecastPanel(
      [
        { id: 'short', y: Float64Array.from([3, 4, 5, 6, 7]) },
        { id: 'empty', y: Float64Array.from([Number.NaN]) },
      ],
      { ...base, models: ['level'] },
    );
    assert.equal(out[0]?.model, 'seasonal-naive');
    assert.match(
      out[0]?.note ?? '',
      /fallback: level needs 10 observations, series has 5: used seasonal-naive/,
    );
    assert.deepEqual([...(out[0]?.mean ?? [])], [4, 4, 4]);
    assert.equal(out[1]?.model, '');
    assert.match(out[1]?.note ?? '', /no forecast/);
  });

  it('refuses bad options', async () => {
    await assert.rejects(
      forecastPanel([{ id: 'a', y: smooth }], { ...base, horizon: 0, models: ['naive'] }),
      ForecastingError,
    );
    await assert.rejects(
      forecastPanel([{ id: 'a', y: smooth }], { ...base, quantiles: [1.2], models: ['naive'] }),
      ForecastingError,
    );
    await assert.rejects(
      forecastPanel([{ id: 'a', y: smooth }], { ...base, models: ['prophet'] }),
      /unknown model "prophet"/,
    );
  });

  it('fits a global model once across the panel and calibrates its intervals by global backtest', async () => {
    let fits = 0;
    /** Forecasts each series' own mean scaled by one factor learnt across all series. */
    const pooled: GlobalModel = {
      kind: 'global',
      name: 'pooled',
      description: 'test global model',
      hyperparameters: [],
      fit: ({ series, params }) => {
        fits++;
        return { model: 'pooled', params, state: { n: series.length } };
      },
      predict: (_fitted, series, { horizon }) =>
        new Map(
          series.map((s) => [
            s.id,
            { mean: new Float64Array(horizon).fill(mean([...s.y])), quantiles: new Map() },
          ]),
        ),
    };
    const withGlobal = new ModelCatalog([pooled, ruleModel('naive', 1, (y) => y[y.length - 1] as number)]);
    const out = await forecastPanel(
      [
        { id: 'a', y: smooth },
        { id: 'b', y: intermittent },
      ],
      { ...base, catalog: withGlobal, models: ['naive', 'pooled'] },
    );
    assert.deepEqual(
      out.map((f) => `${f.seriesId}:${f.model}`),
      ['a:naive', 'a:pooled', 'b:naive', 'b:pooled'],
    );
    // One fit for the forecast, one per calibration fold.
    assert.equal(fits, 1 + 3);
    const b = out.find((f) => f.seriesId === 'b' && f.model === 'pooled');
    assert.ok(b?.conformal);
    assert.ok(Math.abs((b?.mean[0] ?? 0) - 0.8) < 1e-12);
    assert.ok((b?.quantiles.get(0.9)?.[0] ?? 0) >= (b?.mean[0] ?? 1));
  });
});
