import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testBackend } from '../../db/testing/test-database.js';
import { runPipeline } from '../../pipeline/local-runner.js';
import { definePipeline, fromParam, fromStep } from '../../pipeline/pipeline-definition.js';
import { defineStep, param } from '../../pipeline/step.js';
import { endRun, logMetrics, startRun } from '../../tracking/run-store.js';
import { startTestServer } from '../testing/test-server.js';

// Training jobs keep their runs under SHELFCAST_HOME, where the server reads them.
const home = mkdtempSync(join(tmpdir(), 'shelfcast-pipeline-api-'));
process.env.SHELFCAST_HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

/** A two-step pipeline whose second step fails when asked to. */
const double = defineStep({
  name: 'double',
  version: '1',
  inputs: { n: param('number') },
  outputs: { doubled: param('number') },
  run({ n }, { log }) {
    log.info(`doubling ${n}`);
    return { doubled: n * 2 };
  },
});
const check = defineStep({
  name: 'check',
  version: '1',
  inputs: { value: param('number') },
  outputs: { ok: param('boolean') },
  run({ value }, { log }) {
    log.warn(`checking ${value}`);
    if (value > 10) throw new Error(`${value} is too large`);
    return { ok: true };
  },
});
const pipeline = definePipeline({
  name: 'api-test',
  params: { n: param('number') },
  steps: [
    { step: double, inputs: { n: fromParam('n') } },
    { step: check, inputs: { value: fromStep('double', 'doubled') } },
  ],
});

