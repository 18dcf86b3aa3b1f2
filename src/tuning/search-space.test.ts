import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HyperParameterSpec } from '../models/model.js';
import { TuningRng } from './prng.js';
import { sampleParams, searchSpace, validateParams } from './search-space.js';
import { TuningError } from './tuning-error.js';

const specs: HyperParameterSpec[] = [
  { name: 'window', type: 'int', min: 1, max: 365, default: 28, help: '' },
  { name: 'alpha', type: 'float', min: 1e-4, max: 1, log: true, default: 0.1, help: '' },
  { name: 'model', type: 'categorical', choices: ['ANN', 'AAN', 'MNN'], default: 'ANN', help: '' },
];

test('a config narrows ranges and choices and fixes single values', () => {
  const space = searchSpace(specs, { window: { min: 7, max: 56 }, model: ['ANN', 'AAN'], alpha: 0.5 });
  assert.deepEqual(space.parameters, [
    { name: 'window', type: 'int', min: 7, max: 56, log: false },
    { name: 'alpha', type: 'fixed', value: 0.5 },
    { name: 'model', type: 'categorical', choices: ['ANN', 'AAN'] },
  ]);
  const rng = new TuningRng(1);
  for (let i = 0; i < 200; i++) {
    const p = sampleParams(space, rng);
    validateParams(space, p);
    assert.ok((p.window as number) >= 7 && (p.window as number) <= 56 && Number.isInteger(p.window));
  }
});

test('fixUnlisted keeps unnamed parameters at their defaults', () => {
  const space = searchSpace(specs, { window: { max: 10 } }, { fixUnlisted: true });
  assert.deepEqual(
    space.parameters.map((p) => p.type),
    ['int', 'fixed', 'fixed'],
  );
});

test('invalid configs fail with an error naming the parameter', () => {
  const cases: [Parameters<typeof searchSpace>[1], string, string][] = [
    [{ windw: 3 }, 'SEARCH_SPACE_UNKNOWN_PARAMETER', 'windw'],
    [{ window: { min: 0, max: 10 } }, 'SEARCH_SPACE_BAD_RANGE', 'window'],
    [{ window: { min: 20, max: 10 } }, 'SEARCH_SPACE_BAD_RANGE', 'window'],
    [{ window: { min: 2.5 } }, 'SEARCH_SPACE_BAD_RANGE', 'window'],
    [{ model: ['ANN', 'XYZ'] }, 'SEARCH_SPACE_BAD_CHOICE', 'model'],
    [{ model: { min: 1 } }, 'SEARCH_SPACE_BAD_RANGE', 'model'],
    [{ alpha: 2 }, 'SEARCH_SPACE_BAD_VALUE', 'alpha'],
  ];
  for (const [config, code, name] of cases) {
    assert.throws(
      () => searchSpace(specs, config),
      (e: unknown) =>
        e instanceof TuningError && e.code === code && e.parameter === name && e.message.includes(name),
      JSON.stringify(config),
    );
  }
});

test('log-scaled parameters are sampled uniformly in log space', () => {
  const space = searchSpace(specs, { window: 28, model: 'ANN' });
  const rng = new TuningRng(5);
  let belowHundredth = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) if ((sampleParams(space, rng).alpha as number) < 0.01) belowHundredth++;
  // log10 range [-4, 0]: half the mass lies below 0.01 (a linear draw would put 1 % there).
  assert.ok(Math.abs(belowHundredth / n - 0.5) < 0.04, `${belowHundredth / n}`);
});
