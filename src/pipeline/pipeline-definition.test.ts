import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addSteps,
  constant,
  definePipeline,
  fromParam,
  fromStep,
  replaceStep,
} from './pipeline-definition.js';
import { PipelineDefinitionError } from './pipeline-error.js';
import { artifact, defineStep, param } from './step.js';

const load = defineStep({
  name: 'load',
  version: '1',
  inputs: { days: param('integer') },
  outputs: { sales: artifact('file', { format: 'parquet' }), rows: param('integer') },
  run: () => ({ rows: 0 }),
});
const train = defineStep({
  name: 'train',
  version: '1',
  inputs: { sales: artifact('file', { format: 'parquet' }), horizon: param('integer', { default: 14 }) },
  outputs: { model: artifact('file') },
  run: () => ({}),
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PipelineDefinitionError, String(error));
    return [...error.problems];
  }
  assert.fail('expected a PipelineDefinitionError');
}

test('a valid pipeline is ordered so every step comes after the steps it reads from', () => {
  const p = definePipeline({
    name: 'forecast',
    params: { days: param('integer', { default: 365 }) },
    steps: [
      { step: train, inputs: { sales: fromStep('load', 'sales') } },
      { step: load, inputs: { days: fromParam('days') } },
    ],
  });
  assert.deepEqual(
    p.nodes.map((n) => n.name),
    ['load', 'train'],
  );
  assert.deepEqual(p.node('train')?.dependsOn, ['load']);
});

test('a cycle is reported with the path of steps', () => {
  const a = defineStep({
    name: 'a',
    version: '1',
    inputs: { x: param('number') },
    outputs: { y: param('number') },
    run: ({ x }) => ({ y: x }),
  });
  const problems = problemsOf(() =>
    definePipeline({
      name: 'loop',
      steps: [
        { step: a, name: 'a', inputs: { x: fromStep('c', 'y') } },
        { step: a, name: 'b', inputs: { x: fromStep('a', 'y') } },
        { step: a, name: 'c', inputs: { x: fromStep('b', 'y') } },
      ],
    }),
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /cycle: (a → c → b → a|a → b → c → a|b → a → c → b|c → b → a → c)/);
});

test('missing inputs, type mismatches, unknown sources and duplicate names each name the step and input', () => {
  const problems = problemsOf(() =>
    definePipeline({
      name: 'broken',
      params: { days: param('string') },
      steps: [
        { step: load, inputs: { days: fromParam('days') } },
        { step: train, inputs: { sales: fromStep('load', 'rows') } },
        { step: train, inputs: { sales: fromStep('nowhere', 'x'), horizon: constant('soon') } },
        { step: train, name: 'train2', inputs: {} },
        { step: train, name: 'train3', inputs: { sales: fromStep('load', 'modle') } },
      ],
    }),
  );
  const text = problems.join('\n');
  assert.match(
    text,
    /step "load" input "days": pipeline parameter "days" is a parameter \(string\) cannot feed parameter \(integer\)/,
  );
  assert.match(
    text,
    /step "train" input "sales": output "rows" of step "load" is a parameter \(integer\) cannot feed artifact/,
  );
  assert.match(text, /step "train" appears twice/);
  assert.match(text, /step "train2" input "sales" is not bound \(expects artifact \(file, parquet\)\)/);
  assert.match(
    text,
    /step "train3" input "sales" reads unknown output "modle" of step "load" \(outputs: sales, rows\)/,
  );
  // The duplicate is not registered, so its problems are not double-reported as unknown-step errors.
  assert.equal(problems.length, 5, text);
});

test('artifact formats and kinds must agree; integer feeds number; unbound input with a default is fine', () => {
  const wantsCsv = defineStep({
    name: 'csv',
    version: '1',
    inputs: { data: artifact('file', { format: 'csv' }) },
    outputs: {},
    run: () => ({}),
  });
  const wantsDir = defineStep({
    name: 'dir',
    version: '1',
    inputs: { data: artifact('dir') },
    outputs: {},
    run: () => ({}),
  });
  const problems = problemsOf(() =>
    definePipeline({
      name: 'formats',
      params: { days: param('integer') },
      steps: [
        { step: load, inputs: { days: fromParam('days') } },
        { step: wantsCsv, inputs: { data: fromStep('load', 'sales') } },
        { step: wantsDir, inputs: { data: fromStep('load', 'sales') } },
      ],
    }),
  );
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(
    problems[0]!,
    /step "csv" input "data".*artifact \(file, parquet\) cannot feed artifact \(file, csv\)/,
  );
  assert.match(problems[1]!, /step "dir" input "data".*cannot feed artifact \(dir\)/);
});

test('a step definition with a bad name, version or retry policy is refused', () => {
  const problems = problemsOf(() =>
    defineStep({
      name: '1bad',
      version: '',
      inputs: {},
      outputs: {},
      retry: { maximumAttempts: 0 },
      run: () => ({}),
    }),
  );
  assert.equal(problems.length, 3, problems.join('\n'));
});

test('replaceStep swaps a step and keeps its bindings; a replacement whose ports do not fit is reported', () => {
  const base = definePipeline({
    name: 'forecast',
    steps: [
      { step: load, inputs: { days: constant(30) } },
      { step: train, inputs: { sales: fromStep('load', 'sales') } },
    ],
  });
  const myTrain = defineStep({
    name: 'my-train',
    version: '7',
    inputs: { sales: artifact('file') },
    outputs: { model: artifact('file') },
    run: () => ({}),
  });
  const mine = replaceStep(base, 'train', myTrain);
  assert.equal(mine.node('train')?.step.version, '7');
  assert.deepEqual(mine.node('train')?.inputs, { sales: { step: 'load', output: 'sales' } });

  const wrong = defineStep({
    name: 'w',
    version: '1',
    inputs: { sales: param('string') },
    outputs: {},
    run: () => ({}),
  });
  assert.match(problemsOf(() => replaceStep(base, 'train', wrong)).join('\n'), /step "train" input "sales"/);
  assert.match(problemsOf(() => replaceStep(base, 'fit', myTrain)).join('\n'), /no step "fit" to replace/);

  const evaluate = defineStep({
    name: 'evaluate',
    version: '1',
    inputs: { model: artifact('file') },
    outputs: {},
    run: () => ({}),
  });
  const extended = addSteps(mine, [{ step: evaluate, inputs: { model: fromStep('train', 'model') } }]);
  assert.deepEqual(
    extended.nodes.map((n) => n.name),
    ['load', 'train', 'evaluate'],
  );
});
