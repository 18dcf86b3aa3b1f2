import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HyperParameters } from '../models/model.js';
import { RandomSampler } from './random-sampler.js';
import { searchSpace } from './search-space.js';
import { runStudy, TrialPruned, type TrialReporter } from './study.js';
import { SuccessiveHalvingPruner } from './successive-halving-pruner.js';
import { TpeSampler } from './tpe-sampler.js';

const space = searchSpace([{ name: 'x', type: 'float', min: 0, max: 10, default: 5, help: '' }]);
const truth = (p: HyperParameters) => ((p.x as number) - 3) ** 2;

/** Four "folds" whose running value ranks trials like the final one, approaching it from above. */
async function foldedObjective(p: HyperParameters, reporter: TrialReporter): Promise<number> {
  for (let step = 1; step <= 4; step++) {
    await sleep(0);
    reporter.report(step, truth(p) + 1 / step);
  }
  return truth(p);
}

test('rungs sit at minResource · eta^r below maxResource', () => {
  assert.deepEqual(new SuccessiveHalvingPruner({ eta: 2, maxResource: 4 }).rungSteps(), [1, 2]);
  assert.deepEqual(
    new SuccessiveHalvingPruner({ eta: 3, minResource: 2, maxResource: 20 }).rungSteps(),
    [2, 6, 18],
  );
});

for (const concurrency of [1, 3]) {
  test(`successive halving prunes bad trials and never the best (concurrency ${concurrency})`, async () => {
    const result = await runStudy(foldedObjective, {
      sampler: new RandomSampler(space, { seed: 9 }),
      maxTrials: 40,
      concurrency,
      pruner: new SuccessiveHalvingPruner({ eta: 2, maxResource: 4 }),
    });
    const pruned = result.trials.filter((t) => t.state === 'pruned');
    const complete = result.trials.filter((t) => t.state === 'complete');
    assert.equal(result.trials.length, 40);
    assert.ok(pruned.length >= 15, `only ${pruned.length} of 40 pruned`);
    const trueBest = result.trials.reduce((a, b) => (truth(a.params) <= truth(b.params) ? a : b));
    assert.equal(trueBest.state, 'complete');
    assert.equal(result.best?.number, trueBest.number);
    for (const t of pruned) {
      assert.ok(t.intermediate.length < 4 && t.prunedAtStep === t.intermediate.at(-1)?.step);
      assert.ok(truth(t.params) > truth(trueBest.params));
    }
    assert.ok(complete.every((t) => t.intermediate.length === 4));
  });
}

test('without a pruner every trial completes', async () => {
  const result = await runStudy(foldedObjective, {
    sampler: new RandomSampler(space, { seed: 9 }),
    maxTrials: 12,
  });
  assert.ok(result.trials.every((t) => t.state === 'complete'));
});

test('the time budget stops the study', async () => {
  const result = await runStudy(
    async () => {
      await sleep(25);
      return 1;
    },
    { sampler: new RandomSampler(space, { seed: 1 }), maxTrials: 1000, timeoutMs: 150 },
  );
  assert.equal(result.stoppedBy, 'time');
  assert.ok(result.trials.length >= 1 && result.trials.length <= 8, `${result.trials.length} trials`);
  assert.ok(result.elapsedMs < 1000, `${result.elapsedMs} ms`);
});

test('failing trials are recorded with their error, not thrown', async () => {
  class ObjectiveError extends Error {
    readonly code = 'OBJECTIVE_BROKE';
  }
  const result = await runStudy(
    (p) => {
      if ((p.x as number) > 7) throw new ObjectiveError(`x=${p.x} is broken`);
      if ((p.x as number) < 1) return Number.NaN;
      return truth(p);
    },
    { sampler: new TpeSampler(space, { seed: 3, startupTrials: 5 }), maxTrials: 30 },
  );
  const failed = result.trials.filter((t) => t.state === 'failed');
  assert.ok(failed.length > 0);
  for (const t of failed) {
    if ((t.params.x as number) > 7) {
      assert.equal(t.error?.code, 'OBJECTIVE_BROKE');
      assert.match(t.error?.message ?? '', /is broken/);
    } else assert.match(t.error?.message ?? '', /not a number/);
    assert.equal(t.value, undefined);
  }
  assert.equal(result.best?.state, 'complete');
  assert.ok(Math.abs((result.best?.params.x as number) - 3) < 1);
});

test('an objective may throw TrialPruned itself', async () => {
  const result = await runStudy(
    (p) => {
      if ((p.x as number) > 5) throw new TrialPruned(2, 99);
      return truth(p);
    },
    { sampler: new RandomSampler(space, { seed: 2 }), maxTrials: 20 },
  );
  const pruned = result.trials.filter((t) => t.state === 'pruned');
  assert.ok(pruned.length > 0 && pruned.every((t) => t.prunedAtStep === 2 && t.value === 99));
});

test('concurrent trials overlap in time', async () => {
  const result = await runStudy(
    async () => {
      await sleep(40);
      return 0;
    },
    { sampler: new RandomSampler(space, { seed: 1 }), maxTrials: 8, concurrency: 4 },
  );
  assert.equal(result.trials.length, 8);
  assert.ok(result.elapsedMs < 8 * 40 * 0.8, `${result.elapsedMs} ms`);
  assert.deepEqual(
    result.trials.map((t) => t.number),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
});

test('a study without any budget is refused for an endless sampler', async () => {
  await assert.rejects(
    runStudy(() => 0, { sampler: new RandomSampler(space) }),
    (e: unknown) => e instanceof Error && 'code' in e && e.code === 'STUDY_BAD_OPTIONS',
  );
});

test('an aborted signal starts no further trial and rejects once the trials in flight finish', async () => {
  for (const concurrency of [1, 2]) {
    const controller = new AbortController();
    const reason = new Error('the run was cancelled');
    let started = 0;
    let inFlight = 0;
    const study = runStudy(
      async (p) => {
        started++;
        inFlight++;
        await sleep(5);
        inFlight--;
        return truth(p);
      },
      {
        sampler: new RandomSampler(space, { seed: 3 }),
        maxTrials: 1000,
        concurrency,
        onTrial: (trial) => {
          if (trial.number === 2) controller.abort(reason);
        },
        signal: controller.signal,
      },
    );
    await assert.rejects(study, (e) => e === reason);
    assert.equal(inFlight, 0, `concurrency ${concurrency}: no trial is left running`);
    assert.ok(started <= 2 + concurrency, `concurrency ${concurrency}: ${started} trials started`);
  }
  await assert.rejects(
    runStudy(() => 0, {
      sampler: new RandomSampler(space, { seed: 3 }),
      maxTrials: 5,
      signal: AbortSignal.abort(),
    }),
  );
});

test('with a signal, a study of synchronous trials still sees an abort from a timer', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('timer')), 20);
  let started = 0;
  const busy = (p: HyperParameters) => {
    started++;
    const until = performance.now() + 1;
    while (performance.now() < until);
    return truth(p);
  };
  await assert.rejects(
    runStudy(busy, {
      sampler: new RandomSampler(space, { seed: 4 }),
      maxTrials: 100_000,
      signal: controller.signal,
    }),
    /timer/,
  );
  assert.ok(started < 5000, `${started} trials started before the abort was seen`);
});
