import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  csvField,
  panelToTrainerSeries,
  quantileColumn,
  shiftDate,
  type TrainerSpec,
  writeTrainingSet,
} from './trainer-contract.js';

const root = mkdtempSync(join(tmpdir(), 'shelfcast-contract-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('trainer contract', () => {
  it('steps dates by frequency, clamping month ends', () => {
    assert.equal(shiftDate('2026-12-30', 'D', 3), '2027-01-02');
    assert.equal(shiftDate('2026-01-05', 'W', 2), '2026-01-19');
    assert.equal(shiftDate('2026-01-31', 'M', 1), '2026-02-28');
    assert.equal(shiftDate('2028-01-31', 'M', 1), '2028-02-29');
    assert.equal(shiftDate('2026-11-30', 'Q', 1), '2027-02-28');
    assert.equal(shiftDate('2026-03-01', 'Y', 2), '2028-03-01');
    assert.throws(() => shiftDate('28/11/2026', 'D', 1), /not an ISO date/);
  });

  it('quotes CSV fields only when needed and names quantile columns', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(quantileColumn(0.1), 'q0.1');
    assert.equal(quantileColumn(0.975), 'q0.975');
  });

  it('writes train.csv, future.csv and spec.json from a panel with covariates', () => {
    const dir = join(root, 'panel');
    const series = panelToTrainerSeries(
      [
        {
          id: 'S1',
          start: '2026-01-30',
          y: new Float64Array([4, Number.NaN, 6]),
          attributes: { store_size: 3, country: 'DE' },
          covariates: { promo: new Float64Array([0, 1, 0, 1, 1]) },
        },
      ],
      2,
    );
    const spec = writeTrainingSet(dir, {
      series,
      freq: 'D',
      seasonLength: 7,
      horizon: 2,
      quantiles: [0.1, 0.9],
      params: { depth: 3 },
      modelFile: 'm.json',
    });
    assert.equal(
      readFileSync(join(dir, 'train.csv'), 'utf8'),
      'series_id,date,value,store_size,promo\nS1,2026-01-30,4,3,0\nS1,2026-01-31,,3,1\nS1,2026-02-01,6,3,0\n',
    );
    assert.equal(spec.future_path, join(dir, 'future.csv'));
    assert.equal(
      readFileSync(join(dir, 'future.csv'), 'utf8'),
      'series_id,date,promo\nS1,2026-02-02,1\nS1,2026-02-03,1\n',
    );
    const onDisk = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as TrainerSpec;
    assert.deepEqual(onDisk, spec);
    assert.deepEqual(spec.future_dates, { S1: ['2026-02-02', '2026-02-03'] });
    assert.deepEqual(spec.quantile_columns, ['q0.1', 'q0.9']);
    assert.deepEqual(spec.feature_columns, ['store_size', 'promo']);
    assert.equal(spec.model_path, join(dir, 'm.json'));
  });

  it('writes no future.csv without future features', () => {
    const dir = join(root, 'plain');
    const spec = writeTrainingSet(dir, {
      series: [{ id: 'A', start: '2026-01-01', y: [1, 2] }],
      freq: 'M',
      seasonLength: 12,
      horizon: 2,
      quantiles: [],
      params: {},
    });
    assert.equal(spec.future_path, null);
    assert.equal(existsSync(join(dir, 'future.csv')), false);
    assert.deepEqual(spec.future_dates.A, ['2026-03-01', '2026-04-01']);
  });

  it('refuses inputs a trainer could not use', () => {
    const base = { freq: 'D' as const, seasonLength: 1, horizon: 2, quantiles: [0.5], params: {} };
    const dir = join(root, 'bad');
    const y = [1, 2, 3];
    assert.throws(
      () =>
        writeTrainingSet(dir, {
          ...base,
          series: [
            { id: 'A', start: '2026-01-01', y },
            { id: 'A', start: '2026-01-01', y },
          ],
        }),
      /appears twice/,
    );
    assert.throws(
      () =>
        writeTrainingSet(dir, {
          ...base,
          series: [{ id: 'A', start: '2026-01-01', y, features: { p: [1] } }],
        }),
      /feature "p" of series "A" has 1 values, y has 3/,
    );
    assert.throws(
      () =>
        writeTrainingSet(dir, {
          ...base,
          series: [
            { id: 'A', start: '2026-01-01', y, features: { p: [1, 1, 1] }, futureFeatures: { p: [1] } },
          ],
        }),
      /future feature "p" of series "A" has 1 values, horizon is 2/,
    );
    assert.throws(() => writeTrainingSet(dir, { ...base, quantiles: [1], series: [] }), /in \(0, 1\)/);
    assert.throws(() => writeTrainingSet(dir, { ...base, horizon: 0, series: [] }), /positive integer/);
    assert.throws(
      () =>
        panelToTrainerSeries(
          [
            {
              id: 'A',
              start: '2026-01-01',
              y: new Float64Array(3),
              attributes: {},
              covariates: { p: new Float64Array(4) },
            },
          ],
          2,
        ),
      /needs 5 \(history \+ horizon\)/,
    );
  });
});
