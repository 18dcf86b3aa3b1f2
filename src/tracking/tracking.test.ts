import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { tempDir } from '../io/testing/temp-dir.js';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { compareRuns, getRun, listRuns, metricHistory, resolveRunId } from './run-queries.js';
import {
  endRun,
  logArtifact,
  logMetric,
  logMetrics,
  logParams,
  readArtifact,
  setTags,
  startRun,
} from './run-store.js';
import { TrackingError } from './tracking-error.js';

const b = testBackend();

describe(`[${b}] experiment tracking`, () => {
  it('records nested trial runs with params, tags, environment and commit', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const parent = await startRun(db, { experiment: 'tuning', name: 'search', gitCommit: 'a'.repeat(40) });
    const trials = [];
    for (const alpha of [0.1, 0.3]) {
      trials.push(await startRun(db, { parentRunId: parent.runId, params: { alpha, model: 'ets' } }));
    }
    assert.equal(trials[0]!.experiment, 'tuning', 'a nested run inherits its parent experiment');
    assert.equal(trials[0]!.parentRunId, parent.runId);
    await endRun(db, trials[0]!.runId);
    await endRun(db, trials[1]!.runId, 'failed');

    const detail = await getRun(db, parent.runId);
    assert.deepEqual(new Set(detail!.childRunIds), new Set(trials.map((r) => r.runId)));
    assert.equal(detail!.gitCommit, 'a'.repeat(40));
    assert.equal(detail!.environment.node, process.version);
    assert.equal(detail!.environment.platform, process.platform);
    assert.equal(detail!.status, 'running');

    const t0 = await getRun(db, trials[0]!.runId);
    assert.deepEqual(t0!.params, { alpha: 0.1, model: 'ets' });
    assert.equal(t0!.status, 'finished');
    assert.ok(t0!.endedAt !== null);
    assert.equal((await getRun(db, trials[1]!.runId))!.status, 'failed');

    const top = await listRuns(db, { parentRunId: null });
    assert.deepEqual(
      top.map((r) => r.runId),
      [parent.runId],
    );
    const nested = await listRuns(db, { parentRunId: parent.runId });
    assert.equal(nested.length, 2);
  });

  it('keeps metric history per step and per fold; the current value is the last overall one', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const run = await startRun(db, { experiment: 'bt', gitCommit: null });
    await logMetrics(db, run.runId, [
      { key: 'mase', value: 0.8, fold: 1 },
      { key: 'mase', value: 1.0, fold: 0 },
      { key: 'mase', value: 0.9 },
      { key: 'loss', value: 3, step: 2 },
      { key: 'loss', value: 5, step: 0 },
      { key: 'loss', value: 4, step: 1 },
    ]);
    await logMetric(db, run.runId, { key: 'mase', value: 0.85, step: 1 });
    const mase = await metricHistory(db, run.runId, 'mase');
    assert.deepEqual(
      mase.map((p) => [p.step, p.fold, p.value]),
      [
        [0, 0, 1.0],
        [0, 1, 0.8],
        [0, null, 0.9],
        [1, null, 0.85],
      ],
    );
    const loss = await metricHistory(db, run.runId, 'loss');
    assert.deepEqual(
      loss.map((p) => p.value),
      [5, 4, 3],
    );
    const detail = await getRun(db, run.runId);
    assert.deepEqual(detail!.metrics, { loss: 3, mase: 0.85 });
    await assert.rejects(
      logMetric(db, run.runId, { key: 'mase', value: Number.NaN }),
      (e: unknown) => e instanceof TrackingError && e.code === 'INVALID_METRIC',
    );
  });

  it('refuses to change a param, and names an unknown run', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const run = await startRun(db, { experiment: 'p', params: { horizon: 14, cfg: { a: 1, b: [2] } } });
    await logParams(db, run.runId, { horizon: 14, cfg: { b: [2], a: 1 } });
    await assert.rejects(
      logParams(db, run.runId, { horizon: 28 }),
      (e: unknown) => e instanceof TrackingError && e.code === 'PARAM_CONFLICT' && /horizon/.test(e.message),
    );
    await assert.rejects(
      logMetric(db, 'no-such-run', { key: 'x', value: 1 }),
      (e: unknown) =>
        e instanceof TrackingError && e.code === 'RUN_NOT_FOUND' && /no-such-run/.test(e.message),
    );
    await assert.rejects(
      startRun(db, { parentRunId: 'missing-parent' }),
      (e: unknown) => e instanceof TrackingError && /missing-parent/.test(e.message),
    );
    assert.equal(await resolveRunId(db, run.runId.slice(0, 8)), run.runId);
    await assert.rejects(resolveRunId(db, 'ffffffff-nope'), /ffffffff-nope/);
  });

  it('stores artifacts once per content and reads them back byte-identical', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const root = tempDir('artifacts');
    const store = new FilesystemArtifactStore(root);
    const a = await startRun(db, { experiment: 'art' });
    const b2 = await startRun(db, { experiment: 'art' });
    const bytes = randomBytes(300_000);
    const file = join(tempDir('artifact-src'), 'model.bin');
    writeFileSync(file, bytes);

    const first = await logArtifact(db, store, a.runId, 'model/state.bin', { file });
    const second = await logArtifact(db, store, b2.runId, './model//state.bin', bytes);
    const other = await logArtifact(db, store, a.runId, 'notes.txt', 'hello\n');
    assert.equal(first.sha256, second.sha256);
    assert.equal(first.sizeBytes, bytes.length);
    assert.notEqual(other.sha256, first.sha256);
    const shard = first.sha256.slice(0, 2);
    const storedFiles = readdirSync(join(root, 'sha256'), { recursive: true }).filter((f) =>
      String(f).includes(first.sha256),
    );
    assert.equal(storedFiles.length, 1, `one stored file for identical content (shard ${shard})`);

    const back = await readArtifact(db, store, b2.runId, 'model/state.bin');
    assert.ok(Buffer.from(back).equals(bytes));
    assert.equal(Buffer.from(await readArtifact(db, store, a.runId, 'notes.txt')).toString(), 'hello\n');
    const detail = await getRun(db, a.runId);
    assert.deepEqual(
      detail!.artifacts.map((x) => [x.path, x.sha256]),
      [
        ['model/state.bin', first.sha256],
        ['notes.txt', other.sha256],
      ],
    );

    // A changed file on disk is detected rather than returned.
    writeFileSync(store.uri(other.sha256), 'tampered');
    await assert.rejects(
      readArtifact(db, store, a.runId, 'notes.txt'),
      (e: unknown) => e instanceof TrackingError && e.code === 'ARTIFACT_CORRUPT',
    );
    await assert.rejects(
      readArtifact(db, store, a.runId, 'absent.txt'),
      (e: unknown) => e instanceof TrackingError && e.code === 'ARTIFACT_NOT_FOUND',
    );
  });

  it('filters by experiment, status, tags, param and metric conditions and sorts by a metric', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const spec = [
      { model: 'ets', mase: 0.95, status: 'finished', stage: 'prod' },
      { model: 'theta', mase: 0.7, status: 'finished', stage: 'prod' },
      { model: 'ets', mase: 0.85, status: 'failed', stage: 'draft' },
      { model: 'arima', mase: 0.8, status: 'finished', stage: 'draft' },
    ] as const;
    const ids: string[] = [];
    for (const s of spec) {
      const run = await startRun(db, {
        experiment: 'weekly',
        params: { model: s.model, window: s.model === 'arima' ? 56 : 28 },
        tags: { stage: s.stage },
      });
      await logMetric(db, run.runId, { key: 'mase', value: s.mase });
      await endRun(db, run.runId, s.status);
      ids.push(run.runId);
    }
    const noise = await startRun(db, { experiment: 'other' });
    await logMetric(db, noise.runId, { key: 'mase', value: 0.1 });

    const ids_ = (rows: { runId: string }[]) => rows.map((r) => r.runId);
    const sorted = await listRuns(db, { experiment: 'weekly', sort: { metric: 'mase' } });
    assert.deepEqual(ids_(sorted), [ids[1], ids[3], ids[2], ids[0]]);
    const desc = await listRuns(db, { experiment: 'weekly', sort: { metric: 'mase', descending: true } });
    assert.deepEqual(ids_(desc), [ids[0], ids[2], ids[3], ids[1]]);
    assert.deepEqual(
      ids_(
        await listRuns(db, { experiment: 'weekly', where: ['metrics.mase < 0.9'], sort: { metric: 'mase' } }),
      ),
      [ids[1], ids[3], ids[2]],
    );
    assert.deepEqual(ids_(await listRuns(db, { status: 'finished', where: ['params.model = ets'] })), [
      ids[0],
    ]);
    assert.deepEqual(ids_(await listRuns(db, { where: ['params.window >= 50'] })), [ids[3]]);
    assert.deepEqual(ids_(await listRuns(db, { tags: { stage: 'prod' }, sort: { metric: 'mase' } })), [
      ids[1],
      ids[0],
    ]);
    assert.deepEqual(ids_(await listRuns(db, { where: ['tags.stage != prod', 'metrics.mase <= 0.8'] })), [
      ids[3],
    ]);
    assert.equal((await listRuns(db, {})).length, 5);
    await assert.rejects(
      listRuns(db, { where: ['mase < 0.9'] }),
      (e: unknown) => e instanceof TrackingError && e.code === 'INVALID_FILTER',
    );
    await setTags(db, ids[3]!, { stage: 'prod' });
    assert.deepEqual(
      ids_(await listRuns(db, { tags: { stage: 'prod' } })).sort(),
      [ids[0], ids[1], ids[3]].sort(),
    );
  });

  it('compares runs side by side and marks what differs', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const a = await startRun(db, { experiment: 'cmp', params: { model: 'ets', horizon: 14 } });
    const c = await startRun(db, { experiment: 'cmp', params: { model: 'theta', horizon: 14, theta: 2 } });
    await logMetrics(db, a.runId, [
      { key: 'mase', value: 0.9 },
      { key: 'wape', value: 0.3 },
    ]);
    await logMetrics(db, c.runId, [
      { key: 'mase', value: 0.8 },
      { key: 'wape', value: 0.3 },
    ]);
    const cmp = await compareRuns(db, [a.runId, c.runId]);
    assert.deepEqual(
      cmp.params.map((p) => [p.key, p.values, p.differs]),
      [
        ['horizon', [14, 14], false],
        ['model', ['ets', 'theta'], true],
        ['theta', [null, 2], true],
      ],
    );
    assert.deepEqual(
      cmp.metrics.map((m) => [m.key, m.values, m.differs]),
      [
        ['mase', [0.9, 0.8], true],
        ['wape', [0.3, 0.3], false],
      ],
    );
    await assert.rejects(compareRuns(db, [a.runId, 'ghost']), /ghost/);
  });
});
