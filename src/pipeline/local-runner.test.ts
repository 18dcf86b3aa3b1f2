import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { runPipeline } from './local-runner.js';
import { definePipeline, fromParam, fromStep } from './pipeline-definition.js';
import { StepError } from './pipeline-error.js';
import { readRunRecord } from './run-state.js';
import { artifact, defineStep, param } from './step.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * load (external CSV → numbers file) → scale (× factor) → total (sum as a parameter output),
 * plus `describe`, which reads only the loaded file.
 */
function forecastLike() {
  const calls: string[] = [];
  const load = defineStep({
    name: 'load',
    version: '1',
    inputs: { source: artifact('file', { format: 'csv' }) },
    outputs: { numbers: artifact('file', { format: 'json' }) },
    run({ source }, { outputs, log }) {
      calls.push('load');
      const numbers = readFileSync(source, 'utf8').trim().split('\n').map(Number);
      log.info(`loaded ${numbers.length} numbers`);
      writeFileSync(outputs.numbers, JSON.stringify(numbers));
      return {};
    },
  });
  const scale = defineStep({
    name: 'scale',
    version: '1',
    inputs: { numbers: artifact('file', { format: 'json' }), factor: param('number') },
    outputs: { scaled: artifact('file', { format: 'json' }) },
    run({ numbers, factor }, { outputs }) {
      calls.push('scale');
      const values = JSON.parse(readFileSync(numbers, 'utf8')) as number[];
      writeFileSync(outputs.scaled, JSON.stringify(values.map((v) => v * factor)));
      return {};
    },
  });
  const total = defineStep({
    name: 'total',
    version: '1',
    inputs: { scaled: artifact('file', { format: 'json' }) },
    outputs: { sum: param('number') },
    run({ scaled }) {
      calls.push('total');
      return { sum: (JSON.parse(readFileSync(scaled, 'utf8')) as number[]).reduce((a, b) => a + b, 0) };
    },
  });
  const describe = defineStep({
    name: 'describe',
    version: '1',
    inputs: { numbers: artifact('file', { format: 'json' }) },
    outputs: { count: param('integer') },
    run({ numbers }) {
      calls.push('describe');
      return { count: (JSON.parse(readFileSync(numbers, 'utf8')) as number[]).length };
    },
  });
  const pipeline = definePipeline({
    name: 'forecast-like',
    params: { source: artifact('file', { format: 'csv' }), factor: param('number', { default: 2 }) },
    steps: [
      { step: load, inputs: { source: fromParam('source') } },
      { step: scale, inputs: { numbers: fromStep('load', 'numbers'), factor: fromParam('factor') } },
      { step: total, inputs: { scaled: fromStep('scale', 'scaled') } },
      { step: describe, inputs: { numbers: fromStep('load', 'numbers') } },
    ],
  });
  const home = tempDir('pipeline');
  const source = join(home, 'input.csv');
  writeFileSync(source, '1\n2\n3\n');
  return { pipeline, calls, home, source };
}

test('first run executes every step; the second is all cache hits and calls no step function', async () => {
  const { pipeline, calls, home, source } = forecastLike();
  const first = await runPipeline(pipeline, { home, params: { source } });
  assert.equal(first.status, 'succeeded');
  assert.deepEqual([...calls].sort(), ['describe', 'load', 'scale', 'total']);
  assert.equal(first.steps.total?.outputs?.params.sum, 12);
  assert.equal(first.steps.load?.cache?.reason, 'miss: no earlier run of this step');
  assert.match(readFileSync(first.steps.load!.logFile, 'utf8'), /INFO loaded 3 numbers/);

  calls.length = 0;
  const second = await runPipeline(pipeline, { home, params: { source } });
  assert.deepEqual(calls, []);
  for (const step of Object.values(second.steps)) {
    assert.equal(step.status, 'cached');
    assert.equal(step.cache?.reason, `hit: same version, params and inputs as run ${first.runId}`);
  }
  assert.equal(second.steps.total?.outputs?.params.sum, 12);
  // run.json on disk holds the same decisions and hashes.
  const onDisk = readRunRecord(second.runDir)!;
  assert.equal(onDisk.status, 'succeeded');
  assert.equal(
    onDisk.steps.scale?.outputs?.artifacts.scaled?.hash,
    first.steps.scale?.outputs?.artifacts.scaled?.hash,
  );
});

