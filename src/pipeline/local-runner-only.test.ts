import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { runPipeline } from './local-runner.js';
import { definePipeline, fromParam, fromStep } from './pipeline-definition.js';
import { StepError } from './pipeline-error.js';
import { readRunRecord, runDirectory } from './run-state.js';
import { artifact, defineStep, param } from './step.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** source → double → (left ∥ right, each slow) → join: a diamond with two branches that overlap. */
function diamond() {
  const calls: string[] = [];
  const double = defineStep({
    name: 'double',
    version: '1',
    inputs: { n: param('integer') },
    outputs: { numbers: artifact('file', { format: 'json' }) },
    run({ n }, { outputs }) {
      calls.push('double');
      writeFileSync(outputs.numbers, JSON.stringify(Array.from({ length: n }, (_, i) => 2 * i)));
      return {};
    },
  });
  const branch = (name: string, offset: number) =>
    defineStep({
      name,
      version: '1',
      inputs: { numbers: artifact('file', { format: 'json' }) },
      outputs: { sum: param('number') },
      async run({ numbers }) {
        calls.push(name);
        await sleep(60);
        return {
          sum: (JSON.parse(readFileSync(numbers, 'utf8')) as number[]).reduce((a, b) => a + b, offset),
        };
      },
    });
  const join2 = defineStep({
    name: 'join',
    version: '1',
    inputs: { left: param('number'), right: param('number') },
    outputs: { total: param('number') },
    run({ left, right }) {
      calls.push('join');
      return { total: left + right };
    },
  });
  const pipeline = definePipeline({
    name: 'diamond',
    params: { n: param('integer', { default: 4 }) },
    steps: [
      { step: double, inputs: { n: fromParam('n') } },
      { step: branch('left', 0), inputs: { numbers: fromStep('double', 'numbers') } },
      { step: branch('right', 100), inputs: { numbers: fromStep('double', 'numbers') } },
      { step: join2, inputs: { left: fromStep('left', 'sum'), right: fromStep('right', 'sum') } },
    ],
  });
  return { pipeline, calls, home: tempDir('pipeline-only') };
}

test('steps run one call each with `only` give the same results as one full run, and share run.json', async () => {
  const { pipeline, calls, home } = diamond();
  const full = await runPipeline(pipeline, { home: tempDir('pipeline-only-full') });
  calls.length = 0;

  const runId = 'split-run';
  const first = await runPipeline(pipeline, { home, runId, only: ['double'] });
  assert.equal(first.status, 'succeeded');
  assert.deepEqual(calls, ['double']);
  assert.equal(readRunRecord(first.runDir)?.status, 'running');
  assert.equal(readRunRecord(first.runDir)?.steps.left?.status, 'pending');

  // The two branches at once, as an engine starts them: neither may overwrite the other's record.
  const [left, right] = await Promise.all([
    runPipeline(pipeline, { home, runId, only: ['left'] }),
    runPipeline(pipeline, { home, runId, only: ['right'] }),
  ]);
  assert.equal(left.status, 'succeeded');
  assert.equal(right.status, 'succeeded');
  const afterBranches = readRunRecord(runDirectory(home, runId))!;
  assert.equal(afterBranches.steps.left?.status, 'succeeded');
  assert.equal(afterBranches.steps.right?.status, 'succeeded');

  const last = await runPipeline(pipeline, { home, runId, only: ['join'] });
  assert.equal(last.status, 'succeeded');
  assert.deepEqual([...calls].sort(), ['double', 'join', 'left', 'right']);

  const record = readRunRecord(last.runDir)!;
  assert.equal(record.status, 'succeeded');
  assert.ok(record.finishedAt);
  assert.equal(record.sessions, 4);
  for (const name of ['double', 'left', 'right', 'join']) {
    assert.equal(record.steps[name]?.status, 'succeeded', name);
    assert.equal(record.steps[name]?.cache?.key, full.steps[name]?.cache?.key, name);
    assert.deepEqual(record.steps[name]?.outputs?.params, full.steps[name]?.outputs?.params, name);
  }
  assert.equal(
    record.steps.double?.outputs?.artifacts.numbers?.hash,
    full.steps.double?.outputs?.artifacts.numbers?.hash,
  );
  assert.equal(record.steps.join?.outputs?.params.total, 2 * (0 + 2 + 4 + 6) + 100);

  // Another run of the same call is served from the cache, step by step.
  calls.length = 0;
  for (const name of ['double', 'left', 'right', 'join']) {
    const again = await runPipeline(pipeline, { home, runId: 'split-run-2', only: [name] });
    assert.equal(again.steps[name]?.status, 'cached', name);
  }
  assert.deepEqual(calls, []);
});