describe(`[${testBackend()}] pipelines and experiments API`, () => {
  it("shows pipeline runs with each step's status and logs; refuses paths that leave the run directory", async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const ok = await runPipeline(pipeline, { home: server.home, params: { n: 2 } });
    const failed = await runPipeline(pipeline, { home: server.home, params: { n: 8 } });
    assert.equal(failed.status, 'failed');

    const list = await server.call('GET', '/v1/pipelines/runs', { as: 'viewer' });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.json.items.map((r: { runId: string; status: string }) => [r.runId, r.status]).sort(),
      [
        [ok.runId, 'succeeded'],
        [failed.runId, 'failed'],
      ].sort(),
    );
    const run = await server.call('GET', `/v1/pipelines/runs/${failed.runId}`, { as: 'viewer' });
    assert.equal(run.status, 200, run.text);
    const steps = Object.fromEntries(
      run.json.steps.map((s: { name: string; status: string; error: { message: string } | null }) => [
        s.name,
        s,
      ]),
    );
    assert.equal(steps.double.status, 'succeeded');
    assert.deepEqual(steps.double.outputs, { doubled: 16 });
    assert.equal(steps.check.status, 'failed');
    assert.match(steps.check.error.message, /16 is too large/);

    const log = await server.call('GET', `/v1/pipelines/runs/${failed.runId}/logs/check`, { as: 'viewer' });
    assert.equal(log.status, 200, log.text);
    assert.match(log.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(log.text, /WARN checking 16/);

    for (const path of [
      `/v1/pipelines/runs/${failed.runId}/logs/nope`,
      '/v1/pipelines/runs/20990101T000000-deadbeef',
    ])
      assert.equal((await server.call('GET', path, { as: 'viewer' })).status, 404, path);
    for (const path of [
      `/v1/pipelines/runs/${encodeURIComponent('../../etc')}`,
      `/v1/pipelines/runs/${failed.runId}/logs/${encodeURIComponent('../run')}`,
      `/v1/pipelines/runs/${encodeURIComponent('..')}/logs/check`,
    ]) {
      const r = await server.call('GET', path, { as: 'viewer' });
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
      assert.ok(r.json?.error, path);
    }
  });

  it('checks a training config before starting it as a job; only analysts start training', async (t) => {
    const server = await startTestServer({ home });
    t.after(() => server.close());
    const config = { name: 'api-demand', horizon: 7, algorithms: { naive: { trials: 1 } } };
    assert.equal(
      (await server.call('POST', '/v1/pipelines/train', { as: 'viewer', body: { config } })).status,
      403,
    );
    const bad = await server.call('POST', '/v1/pipelines/train', {
      as: 'analyst',
      body: { config: { name: 'Bad Name', horizon: 0, algorithms: { 'no-such-model': {} } } },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.code, 'CONFIG_INVALID');
    const paths = bad.json.error.details.map((d: { path: string }) => d.path);
    for (const p of ['config.name', 'config.horizon', 'config.algorithms.no-such-model'])
      assert.ok(paths.includes(p), `${p} in ${paths}`);
    const unknownStore = await server.call('POST', '/v1/pipelines/train', {
      as: 'analyst',
      body: { config: { ...config, data: { stores: ['NOPE-1'], categories: ['nothing'] } } },
    });
    assert.equal(unknownStore.status, 400, unknownStore.text);
    assert.deepEqual(
      unknownStore.json.error.details.map((d: { path: string }) => d.path),
      ['config.data.stores[0]', 'config.data.categories[0]'],
    );

    const started = await server.call('POST', '/v1/pipelines/train', { as: 'analyst', body: { config } });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.json.type, 'train');
    assert.equal(started.json.payload.config.name, 'api-demand');
    assert.equal(started.json.createdBy, server.tokens.analyst.id);
    // No data is stored, so the run fails; the job says where, and the run is readable.
    const deadline = Date.now() + 60_000;
    let job = started.json;
    while (!job.finishedAt && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 200));
      job = (await server.call('GET', `/v1/jobs/${started.json.id}`, { as: 'viewer' })).json;
    }
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.ok(job.error.code.length > 0 && job.error.message.length > 0, JSON.stringify(job.error));
    const runs = await server.call('GET', '/v1/pipelines/runs', { as: 'viewer' });
    assert.equal(runs.json.items[0]?.pipeline, 'standard-demand-forecast');
  });

  it('lists, filters, sorts and compares tracked runs, with metric histories', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const ids: string[] = [];
    for (const [model, mase] of [
      ['ets', 0.8],
      ['theta', 0.95],
      ['naive', 1.2],
    ] as const) {
      const run = await startRun(server.db, {
        experiment: 'weekly',
        name: model,
        params: { model, horizon: 14 },
        tags: { stage: model === 'naive' ? 'baseline' : 'candidate' },
        gitCommit: null,
      });
      await logMetrics(server.db, run.runId, [
        { key: 'mase', value: mase + 0.1, step: 0 },
        { key: 'mase', value: mase, step: 1 },
      ]);
      await endRun(server.db, run.runId);
      ids.push(run.runId);
    }

    const experiments = await server.call('GET', '/v1/experiments', { as: 'viewer' });
    assert.deepEqual(
      experiments.json.items.map((e: { name: string }) => e.name),
      ['weekly'],
    );
    const sorted = await server.call('GET', '/v1/runs?experiment=weekly&sort=mase', { as: 'viewer' });
    assert.equal(sorted.status, 200, sorted.text);
    assert.deepEqual(
      sorted.json.items.map((r: { name: string }) => r.name),
      ['ets', 'theta', 'naive'],
    );
    const desc = await server.call('GET', '/v1/runs?sort=-mase&limit=1', { as: 'viewer' });
    assert.equal(desc.json.items[0].name, 'naive');
    const where = await server.call(
      `GET`,
      `/v1/runs?where=${encodeURIComponent('metrics.mase < 0.9')}&tag=stage%3Dcandidate`,
      { as: 'viewer' },
    );
    assert.deepEqual(
      where.json.items.map((r: { name: string }) => r.name),
      ['ets'],
    );
    const badWhere = await server.call('GET', `/v1/runs?where=${encodeURIComponent('mase <<< 1')}`, {
      as: 'viewer',
    });
    assert.equal(badWhere.status, 400, badWhere.text);
    assert.equal(badWhere.json.error.code, 'INVALID_FILTER');

    const one = await server.call('GET', `/v1/runs/${ids[0]!.slice(0, 8)}`, { as: 'viewer' });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.runId, ids[0]);
    assert.equal(one.json.metrics.mase, 0.8);
    const history = await server.call('GET', `/v1/runs/${ids[0]}/metrics/mase`, { as: 'viewer' });
    assert.deepEqual(
      history.json.points.map((p: { step: number; value: number }) => [p.step, p.value]),
      [
        [0, 0.9],
        [1, 0.8],
      ],
    );
    const compared = await server.call('GET', `/v1/runs/compare?ids=${ids[0]},${ids[2]}`, { as: 'viewer' });
    assert.equal(compared.status, 200, compared.text);
    const model = compared.json.params.find((p: { key: string }) => p.key === 'model');
    assert.deepEqual(model, { key: 'model', values: ['ets', 'naive'], differs: true });
    const horizon = compared.json.params.find((p: { key: string }) => p.key === 'horizon');
    assert.equal(horizon.differs, false);
    assert.equal((await server.call('GET', `/v1/runs/compare?ids=${ids[0]}`, { as: 'viewer' })).status, 400);
    assert.equal((await server.call('GET', '/v1/runs/ffffffff-0000', { as: 'viewer' })).status, 404);
  });
});
