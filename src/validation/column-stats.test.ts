import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnStatsCollector } from './column-stats.js';

test('numeric stats: count, missing, min, max, mean, stddev, median', () => {
  const c = new ColumnStatsCollector('units');
  for (const v of [1, 2, 3, 4, null, 5]) c.add(v);
  const s = c.result();
  assert.equal(s.count, 6);
  assert.equal(s.missing, 1);
  assert.equal(s.min, '1');
  assert.equal(s.max, '5');
  assert.equal(s.mean, 3);
  assert.ok(Math.abs((s.stddev ?? 0) - Math.sqrt(2.5)) < 1e-12);
  assert.equal(s.quantiles?.['0.5'], 3);
  assert.equal(s.distinct, 5);
});

test('quantiles and distinct counts stay close on a large stream in bounded memory', () => {
  const c = new ColumnStatsCollector('x');
  for (let i = 0; i < 200_000; i++) c.add(i % 50_000);
  const s = c.result();
  assert.ok(Math.abs((s.quantiles?.['0.5'] ?? 0) - 25_000) < 2_000, `median ${s.quantiles?.['0.5']}`);
  assert.ok(Math.abs(s.distinct - 50_000) / 50_000 < 0.05, `distinct ${s.distinct}`);
});

test('text stats: lexical min and max, exact small distinct count', () => {
  const c = new ColumnStatsCollector('country');
  for (const v of ['DE', 'FR', 'DE', 'AU', null]) c.add(v);
  const s = c.result();
  assert.equal(s.min, 'AU');
  assert.equal(s.max, 'FR');
  assert.equal(s.distinct, 3);
  assert.equal(s.mean, null);
});