test('a changed parameter reruns only that step and its dependents, and says why', async () => {
  const { pipeline, calls, home, source } = forecastLike();
  await runPipeline(pipeline, { home, params: { source } });
  calls.length = 0;
  const changed = await runPipeline(pipeline, { home, params: { source, factor: 3 } });
  assert.deepEqual(calls, ['scale', 'total']);
  assert.equal(changed.steps.load?.status, 'cached');
  assert.equal(changed.steps.describe?.status, 'cached');
  assert.equal(changed.steps.scale?.cache?.reason, 'miss: parameter factor changed 2 → 3');
  assert.equal(changed.steps.total?.cache?.reason, 'miss: input scaled changed');
  assert.equal(changed.steps.total?.outputs?.params.sum, 18);

  // A changed input file reruns everything downstream of it.
  writeFileSync(source, '1\n2\n3\n4\n');
  calls.length = 0;
  const newData = await runPipeline(pipeline, { home, params: { source, factor: 3 } });
  assert.deepEqual([...calls].sort(), ['describe', 'load', 'scale', 'total']);
  assert.equal(newData.steps.load?.cache?.reason, 'miss: input source changed');
  assert.equal(newData.steps.total?.outputs?.params.sum, 30);
});

test('force reruns the named steps; identical outputs still let dependents hit the cache', async () => {
  const { pipeline, calls, home, source } = forecastLike();
  await runPipeline(pipeline, { home, params: { source } });
  calls.length = 0;
  const named = await runPipeline(pipeline, { home, params: { source }, force: ['scale'] });
  assert.deepEqual(calls, ['scale']);
  assert.equal(named.steps.scale?.status, 'succeeded');
  assert.equal(named.steps.scale?.cache?.reason, 'miss: forced');
  assert.equal(named.steps.total?.status, 'cached');

  calls.length = 0;
  const all = await runPipeline(pipeline, { home, params: { source }, force: true });
  assert.deepEqual([...calls].sort(), ['describe', 'load', 'scale', 'total']);
  assert.ok(Object.values(all.steps).every((s) => s.status === 'succeeded'));
});

test('independent steps run in parallel, and concurrency 1 runs them one at a time', async () => {
  const spans: Record<string, [number, number]> = {};
  const slow = (name: string) =>
    defineStep({
      name,
      version: '1',
      inputs: {},
      outputs: { done: param('boolean') },
      async run() {
        const start = performance.now();
        await sleep(150);
        spans[name] = [start, performance.now()];
        return { done: true };
      },
    });
  const pipeline = definePipeline({ name: 'parallel', steps: [{ step: slow('a') }, { step: slow('b') }] });
  const overlaps = () => spans.a![0] < spans.b![1] && spans.b![0] < spans.a![1];

  await runPipeline(pipeline, { home: tempDir('pipeline'), concurrency: 2 });
  assert.ok(overlaps(), JSON.stringify(spans));
  await runPipeline(pipeline, { home: tempDir('pipeline'), concurrency: 1 });
  assert.ok(!overlaps(), JSON.stringify(spans));
});

test('retryable errors are retried with backoff until they succeed; non-retryable ones are not', async () => {
  let flakyCalls = 0;
  let brokenCalls = 0;
  const flaky = defineStep({
    name: 'flaky',
    version: '1',
    inputs: {},
    outputs: { value: param('integer') },
    retry: { maximumAttempts: 4, initialIntervalMs: 20, backoffCoefficient: 2 },
    run() {
      flakyCalls++;
      if (flakyCalls < 3) throw new StepError('database connection reset', { retryable: true });
      return { value: flakyCalls };
    },
  });
  const broken = defineStep({
    name: 'broken',
    version: '1',
    inputs: {},
    outputs: {},
    retry: { maximumAttempts: 5, initialIntervalMs: 1 },
    run() {
      brokenCalls++;
      throw StepError.nonRetryable('sales snapshot is empty', 'EMPTY_SNAPSHOT');
    },
  });
  const pipeline = definePipeline({ name: 'retries', steps: [{ step: flaky }, { step: broken }] });
  const started = performance.now();
  const result = await runPipeline(pipeline, { home: tempDir('pipeline') });
  const elapsed = performance.now() - started;

  assert.equal(result.steps.flaky?.status, 'succeeded');
  assert.equal(result.steps.flaky?.attempts, 3);
  assert.equal(result.steps.flaky?.outputs?.params.value, 3);
  assert.ok(elapsed >= 20 + 40 - 5, `waited ${elapsed} ms, expected the 20 ms and 40 ms backoffs`);
  assert.match(
    readFileSync(result.steps.flaky!.logFile, 'utf8'),
    /attempt 2 failed: StepError: database connection reset/,
  );

  assert.equal(brokenCalls, 1);
  assert.equal(result.steps.broken?.status, 'failed');
  assert.equal(result.steps.broken?.attempts, 1);
  assert.deepEqual(result.steps.broken?.error, {
    message: 'sales snapshot is empty',
    code: 'EMPTY_SNAPSHOT',
    retryable: false,
  });
  assert.equal(result.status, 'failed');
});

