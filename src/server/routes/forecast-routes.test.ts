import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testBackend } from '../../db/testing/test-database.js';
import { fixtureBundle, registerBundle } from '../../serving/testing/serving-fixture.js';
import { startTestServer, type TestServer, waitForJob } from '../testing/test-server.js';

// The batch-forecast job reads bundles from the store under SHELFCAST_HOME, as in production.
const home = mkdtempSync(join(tmpdir(), 'shelfcast-forecast-api-'));
process.env.SHELFCAST_HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

const bundle = (seed: number) =>
  fixtureBundle({ stores: 2, products: 3, models: ['theta', 'moving-average', 'croston'], seed, horizon: 7 });

async function withTwoVersions(t: { after: (fn: () => unknown) => void }): Promise<TestServer> {
  const server = await startTestServer({ home });
  t.after(() => server.close());
  await registerBundle(server.db, server.artifacts, 'demand', bundle(1));
  await registerBundle(server.db, server.artifacts, 'demand', bundle(2));
  return server;
}

describe(`[${testBackend()}] registry and forecast API`, () => {
  it('lists models and versions; only admins promote (with a reason) and roll back; forecasts follow the champion', async (t) => {
    const server = await withTwoVersions(t);

    const models = await server.call('GET', '/v1/models', { as: 'viewer' });
    assert.equal(models.status, 200, models.text);
    assert.deepEqual(
      models.json.items.map((m: { name: string; versionCount: number; champion: number | null }) => [
        m.name,
        m.versionCount,
        m.champion,
      ]),
      [['demand', 2, null]],
    );
    const versions = await server.call('GET', '/v1/models/demand/versions', { as: 'viewer' });
    assert.deepEqual(
      versions.json.items.map((v: { version: number }) => v.version),
      [2, 1],
    );
    assert.equal(
      (await server.call('GET', '/v1/models/demand/versions/1', { as: 'viewer' })).json.version,
      1,
    );
    const noChampion = await server.call('GET', '/v1/models/demand/versions/champion', { as: 'viewer' });
    assert.equal(noChampion.status, 404, noChampion.text);
    const none = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      body: { store: 'S01', sku: 'P0001', horizon: 7 },
    });
    assert.equal(none.status, 404, none.text);
    assert.equal(none.json.error.code, 'NO_CHAMPION');

    const analyst = await server.call('POST', '/v1/models/demand/promote', {
      as: 'analyst',
      body: { version: 1, reason: 'first' },
    });
    assert.equal(analyst.status, 403);
    const noReason = await server.call('POST', '/v1/models/demand/promote', {
      body: { version: 1, reason: '  ' },
    });
    assert.equal(noReason.status, 400, noReason.text);
    assert.equal(noReason.json.error.details[0].path, 'reason');
    const promoted = await server.call('POST', '/v1/models/demand/promote', {
      body: { version: 1, reason: 'first model' },
    });
    assert.equal(promoted.status, 200, promoted.text);
    assert.deepEqual(promoted.json, { alias: 'champion', version: 1, previous: null, changed: true });

    const one = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      body: { store: 'S01', sku: 'P0001', horizon: 7, quantiles: [0.1, 0.9] },
    });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.model, 'demand');
    assert.equal(one.json.version, 1);
    assert.equal(one.json.forecasts.length, 1);
    const points = one.json.forecasts[0].points as {
      date: string;
      mean: number;
      quantiles: Record<string, number>;
    }[];
    assert.equal(points.length, 7);
    assert.equal(points[0]?.date, '2026-07-01');
    for (const p of points) {
      assert.deepEqual(Object.keys(p.quantiles).sort(), ['0.1', '0.9']);
      assert.ok(p.quantiles['0.1']! <= p.quantiles['0.9']! && p.mean >= 0, JSON.stringify(p));
    }
    const many = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      body: {
        pairs: [
          { store: 'S01', sku: 'P0002' },
          { store: 'S02', sku: 'P0003' },
        ],
        horizon: 3,
      },
    });
    assert.equal(many.status, 200, many.text);
    assert.deepEqual(
      many.json.forecasts.map((f: { store: string; sku: string; points: unknown[] }) => [
        f.store,
        f.sku,
        f.points.length,
      ]),
      [
        ['S01', 'P0002', 3],
        ['S02', 'P0003', 3],
      ],
    );
    const unknown = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      body: { store: 'S09', sku: 'P0001', horizon: 3 },
    });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json.error.code, 'UNKNOWN_PAIR');
    const both = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      body: { store: 'S01', sku: 'P0001', pairs: [{ store: 'S01', sku: 'P0001' }], horizon: 3 },
    });
    assert.equal(both.status, 400, both.text);

    // While version 2 is promoted, concurrent requests all succeed, each from one version; after
    // the promote answers, every request gets version 2 without a restart.
    const request = () =>
      server.call('POST', '/v1/forecasts', {
        as: 'viewer',
        body: { store: 'S02', sku: 'P0001', horizon: 7 },
      });
    const during = Array.from({ length: 40 }, request);
    const second = await server.call('POST', '/v1/models/demand/promote', {
      body: { version: 2, reason: 'better on the new backtest' },
    });
    assert.equal(second.status, 200, second.text);
    const answers = await Promise.all(during);
    assert.ok(
      answers.every((a) => a.status === 200),
      answers.map((a) => a.status).join(','),
    );
    const expected = new Map<number, string>();
    for (const a of answers) {
      assert.ok([1, 2].includes(a.json.version));
      const body = JSON.stringify(a.json.forecasts);
      // Every answer of one version is the same forecast: no answer mixes two versions.
      assert.equal(expected.get(a.json.version) ?? body, body);
      expected.set(a.json.version, body);
    }
    const after = await Promise.all(Array.from({ length: 10 }, request));
    assert.ok(after.every((a) => a.status === 200 && a.json.version === 2));

    const rollback = await server.call('POST', '/v1/models/demand/rollback', {
      as: 'analyst',
      body: { reason: 'regression' },
    });
    assert.equal(rollback.status, 403);
    const back = await server.call('POST', '/v1/models/demand/rollback', { body: { reason: 'regression' } });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.json, { from: 2, to: 1 });
    assert.equal((await request()).json.version, 1);
    const noEarlier = await server.call('POST', '/v1/models/demand/rollback', { body: {} });
    assert.equal(noEarlier.status, 409, noEarlier.text);

    const aliases = await server.call('GET', '/v1/models/demand/aliases', { as: 'viewer' });
    assert.equal(aliases.json.champion, 1);
    assert.deepEqual(
      aliases.json.history.map((h: { action: string; toVersion: number; actor: string }) => [
        h.action,
        h.toVersion,
        h.actor,
      ]),
      [
        ['manual', 1, server.tokens.admin.id],
        ['manual', 2, server.tokens.admin.id],
        ['rollback', 1, server.tokens.admin.id],
      ],
    );
    const audit = await server.call('GET', '/v1/audit?limit=100');
    const actions = audit.json.items.map(
      (e: { action: string; status: number }) => `${e.action} ${e.status}`,
    );
    for (const a of ['model.promote 200', 'model.promote 403', 'model.rollback 200', 'model.rollback 409'])
      assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);

    const metrics = await server.call('GET', '/metrics', { as: null });
    assert.match(metrics.text, /^shelfcast_model_version\{model="demand"\} 1$/m);
  });

  it('runs batch forecasts as a job and reads them back paged and as CSV', async (t) => {
    const server = await withTwoVersions(t);
    // Refused at once, not as a failed job: no champion yet, or no such model.
    const early = await server.call('POST', '/v1/batch-forecasts', { as: 'analyst' });
    assert.equal(early.status, 404, early.text);
    assert.equal(early.json.error.code, 'NO_CHAMPION');
    const unknown = await server.call('POST', '/v1/batch-forecasts', {
      as: 'analyst',
      body: { model: 'nope' },
    });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal((await server.call('GET', '/v1/jobs', { as: 'viewer' })).json.items.length, 0);
    await server.call('POST', '/v1/models/demand/promote', { body: { version: 2, reason: 'serve it' } });
    assert.equal((await server.call('POST', '/v1/batch-forecasts', { as: 'viewer' })).status, 403);
    const started = await server.call('POST', '/v1/batch-forecasts', {
      as: 'analyst',
      body: { model: 'demand' },
    });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.json.type, 'batch-forecast');
    const job = await waitForJob(server, started.json.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.deepEqual(
      { model: job.result.model, version: job.result.version, pairs: job.result.pairs },
      {
        model: 'demand',
        version: 2,
        pairs: 6,
      },
    );
    assert.equal(job.progress, 1);

    const page = await server.call('GET', '/v1/batch-forecasts?limit=5&offset=0', { as: 'viewer' });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.total, 6 * 7);
    assert.equal(page.json.items.length, 5);
    assert.deepEqual(
      [page.json.items[0].store, page.json.items[0].sku, page.json.items[0].version],
      ['S01', 'P0001', 2],
    );
    const last = await server.call('GET', '/v1/batch-forecasts?limit=5&offset=40', { as: 'viewer' });
    assert.equal(last.json.items.length, 2);
    const one = await server.call('GET', '/v1/batch-forecasts?store=S02&sku=P0003', { as: 'viewer' });
    assert.equal(one.json.total, 7);

    const csv = await server.call('GET', '/v1/batch-forecasts/csv?model=demand', { as: 'viewer' });
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = csv.text.trimEnd().split('\n');
    assert.equal(lines[0], 'store,sku,date,algorithm,mean,q10,q50,q90');
    assert.equal(lines.length, 1 + 6 * 7);
    assert.match(lines[1]!, /^S01,P0001,2026-07-01,[a-z-]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+$/);
  });
});
