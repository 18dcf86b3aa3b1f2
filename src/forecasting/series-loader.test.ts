import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteFile } from 'hyparquet-writer';
import { tempDir } from '../io/testing/temp-dir.js';
import { ForecastingError } from './forecasting-error.js';
import { loadSeriesFile, SeriesCollector } from './series-loader.js';

describe('SeriesCollector', () => {
  const header = ['series_id', 'date', 'value', 'store'];
  const rows: [string, string, string | null, string][] = [
    ['a', '2024-01-01', '1', 'S1'],
    ['a', '2024-01-02', '2', 'S1'],
    ['a', '2024-01-04', '4', 'S1'], // 2024-01-03 missing
    ['a', '2024-01-04', '1', 'S1'], // duplicate: summed
    ['b', '2024-01-03', null, 'S2'], // empty value: missing
    ['b', '2024-01-04', '7', 'S2'],
  ];
  const collect = () => {
    const c = new SeriesCollector(header);
    rows.forEach((r, i) => {
      c.add(r, i + 2);
    });
    return c;
  };

  it('builds evenly spaced series with NaN in gaps by default', () => {
    const panel = collect().finish();
    assert.equal(panel.freq, 'D');
    assert.equal(panel.seasonLength, 7);
    const a = panel.series.find((s) => s.id === 'a');
    assert.equal(a?.start, '2024-01-01');
    assert.deepEqual([...(a?.y ?? [])], [1, 2, Number.NaN, 5]);
    assert.equal(panel.duplicates, 1);
    assert.equal(panel.emptyValues, 1);
    assert.equal(panel.filledPeriods, 1);
    assert.deepEqual(panel.series.find((s) => s.id === 'b')?.attributes, { store: 'S2' });
    assert.deepEqual(panel.attributeColumns, ['store']);
  });

  it('leaves out columns that change within a series', () => {
    const c = new SeriesCollector(['series_id', 'date', 'value', 'price', 'format']);
    c.add(['a', '2024-01-01', '1', '2.5', 'small'], 2);
    c.add(['a', '2024-01-02', '1', '2.9', 'small'], 3);
    const panel = c.finish();
    assert.deepEqual(panel.series[0]?.attributes, { format: 'small' });
    assert.deepEqual(panel.attributeColumns, ['format']);
    assert.deepEqual(panel.timeVaryingColumns, ['price']);
  });

  it('fills gaps with 0 for demand when asked, keeping empty values missing', () => {
    const panel = collect().finish({ fill: 'zero', seasonLength: 3 });
    assert.deepEqual([...(panel.series.find((s) => s.id === 'a')?.y ?? [])], [1, 2, 0, 5]);
    assert.deepEqual([...(panel.series.find((s) => s.id === 'b')?.y ?? [])], [Number.NaN, 7]);
    assert.equal(panel.seasonLength, 3);
  });

  it('names a missing column and a bad line', () => {
    assert.throws(
      () => new SeriesCollector(['id', 'date', 'value']),
      (e: unknown) =>
        e instanceof ForecastingError && e.code === 'FORECAST_MISSING_COLUMN' && /--id-col/.test(e.message),
    );
    const c = new SeriesCollector(['series_id', 'date', 'value'], {}, 'x.csv');
    assert.throws(() => c.add(['a', '01/02/2024', '1'], 5), /x\.csv:5: date "01\/02\/2024"/);
    assert.throws(
      () => c.add(['a', '2024-01-02', 'ten'], 6),
      (e: unknown) => e instanceof ForecastingError && e.code === 'FORECAST_BAD_VALUE' && e.line === 6,
    );
  });
});

describe('composite series ids', () => {
  it('joins several id columns with a slash', () => {
    const c = new SeriesCollector(['store', 'sku', 'date', 'units'], {
      idCol: 'store,sku',
      valueCol: 'units',
    });
    c.add(['S1', 'P1', '2024-01-01', '2'], 2);
    c.add(['S1', 'P1', '2024-01-02', '3'], 3);
    c.add(['S2', 'P1', '2024-01-01', '4'], 4);
    c.add(['S2', 'P1', '2024-01-02', '5'], 5);
    const panel = c.finish();
    assert.deepEqual(
      panel.series.map((s) => s.id),
      ['S1/P1', 'S2/P1'],
    );
    assert.deepEqual(panel.attributeColumns, []);
    assert.throws(() => c.add(['', 'P1', '2024-01-03', '1'], 6), /empty series id/);
  });
});

describe('loadSeriesFile', () => {
  it('reads a CSV with renamed columns and a semicolon dialect', async () => {
    const dir = tempDir('loader');
    const path = join(dir, 'sales.csv');
    writeFileSync(path, 'sku;day;units\r\nx;2024-01-31;1,5\r\nx;2024-03-31;3\r\nx;2024-04-30;4\r\n');
    const panel = await loadSeriesFile(path, { idCol: 'sku', dateCol: 'day', valueCol: 'units' });
    assert.equal(panel.freq, 'M');
    assert.equal(panel.freqInferred, true);
    assert.deepEqual([...(panel.series[0]?.y ?? [])], [1.5, Number.NaN, 3, 4]);
    assert.equal(panel.calendar.dateOf((panel.series[0]?.startIndex ?? 0) + 4), '2024-05-31');
  });

  it('reads Parquet with a numeric value column', async () => {
    const path = join(tempDir('loader'), 'sales.parquet');
    await parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'series_id', data: ['p', 'p', 'p'], type: 'STRING' },
        { name: 'date', data: ['2024-01-01', '2024-01-08', '2024-01-22'], type: 'STRING' },
        { name: 'value', data: [1.5, 2, 4], type: 'DOUBLE' },
      ],
    });
    const panel = await loadSeriesFile(path, { fill: 'zero' });
    assert.equal(panel.freq, 'W');
    assert.deepEqual([...(panel.series[0]?.y ?? [])], [1.5, 2, 0, 4]);
  });
});
