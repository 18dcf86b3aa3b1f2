import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../io/testing/temp-dir.js';
import { backtestCommand } from './backtest-command.js';

function writeWeekly(): string {
  const path = join(tempDir('backtest'), 'weekly.csv');
  const lines = ['series_id,date,value'];
  for (const [id, level] of [
    ['a', 100],
    ['b', 10],
  ] as const) {
    for (let i = 0; i < 40; i++) {
      const date = new Date(Date.UTC(2023, 0, 2 + 7 * i)).toISOString().slice(0, 10);
      lines.push(`${id},${date},${level + i + (i % 4) * 3}`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('shelfcast backtest', () => {
  const input = writeWeekly();
  const base = {
    input,
    idCol: 'series_id',
    dateCol: 'date',
    valueCol: 'value',
    fill: 'nan' as const,
    horizon: 4,
    folds: 3,
    seasonLength: 4,
    quantiles: [0.1, 0.5, 0.9],
    workers: 1,
  };

  it('evaluates the models beside seasonal naive, per series and aggregated', async () => {
    let text = '';
    const result = await backtestCommand({ ...base, models: ['naive'], json: true }, (t) => {
      text += t;
    });
    const json = JSON.parse(text) as {
      aggregate: { model: string; series: number; mase: number; maseVsSeasonalNaive: number }[];
      series: { seriesId: string; model: string; folds: { origin: number }[] }[];
    };
    assert.deepEqual(json.aggregate.map((a) => a.model).sort(), ['naive', 'seasonal-naive']);
    assert.equal(json.series.length, 4);
    assert.deepEqual(
      json.series.find((s) => s.seriesId === 'a' && s.model === 'naive')?.folds.map((f) => f.origin),
      [28, 32, 36],
    );
    const snaive = result.aggregate.find((a) => a.model === 'seasonal-naive');
    assert.equal(snaive?.maseVsSeasonalNaive, 1);
    for (const a of result.aggregate) assert.ok(Number.isFinite(a.mase) && a.mase > 0);
  });

  it('prints a human table with every metric and backtests auto honestly', async () => {
    let text = '';
    const result = await backtestCommand(
      { ...base, folds: 2, models: ['auto', 'naive'], perSeries: true },
      (t) => {
        text += t;
      },
    );
    for (const column of ['MASE', 'RMSSE', 'sMAPE %', 'WAPE %', 'bias %', 'pinball', 'coverage'])
      assert.ok(text.includes(column), column);
    assert.ok(text.includes('seasonal-naive'));
    const auto = result.series.filter((s) => s.model === 'auto');
    assert.equal(auto.length, 2);
    assert.ok(auto.every((s) => s.folds.length === 2));
  });
});
