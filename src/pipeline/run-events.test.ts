import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { type RunEvent, runPipeline } from './local-runner.js';
import { definePipeline, fromStep } from './pipeline-definition.js';
import { defineStep, param } from './step.js';

const count = defineStep({
  name: 'count',
  version: '1',
  inputs: {},
  outputs: { n: param('integer') },
  run(_inputs, { progress }) {
    for (let i = 1; i <= 3; i++) progress?.(i, 3, `trial ${i}`);
    return { n: 3 };
  },
});
const double = defineStep({
  name: 'double',
  version: '1',
  inputs: { n: param('integer') },
  outputs: { m: param('integer') },
  run({ n }) {
    return { m: (n as number) * 2 };
  },
});
const pipeline = definePipeline({
  name: 'events',
  steps: [{ step: count }, { step: double, inputs: { n: fromStep('count', 'n') } }],
});

test('the runner reports each step starting, its progress and its end, cached or not', async () => {
  const home = tempDir('run-events');
  const first: RunEvent[] = [];
  await runPipeline(pipeline, { home, onEvent: (e) => first.push(e) });
  assert.deepEqual(
    first.map((e) =>
      e.type === 'step-progress' ? `${e.step} ${e.done}/${e.total} ${e.message}` : `${e.type} ${e.step}`,
    ),
    [
      'step-started count',
      'count 1/3 trial 1',
      'count 2/3 trial 2',
      'count 3/3 trial 3',
      'step-finished count',
      'step-started double',
      'step-finished double',
    ],
  );
  const second: RunEvent[] = [];
  await runPipeline(pipeline, { home, onEvent: (e) => second.push(e) });
  const finished = second.filter((e) => e.type === 'step-finished');
  assert.deepEqual(
    finished.map((e) => e.type === 'step-finished' && [e.step, e.status, e.cacheHit]),
    [
      ['count', 'cached', true],
      ['double', 'cached', true],
    ],
  );
  assert.equal(second.filter((e) => e.type === 'step-progress').length, 0);
});