test('a failed step skips its dependents; independent steps still run; the run returns instead of throwing', async () => {
  const ran: string[] = [];
  const ok = (name: string) =>
    defineStep({
      name,
      version: '1',
      inputs: { x: param('integer', { default: 0 }) },
      outputs: { y: param('integer') },
      run({ x }) {
        ran.push(name);
        return { y: x + 1 };
      },
    });
  const fails = defineStep({
    name: 'fails',
    version: '1',
    inputs: {},
    outputs: { y: param('integer') },
    run(): { y: number } {
      throw new Error('boom');
    },
  });
  const pipeline = definePipeline({
    name: 'skips',
    steps: [
      { step: fails },
      { step: ok('after'), inputs: { x: fromStep('fails', 'y') } },
      { step: ok('after-after'), inputs: { x: fromStep('after', 'y') } },
      { step: ok('independent') },
    ],
  });
  const result = await runPipeline(pipeline, { home: tempDir('pipeline') });
  assert.equal(result.status, 'failed');
  assert.deepEqual(ran, ['independent']);
  assert.equal(result.steps.fails?.status, 'failed');
  assert.equal(result.steps.fails?.error?.message, 'boom');
  assert.equal(result.steps.after?.status, 'skipped');
  assert.equal(result.steps.after?.skippedBecause, 'upstream step "fails" failed');
  assert.equal(result.steps['after-after']?.status, 'skipped');
  assert.equal(result.steps['after-after']?.skippedBecause, 'upstream step "fails" failed');
  assert.equal(result.steps.independent?.status, 'succeeded');
  assert.equal(readRunRecord(result.runDir)?.steps.after?.status, 'skipped');
});

test('a step that does not write a declared output fails without retry, naming the output', async () => {
  const lazy = defineStep({
    name: 'lazy',
    version: '1',
    inputs: {},
    outputs: { model: artifact('file') },
    retry: { maximumAttempts: 3, initialIntervalMs: 1 },
    run: () => ({}),
  });
  const result = await runPipeline(definePipeline({ name: 'contract', steps: [{ step: lazy }] }), {
    home: tempDir('pipeline'),
  });
  assert.equal(result.steps.lazy?.status, 'failed');
  assert.equal(result.steps.lazy?.attempts, 1);
  assert.equal(result.steps.lazy?.error?.code, 'STEP_OUTPUT_INVALID');
  assert.match(result.steps.lazy!.error!.message, /output "model" was not written/);
});

test('lineage walks back from an output artifact to the external input it came from', async () => {
  const { pipeline, home, source } = forecastLike();
  const result = await runPipeline(pipeline, { home, params: { source } });
  const scaled = result.steps.scale!.outputs!.artifacts.scaled!.hash;
  const numbers = result.steps.load!.outputs!.artifacts.numbers!.hash;
  const ancestors = result.store.ancestors(scaled);
  assert.deepEqual(
    ancestors.map((a) => [a.depth, a.producedBy[0]?.source, a.producedBy[0]?.step]),
    [
      [0, 'step', 'scale'],
      [1, 'step', 'load'],
      [2, 'external', undefined],
    ],
  );
  assert.equal(ancestors[1]?.hash, numbers);
  assert.equal(ancestors[0]?.producedBy[0]?.runId, result.runId);
  assert.deepEqual(ancestors[0]?.producedBy[0]?.params, { factor: 2 });
  assert.equal(ancestors[2]?.producedBy[0]?.originalPath, source);
  assert.equal(readFileSync(result.store.artifactPath(ancestors[2]!.hash), 'utf8'), '1\n2\n3\n');
  assert.throws(() => result.store.ancestors('f0000'), { code: 'ARTIFACT_NOT_FOUND' });
});

test('bad run parameters are refused before any step runs', async () => {
  const { pipeline, calls, home } = forecastLike();
  await assert.rejects(
    runPipeline(pipeline, { home, params: { source: join(home, 'missing.csv'), factor: 'x' } }),
    {
      code: 'RUN_PARAMS_INVALID',
      message:
        /parameter "factor" must be a number.*|parameter "source" must be the path of an existing file/,
    },
  );
  assert.deepEqual(calls, []);
});
