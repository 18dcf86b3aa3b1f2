import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { runPipeline } from './local-runner.js';
import { definePipeline, fromStep } from './pipeline-definition.js';
import { RunCancelledError } from './pipeline-error.js';
import { readRunRecord } from './run-state.js';
import { defineStep, param, type StepContext } from './step.js';

/** Resolves when `signal` aborts (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * first → second → third. `second` does what the test gives it (wait for the cancellation, say);
 * `calls` records which steps started. `second` may be retried, so a cancellation taken for a
 * failure would show as a second attempt.
 */
function chain(second: (ctx: StepContext) => Promise<void> | void) {
  const calls: string[] = [];
  const first = defineStep({
    name: 'first',
    version: '1',
    inputs: {},
    outputs: { n: param('integer') },
    run() {
      calls.push('first');
      return { n: 1 };
    },
  });
  const middle = defineStep({
    name: 'second',
    version: '1',
    inputs: { n: param('integer') },
    outputs: { n: param('integer') },
    retry: { maximumAttempts: 3, initialIntervalMs: 60_000 },
    async run({ n }, ctx) {
      calls.push('second');
      await second(ctx);
      return { n: n + 1 };
    },
  });
  const third = defineStep({
    name: 'third',
    version: '1',
    inputs: { n: param('integer') },
    outputs: { n: param('integer') },
    run({ n }) {
      calls.push('third');
      return { n: n + 1 };
    },
  });
  const pipeline = definePipeline({
    name: 'cancellable',
    params: {},
    steps: [
      { step: first, inputs: {} },
      { step: middle, inputs: { n: fromStep('first', 'n') } },
      { step: third, inputs: { n: fromStep('second', 'n') } },
    ],
  });
  return { pipeline, calls, home: tempDir('pipeline-cancel') };
}

test('a run cancelled while a step waits on its signal records that step cancelled, starts no further step and is not retried', async () => {
  const controller = new AbortController();
  const { pipeline, calls, home } = chain(async ({ signal }) => {
    await aborted(signal);
    signal?.throwIfAborted();
  });
  const result = await runPipeline(pipeline, {
    home,
    signal: controller.signal,
    // Cancelled from outside while the step waits, as a job's cancel does.
    onEvent: (e) => {
      if (e.type === 'step-started' && e.step === 'second')
        setTimeout(() => controller.abort(new Error('stop requested by ana')), 20);
    },
  });

  assert.equal(result.status, 'cancelled');
  assert.deepEqual(calls, ['first', 'second'], 'third never started');
  assert.equal(result.steps.first?.status, 'succeeded');
  const second = result.steps.second!;
  assert.equal(second.status, 'cancelled');
  assert.equal(second.attempts, 1, 'a cancelled step is not retried');
  assert.deepEqual(second.error, {
    message: 'cancelled while running: stop requested by ana',
    code: 'RUN_CANCELLED',
    retryable: false,
  });
  assert.equal(result.steps.third?.status, 'skipped');
  assert.match(result.steps.third?.skippedBecause ?? '', /upstream step "second" was cancelled/);

  const record = readRunRecord(result.runDir)!;
  assert.equal(record.status, 'cancelled');
  assert.equal(record.cancelled?.step, 'second');
  assert.equal(record.cancelled?.reason, 'stop requested by ana');
  assert.ok(record.finishedAt);
  const log = readFileSync(second.logFile, 'utf8');
  assert.match(log, /cancelled during attempt 1, not retried: stop requested by ana/);
  assert.match(log, /was cancelled at this step/);
  assert.doesNotMatch(log, /retrying/);
});

test('a step that ignores the signal finishes, but no step starts after it; resuming the run finishes it', async () => {
  const controller = new AbortController();
  let cancel = true;
  const { pipeline, calls, home } = chain(() => {
    if (cancel) controller.abort('user cancelled');
  });
  const result = await runPipeline(pipeline, { home, signal: controller.signal });

  assert.equal(result.status, 'cancelled');
  assert.deepEqual(calls, ['first', 'second']);
  assert.equal(result.steps.second?.status, 'succeeded', 'its work was done, so it counts');
  assert.equal(result.steps.third?.status, 'skipped');
  assert.equal(
    result.steps.third?.skippedBecause,
    'the run was cancelled before this step started (user cancelled)',
  );
  const record = readRunRecord(result.runDir)!;
  assert.deepEqual(
    { status: record.status, step: record.cancelled?.step, reason: record.cancelled?.reason },
    { status: 'cancelled', step: 'third', reason: 'user cancelled' },
  );
  assert.match(readFileSync(result.steps.third!.logFile, 'utf8'), /cancelled at this step: user cancelled/);

  cancel = false;
  const resumed = await runPipeline(pipeline, { home, runId: result.runId });
  assert.equal(resumed.status, 'succeeded');
  assert.deepEqual(calls, ['first', 'second', 'third'], 'only the step left unstarted ran');
  assert.equal(resumed.steps.third?.status, 'succeeded');
  assert.equal(readRunRecord(resumed.runDir)?.cancelled, undefined, 'the cancellation is cleared');
});

test('a cancellation during the wait before a retry ends the step at once, as cancelled', async () => {
  const controller = new AbortController();
  const { pipeline, calls, home } = chain(() => {
    setTimeout(() => controller.abort(), 50);
    throw new Error('flaky service');
  });
  const started = Date.now();
  const result = await runPipeline(pipeline, { home, signal: controller.signal });

  assert.ok(Date.now() - started < 10_000, 'the 60 s backoff was cut short');
  assert.equal(result.status, 'cancelled');
  assert.deepEqual(calls, ['first', 'second']);
  assert.equal(result.steps.second?.status, 'cancelled');
  assert.equal(result.steps.second?.attempts, 1);
  assert.match(result.steps.second?.error?.message ?? '', /while waiting to retry/);
});

test('a run whose signal aborted before it started runs no step; a step may cancel itself with RunCancelledError', async () => {
  const before = chain(() => {});
  const result = await runPipeline(before.pipeline, { home: before.home, signal: AbortSignal.abort() });
  assert.equal(result.status, 'cancelled');
  assert.deepEqual(before.calls, []);
  assert.ok(Object.values(result.steps).every((s) => s.status === 'skipped'));
  assert.equal(readRunRecord(result.runDir)?.cancelled?.step, 'first');

  const itself = chain(() => {
    throw new RunCancelledError('the source went away');
  });
  const own = await runPipeline(itself.pipeline, { home: itself.home });
  assert.equal(own.status, 'cancelled');
  assert.deepEqual(itself.calls, ['first', 'second'], 'not retried, and third never started');
  assert.equal(own.steps.second?.error?.code, 'RUN_CANCELLED');
  assert.equal(readRunRecord(own.runDir)?.cancelled?.reason, 'cancelled while running: the source went away');
});

test('a cancellation that arrives while a step holds the event loop stops the run before the next step', async () => {
  const controller = new AbortController();
  const { pipeline, calls, home } = chain(() => {
    // Due at once, but it can only run once this step gives the event loop back.
    setTimeout(() => controller.abort('cancelled meanwhile'), 0);
    const until = Date.now() + 30;
    while (Date.now() < until);
  });
  const result = await runPipeline(pipeline, { home, signal: controller.signal });
  assert.deepEqual(calls, ['first', 'second']);
  assert.equal(result.status, 'cancelled');
  assert.equal(readRunRecord(result.runDir)?.cancelled?.step, 'third');
});
