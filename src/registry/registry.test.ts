import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../db/database.js';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { startRun } from '../tracking/run-store.js';
import {
  getModelVersion,
  listModelVersions,
  listRegisteredModels,
  type ModelSignature,
  parseVersionRef,
  registerModelVersion,
} from './model-registry.js';
import { aliasHistory, promote, proposePromotion, relativeImprovement, rollback } from './promotion.js';
import { RegistryError } from './registry-error.js';

const b = testBackend();
const signature: ModelSignature = {
  features: ['units', 'price'],
  frequency: 'D',
  horizon: 28,
  quantiles: [0.1, 0.5, 0.9],
};
const sameBacktest = { backtestId: 'bt-1', dataSnapshotHash: 'snap-a' };

async function version(db: Database, mase: number, lineage: Record<string, string> = sameBacktest) {
  return registerModelVersion(db, { model: 'demand', signature, metrics: { mase }, lineage, actor: 'ana' });
}

const isCode = (code: string) => (e: unknown) => e instanceof RegistryError && e.code === code;

describe(`[${b}] model registry`, () => {
  it('numbers versions per model and keeps signature, metrics, lineage and artifact', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const run = await startRun(db, { experiment: 'reg', gitCommit: null });
    const v1 = await registerModelVersion(db, {
      model: 'demand',
      signature,
      metrics: { mase: 0.9 },
      lineage: { runId: run.runId, backtestId: 'bt-1', dataSnapshotHash: 'snap-a', configHash: 'cfg-1' },
      artifact: { sha256: 'f'.repeat(64), uri: '/store/ff' },
    });
    const v2 = await version(db, 0.8);
    const other = await registerModelVersion(db, { model: 'returns', signature });
    assert.deepEqual([v1.version, v2.version, other.version], [1, 2, 1]);
    const back = await getModelVersion(db, parseVersionRef('demand@1'));
    assert.deepEqual(back!.signature, signature);
    assert.deepEqual(back!.metrics, { mase: 0.9 });
    assert.deepEqual(back!.lineage, {
      runId: run.runId,
      backtestId: 'bt-1',
      dataSnapshotHash: 'snap-a',
      configHash: 'cfg-1',
    });
    assert.deepEqual(back!.artifact, { sha256: 'f'.repeat(64), uri: '/store/ff' });
    assert.deepEqual(
      (await listModelVersions(db, 'demand')).map((v) => v.version),
      [2, 1],
    );
    const models = await listRegisteredModels(db);
    assert.deepEqual(
      models.map((m) => [m.name, m.latestVersion, m.versionCount, m.champion]),
      [
        ['demand', 2, 2, null],
        ['returns', 1, 1, null],
      ],
    );
    await assert.rejects(
      registerModelVersion(db, { model: 'demand', signature: { ...signature, horizon: 0 } }),
      isCode('INVALID_SIGNATURE'),
    );
    assert.throws(() => parseVersionRef('demand'), isCode('INVALID_VERSION_REF'));
    assert.deepEqual(parseVersionRef('demand@champion'), { model: 'demand', version: 'champion' });
  });

  it('promotes by policy only past the margin on the same backtest, otherwise makes a challenger', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const policy = { metric: 'mase', margin: 0.05, actor: 'ci' };
    const v1 = await version(db, 1.0);
    const first = await proposePromotion(db, { model: 'demand', version: v1.version }, policy);
    assert.equal(first.outcome, 'champion', 'the first version becomes champion');

    const v2 = await version(db, 0.97); // 3 % better: below the 5 % margin
    const d2 = await proposePromotion(db, { model: 'demand', version: v2.version }, policy);
    assert.equal(d2.outcome, 'challenger');
    assert.ok(Math.abs(d2.improvement! - 0.03) < 1e-12);

    const v3 = await version(db, 0.5, { backtestId: 'bt-2', dataSnapshotHash: 'snap-b' }); // other backtest
    const d3 = await proposePromotion(db, { model: 'demand', version: v3.version }, policy);
    assert.equal(d3.outcome, 'challenger', 'a better number on another backtest does not promote');
    assert.match(d3.reason, /backtest/);

    const v4 = await version(db, 0.94); // 6 % better on the same backtest
    const d4 = await proposePromotion(db, { model: 'demand', version: v4.version }, policy);
    assert.equal(d4.outcome, 'champion');
    assert.equal(d4.previousChampion, 1);

    assert.equal((await getModelVersion(db, { model: 'demand', version: 'champion' }))!.version, 4);
    assert.equal((await getModelVersion(db, { model: 'demand', version: 'challenger' }))!.version, 3);
    assert.deepEqual((await getModelVersion(db, { model: 'demand', version: 4 }))!.aliases, ['champion']);

    // A challenger that later wins loses the challenger alias as it becomes champion.
    const v5 = await version(db, 0.8);
    await proposePromotion(db, { model: 'demand', version: v5.version }, { ...policy, margin: 0.5 });
    assert.equal((await getModelVersion(db, { model: 'demand', version: 'challenger' }))!.version, 5);
    const d5 = await proposePromotion(db, { model: 'demand', version: v5.version }, policy);
    assert.equal(d5.outcome, 'champion');
    assert.equal(await getModelVersion(db, { model: 'demand', version: 'challenger' }), null);

    await assert.rejects(
      proposePromotion(db, { model: 'demand', version: 5 }, { metric: 'wape', margin: 0 }),
      isCode('METRIC_MISSING'),
    );
    await assert.rejects(
      proposePromotion(db, { model: 'demand', version: 99 }, policy),
      (e: unknown) => isCode('VERSION_NOT_FOUND')(e) && /99/.test((e as Error).message),
    );
    assert.ok(Math.abs(relativeImprovement(0.9, 0.8, true) - 0.125) < 1e-12);
    assert.ok(Math.abs(relativeImprovement(0.9, 1.0, false) - 0.1) < 1e-12);
  });

  it('compares a version trained on new data with the champion re-scored on the same backtest', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const policy = { metric: 'mase', margin: 0.05, actor: 'ci' };
    const v1 = await version(db, 0.7);
    await proposePromotion(db, { model: 'demand', version: v1.version }, policy);
    const fresh = { backtestId: 'bt-1', dataSnapshotHash: 'snap-new' };
    // 0.8 looks worse than the champion's old 0.7, but on the new data the champion scores 0.9.
    const v2 = await version(db, 0.8, fresh);
    const d2 = await proposePromotion(
      db,
      { model: 'demand', version: v2.version },
      { ...policy, championRescore: { version: 1, value: 0.9 } },
    );
    assert.equal(d2.outcome, 'champion');
    assert.match(d2.reason, /re-scored on the same backtest/);
    assert.equal(d2.championValue, 0.9);
    // A re-score of a version that is no longer champion is ignored: snapshots differ, no comparison.
    const v3 = await version(db, 0.1, { backtestId: 'bt-1', dataSnapshotHash: 'snap-other' });
    const d3 = await proposePromotion(
      db,
      { model: 'demand', version: v3.version },
      { ...policy, championRescore: { version: 1, value: 5 } },
    );
    assert.equal(d3.outcome, 'challenger');
    assert.match(d3.reason, /data snapshots differ/);
  });

  it('requires a reason for manual promotion, rolls back, and audits every alias change', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    for (const m of [1.0, 0.9, 0.8]) await version(db, m);
    await assert.rejects(
      promote(db, { model: 'demand', version: 1 }, { reason: '  ' }),
      isCode('REASON_REQUIRED'),
    );
    await assert.rejects(rollback(db, 'demand'), isCode('NO_CHAMPION'));
    await promote(db, { model: 'demand', version: 1 }, { reason: 'baseline', actor: 'ana' });
    await promote(
      db,
      { model: 'demand', version: 3 },
      { reason: 'challenger trial', alias: 'challenger', actor: 'ana' },
    );
    await promote(db, { model: 'demand', version: 3 }, { reason: 'better on holidays', actor: 'ben' });
    await promote(
      db,
      { model: 'demand', version: 2 },
      { reason: 'try v2', alias: 'challenger', actor: 'ben' },
    );

    const back = await rollback(db, 'demand', { actor: 'ops', reason: 'bad forecasts in store 12' });
    assert.deepEqual(back, { from: 3, to: 1 }, 'default rollback returns to the previous champion');
    await promote(db, { model: 'demand', version: 3 }, { reason: 'fixed upstream', actor: 'ben' });
    const explicit = await rollback(db, 'demand', { to: 2, actor: 'ops' });
    assert.deepEqual(explicit, { from: 3, to: 2 });
    assert.equal(await getModelVersion(db, { model: 'demand', version: 'challenger' }), null);
    await assert.rejects(rollback(db, 'demand', { to: 3 }), isCode('INVALID_ROLLBACK'));
    await assert.rejects(rollback(db, 'nope'), isCode('MODEL_NOT_FOUND'));

    const audit = await aliasHistory(db, 'demand');
    assert.deepEqual(
      audit.map((a) => [a.alias, a.action, a.fromVersion, a.toVersion, a.actor]),
      [
        ['champion', 'manual', null, 1, 'ana'],
        ['challenger', 'manual', null, 3, 'ana'],
        ['champion', 'manual', 1, 3, 'ben'],
        ['challenger', 'cleared', 3, null, 'ben'],
        ['challenger', 'manual', null, 2, 'ben'],
        ['champion', 'rollback', 3, 1, 'ops'],
        ['champion', 'manual', 1, 3, 'ben'],
        ['champion', 'rollback', 3, 2, 'ops'],
        ['challenger', 'cleared', 2, null, 'ops'],
      ],
    );
    assert.equal(audit[2]!.reason, 'better on holidays');
    assert.match(audit[5]!.reason, /bad forecasts in store 12/);
    assert.ok(audit.every((a) => a.reason.length > 0 && !Number.isNaN(Date.parse(a.changedAt))));
  });

  it('concurrent promotions leave exactly one champion and an unbroken audit chain', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const versions = [];
    for (let i = 0; i < 6; i++) versions.push(await version(db, 1 - i * 0.1));
    await Promise.all(
      versions.map((v, i) =>
        i % 2 === 0
          ? proposePromotion(db, { model: 'demand', version: v.version }, { metric: 'mase', margin: 0.01 })
          : promote(db, { model: 'demand', version: v.version }, { reason: `race ${i}` }),
      ),
    );
    const holders = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM model_aliases WHERE alias = 'champion'",
    );
    assert.equal(Number(holders[0]!.n), 1);
    const champion = await getModelVersion(db, { model: 'demand', version: 'champion' });
    const chain = (await aliasHistory(db, 'demand')).filter((a) => a.alias === 'champion');
    for (let i = 1; i < chain.length; i++) assert.equal(chain[i]!.fromVersion, chain[i - 1]!.toVersion);
    assert.equal(chain.at(-1)!.toVersion, champion!.version);
    // Concurrent registrations number without gaps or duplicates.
    const more = await Promise.all([0, 1, 2, 3].map(() => version(db, 0.5)));
    assert.deepEqual(
      more.map((v) => v.version).sort((x, y) => x - y),
      [7, 8, 9, 10],
    );
  });
});
