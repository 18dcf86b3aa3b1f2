import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsvText } from '../../io/csv-reader.js';
import { tempDir } from '../../io/testing/temp-dir.js';
import { type ForecastCommandOptions, forecastCommand } from './forecast-command.js';

/** Writes a small daily panel: a weekly-seasonal series, an intermittent one (with a gap) and a short one. */
function writePanel(): string {
  const dir = tempDir('forecast');
  const path = join(dir, 'sales.csv');
  const lines = ['sku,day,units,category'];
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
  for (let i = 0; i < 70; i++)
    lines.push(`seasonal,${day(i)},${20 + 10 * Math.sin((2 * Math.PI * i) / 7) + (i % 3)},food`);
  for (let i = 0; i < 70; i++) if (i !== 30) lines.push(`sparse,${day(i)},${i % 6 === 0 ? 3 : 0},tools`);
  for (let i = 65; i < 70; i++) lines.push(`new,${day(i)},${5 + i - 65},food`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const parse = (csv: string) => parseCsvText(csv).map((r) => r.fields);

describe('shelfcast forecast', () => {
  const input = writePanel();
  const base: ForecastCommandOptions = {
    input,
    idCol: 'sku',
    dateCol: 'day',
    valueCol: 'units',
    fill: 'zero',
    horizon: 7,
    models: ['naive', 'seasonal-naive'],
    quantiles: [0.9, 0.1, 0.5],
    conformal: 'missing',
    workers: 1,
    json: false,
  };

  it('writes one row per series, model and step with ordered quantiles', async () => {
    const out = join(tempDir('out'), 'fc.csv');
    await forecastCommand({ ...base, out });
    const [header, ...rows] = parse(readFileSync(out, 'utf8'));
    assert.deepEqual(header, ['series_id', 'date', 'model', 'mean', 'q0.1', 'q0.5', 'q0.9', 'note']);
    assert.equal(rows.length, 3 * 2 * 7);
    const seasonal = rows.filter((r) => r[0] === 'seasonal' && r[2] === 'seasonal-naive');
    assert.deepEqual(
      seasonal.map((r) => r[1]),
      ['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15', '2024-03-16', '2024-03-17'],
    );
    for (const r of rows) {
      const [lo, mid, hi] = [Number(r[4]), Number(r[5]), Number(r[6])];
      assert.ok(lo >= 0 && lo <= mid && mid <= hi, `quantiles out of order in ${r.join(',')}`);
    }
  });

  it('says when a short series fell back to a simpler model', async () => {
    const lines: string[] = [];
    await forecastCommand({ ...base, models: ['seasonal-naive'] }, (t) => lines.push(t));
    const rows = parse(lines.join('')).filter((r) => r[0] === 'new');
    assert.equal(rows.length, 7);
    assert.equal(rows[0]?.[2], 'naive');
    assert.match(
      rows[0]?.[7] ?? '',
      /fallback: seasonal-naive needs 8 observations, series has 5: used naive/,
    );
    assert.equal(Number(rows[0]?.[3]), 9); // the last value
  });

  it('auto picks a model per series and reports it as JSON', async () => {
    let text = '';
    await forecastCommand({ ...base, models: ['auto'], json: true }, (t) => {
      text += t;
    });
    const json = JSON.parse(text) as {
      freq: string;
      forecasts: { seriesId: string; model: string; demandClass: string; mean: number[] }[];
    };
    assert.equal(json.freq, 'D');
    const sparse = json.forecasts.find((f) => f.seriesId === 'sparse');
    assert.equal(sparse?.demandClass, 'intermittent');
    for (const f of json.forecasts) {
      assert.notEqual(f.model, '');
      assert.equal(f.mean.length, 7);
    }
  });
});
