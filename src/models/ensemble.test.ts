import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnsemble, EnsembleError } from './ensemble.js';
import type { FittedModel, LocalModel } from './model.js';

/** A member that forecasts `offset` plus the last observation, with quantiles ± 1; minLength `min`. */
function lastValuePlus(offset: number, min = 1, withQuantiles = true): LocalModel {
  return {
    kind: 'local',
    name: `last-plus-${offset}`,
    description: 'test member',
    hyperparameters: [],
    minLength: () => min,
    fit: ({ y }) => ({
      model: `last-plus-${offset}`,
      params: {},
      state: { last: (y[y.length - 1] as number) + offset },
    }),
    predict: (fitted: FittedModel, { horizon, quantiles }) => {
      const level = (fitted.state as { last: number }).last;
      const q = new Map<number, Float64Array>();
      if (withQuantiles)
        for (const l of quantiles) q.set(l, new Float64Array(horizon).fill(level + (l < 0.5 ? -1 : 1)));
      return { mean: new Float64Array(horizon).fill(level), quantiles: q };
    },
  };
}

describe('ensemble', () => {
  const y = Float64Array.from([1, 2, 10]);
  const input = { y, seasonLength: 1, freq: 'D' as const, params: {} };

  it('averages the members (mean) and takes the middle one (median)', () => {
    const members = [lastValuePlus(0), lastValuePlus(1), lastValuePlus(5)];
    const meanEns = createEnsemble({ combine: 'mean', members });
    const medianEns = createEnsemble({ combine: 'median', members });
    assert.deepEqual([...meanEns.predict(meanEns.fit(input), { horizon: 2, quantiles: [] }).mean], [12, 12]);
    const med = medianEns.predict(medianEns.fit(input), { horizon: 2, quantiles: [0.9] });
    assert.deepEqual([...med.mean], [11, 11]);
    assert.deepEqual([...(med.quantiles.get(0.9) ?? [])], [12, 12]);
  });

  it('state is plain JSON and reloads', () => {
    const ens = createEnsemble({ combine: 'mean', members: [lastValuePlus(0), lastValuePlus(2)] });
    const reloaded = JSON.parse(JSON.stringify(ens.fit(input))) as FittedModel;
    assert.deepEqual([...ens.predict(reloaded, { horizon: 1, quantiles: [] }).mean], [11]);
  });

  it('leaves a quantile out when a member lacks it, and needs the longest member history', () => {
    const ens = createEnsemble({
      combine: 'mean',
      members: [lastValuePlus(0, 3), lastValuePlus(1, 8, false)],
    });
    assert.equal(ens.minLength(1, {}), 8);
    assert.equal(ens.predict(ens.fit(input), { horizon: 1, quantiles: [0.9] }).quantiles.has(0.9), false);
  });

  it('refuses no members and unknown members', () => {
    assert.throws(() => createEnsemble({ combine: 'mean', members: [] }), EnsembleError);
    const ens = createEnsemble({ combine: 'mean', members: [lastValuePlus(0)] });
    const bad: FittedModel = {
      model: ens.name,
      params: {},
      state: { combine: 'mean', members: [{ model: 'other', params: {}, state: null }] },
    };
    assert.throws(
      () => ens.predict(bad, { horizon: 1, quantiles: [] }),
      (e: unknown) => e instanceof EnsembleError && e.code === 'ENSEMBLE_UNKNOWN_MEMBER',
    );
  });
});