test('a step whose upstream has not finished in the run is refused before anything runs', async () => {
  const { pipeline, calls, home } = diamond();
  await assert.rejects(runPipeline(pipeline, { home, runId: 'r', only: ['left'] }), {
    code: 'RUN_NOT_FOUND',
    message:
      /step "left" of run r reads from step "double", which has not finished in that run \(it has not started\)/,
  });
  assert.deepEqual(calls, []);
  assert.equal(readRunRecord(runDirectory(home, 'r')), undefined);

  await runPipeline(pipeline, { home, runId: 'r', only: ['double'] });
  await assert.rejects(runPipeline(pipeline, { home, runId: 'r', only: ['join'] }), {
    code: 'RUN_NOT_FOUND',
    message: /reads from step "left", which has not finished in that run \(it is pending\)/,
  });
  await assert.rejects(runPipeline(pipeline, { home, runId: 'r', only: ['nope'] }), {
    code: 'RUN_PARAMS_INVALID',
    message: /pipeline "diamond" has no step "nope" \(steps: double, left, right, join\)/,
  });
  // Every step of a run must get the same parameters.
  await assert.rejects(runPipeline(pipeline, { home, runId: 'r', only: ['left'], params: { n: 5 } }), {
    code: 'RUN_MISMATCH',
  });
  assert.deepEqual(calls, ['double']);
});

test('with `attempt`, a failing step gets one attempt and leaves the retry to the caller', async () => {
  let calls = 0;
  const flaky = defineStep({
    name: 'flaky',
    version: '1',
    inputs: {},
    outputs: { value: param('integer') },
    retry: { maximumAttempts: 3, initialIntervalMs: 1 },
    run(_inputs, { attempt }) {
      calls++;
      if (attempt < 3) throw new StepError('connection reset', { retryable: true });
      return { value: attempt };
    },
  });
  const pipeline = definePipeline({ name: 'engine-retries', steps: [{ step: flaky }] });
  const home = tempDir('pipeline-only');
  const first = await runPipeline(pipeline, { home, runId: 'e', only: ['flaky'], attempt: 1 });
  assert.equal(calls, 1);
  assert.equal(first.status, 'failed');
  assert.equal(first.steps.flaky?.attempts, 1);
  assert.deepEqual(first.steps.flaky?.error, {
    message: 'connection reset',
    code: 'STEP_FAILED',
    retryable: true,
  });
  assert.equal(readRunRecord(first.runDir)?.status, 'failed');

  // The engine's third attempt: the step sees attempt 3 and succeeds.
  const third = await runPipeline(pipeline, { home, runId: 'e', only: ['flaky'], attempt: 3 });
  assert.equal(calls, 2);
  assert.equal(third.status, 'succeeded');
  assert.equal(third.steps.flaky?.attempts, 3);
  assert.equal(third.steps.flaky?.outputs?.params.value, 3);
  assert.match(readFileSync(join(third.runDir, 'logs', 'flaky.log'), 'utf8'), /attempt 3 of 3 started/);
  assert.equal(readRunRecord(third.runDir)?.status, 'succeeded');
});
