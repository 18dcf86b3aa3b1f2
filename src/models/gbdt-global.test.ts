import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from './gbdt/random.js';
import { ColdStartError, gbdtGlobalModel } from './gbdt-global.js';
import type { PanelSeries } from './model.js';

const H = 14;
const weekly = [1.0, 0.9, 0.9, 1.0, 1.3, 1.6, 0.5];

/** Daily demand: level × weekday pattern × promotion lift (promo known in advance) + noise. */
function makePanel(nSeries: number, length: number, seed: number): PanelSeries[] {
  const rand = seededRandom(seed);
  const categories = ['soap', 'tea', 'candles'];
  return Array.from({ length: nSeries }, (_, s) => {
    const category = categories[s % 3]!;
    const level = (s % 3) * 15 + 5 + rand() * 3;
    const promo = Float64Array.from({ length: length + H }, () => (rand() < 0.1 ? 1 : 0));
    const y = Float64Array.from({ length }, (_, t) => {
      const mu = level * weekly[t % 7]! * (promo[t] ? 2 : 1);
      return Math.max(0, Math.round(mu + (rand() - 0.5) * Math.sqrt(mu) * 2));
    });
    return {
      id: `s${s}`,
      start: '2024-01-01',
      y,
      attributes: { category, store: `st${s % 4}` },
      covariates: { promo },
    };
  });
}

function split(panel: PanelSeries[]): { history: PanelSeries[]; actuals: Float64Array[] } {
  return {
    history: panel.map((s) => ({ ...s, y: s.y.slice(0, s.y.length - H) })),
    actuals: panel.map((s) => s.y.slice(s.y.length - H)),
  };
}

const params = { horizon: H, num_rounds: 150, learning_rate: 0.1, early_stopping_rounds: 20 };

describe('gbdtGlobalModel', () => {
  const panel = makePanel(24, 280, 3);
  const { history, actuals } = split(panel);
  const fitted = gbdtGlobalModel.fit({ series: history, freq: 'D', seasonLength: 7, params });

  it('beats the seasonal naive forecast on a panel with weekly seasonality and promotions', () => {
    const fc = gbdtGlobalModel.predict(fitted, history, { horizon: H, quantiles: [0.1, 0.5, 0.9] });
    let errModel = 0;
    let errNaive = 0;
    for (const [s, ser] of history.entries()) {
      const f = fc.get(ser.id)!;
      for (let h = 0; h < H; h++) {
        const naive = ser.y[ser.y.length - 7 + (h % 7)]!;
        errModel += Math.abs(f.mean[h]! - actuals[s]![h]!);
        errNaive += Math.abs(naive - actuals[s]![h]!);
      }
    }
    assert.ok(errModel < 0.8 * errNaive, `model MAE sum ${errModel} vs seasonal naive ${errNaive}`);
  });

  it('gives non-negative, non-crossing quantiles that cover roughly their level', () => {
    const fc = gbdtGlobalModel.predict(fitted, history, { horizon: H, quantiles: [0.1, 0.9] });
    let inside = 0;
    let total = 0;
    for (const [s, ser] of history.entries()) {
      const f = fc.get(ser.id)!;
      const lo = f.quantiles.get(0.1)!;
      const hi = f.quantiles.get(0.9)!;
      for (let h = 0; h < H; h++) {
        assert.ok(f.mean[h]! >= 0 && lo[h]! >= 0);
        assert.ok(lo[h]! <= hi[h]!);
        if (actuals[s]![h]! >= lo[h]! && actuals[s]![h]! <= hi[h]!) inside++;
        total++;
      }
    }
    const coverage = inside / total;
    assert.ok(coverage > 0.6 && coverage < 0.97, `80 % interval covered ${coverage}`);
  });

  it('reloads from JSON and forecasts identically', () => {
    const reloaded = JSON.parse(JSON.stringify(fitted));
    const a = gbdtGlobalModel.predict(fitted, history, { horizon: H, quantiles: [0.5] });
    const b = gbdtGlobalModel.predict(reloaded, history, { horizon: H, quantiles: [0.5] });
    assert.deepEqual(b, a);
  });

  it('forecasts a new product from its attributes and calendar (cold start)', () => {
    const newcomer: PanelSeries = {
      id: 'new-candles',
      start: history[0]!.start,
      y: new Float64Array(0),
      attributes: { category: 'candles', store: 'st1' },
    };
    const fc = gbdtGlobalModel
      .predict(fitted, [newcomer], { horizon: H, quantiles: [0.5] })
      .get('new-candles')!;
    // Candles sell at level ~35-38 per day; soap at ~5-8: the forecast must sit near candles.
    let mean = 0;
    for (const v of fc.mean) mean += v / H;
    assert.ok(mean > 20 && mean < 60, `cold-start mean ${mean}`);
  });

  it('raises ColdStartError when neither history nor known attributes exist', () => {
    const stranger: PanelSeries = {
      id: 'x',
      start: '2024-05-01',
      y: new Float64Array(0),
      attributes: { category: 'boats' },
    };
    assert.throws(
      () => gbdtGlobalModel.predict(fitted, [stranger], { horizon: 3, quantiles: [] }),
      (e: unknown) =>
        e instanceof ColdStartError &&
        e.code === 'COLD_START' &&
        e.seriesId === 'x' &&
        /fall back/i.test(e.message),
    );
  });

  it('declares every hyperparameter with a default inside its range', () => {
    const names = gbdtGlobalModel.hyperparameters.map((h) => h.name);
    for (const n of [
      'num_rounds',
      'learning_rate',
      'max_depth',
      'num_leaves',
      'min_data_in_leaf',
      'lambda',
      'feature_fraction',
      'bagging_fraction',
      'objective',
      'tweedie_variance_power',
      'lags',
    ]) {
      assert.ok(names.includes(n), n);
    }
    for (const h of gbdtGlobalModel.hyperparameters) {
      if (h.type === 'categorical') assert.ok(h.choices.includes(h.default), h.name);
      else assert.ok(h.default >= h.min && h.default <= h.max, h.name);
    }
  });
});
