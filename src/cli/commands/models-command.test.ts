import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../db/open-database.js';
import { createTestStorageEnv, testBackend } from '../../db/testing/test-database.js';
import { runCli } from '../../e2e/run-cli.js';
import { modelCatalog } from '../../models/model-catalog.js';
import { registerModelVersion } from '../../registry/model-registry.js';
import { formatModels } from './models-command.js';

describe('shelfcast models available', () => {
  it('lists every catalog model with its hyperparameters', () => {
    const entries = modelCatalog.list();
    const text = formatModels(entries);
    for (const e of entries) assert.ok(text.includes(e.name), e.name);
    assert.ok(entries.some((e) => e.name === 'seasonal-naive'));
    const withParams = entries.find((e) => e.hyperparameters.length > 0);
    if (withParams) for (const p of withParams.hyperparameters) assert.ok(text.includes(p.name), p.name);
  });
});

describe(`[${testBackend()}] shelfcast models list|show|promote|rollback`, () => {
  it('shows the registry, promotes with a reason, rolls back, and names unknown versions', async (t) => {
    const storage = await createTestStorageEnv();
    t.after(storage.cleanup);
    const db = await openDatabase({
      home: storage.env.SHELFCAST_HOME,
      ...(storage.env.DATABASE_URL ? { databaseUrl: storage.env.DATABASE_URL } : {}),
    });
    const signature = { features: ['units'], frequency: 'D', horizon: 14, quantiles: [0.5] };
    for (const mase of [0.9, 0.8]) {
      await registerModelVersion(db, {
        model: 'demand',
        signature,
        metrics: { mase },
        lineage: { backtestId: 'bt' },
      });
    }
    await db.close();

    const noReason = await runCli(['models', 'promote', 'demand@1'], storage.env);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /reason/);
    const p1 = await runCli(
      ['models', 'promote', 'demand@1', '--reason', 'baseline', '--actor', 'ana'],
      storage.env,
    );
    assert.equal(p1.code, 0, p1.stderr);
    assert.match(p1.stdout, /champion is now v1/);
    const p2 = await runCli(['models', 'promote', 'demand@2', '--reason', 'better'], storage.env);
    assert.equal(p2.code, 0, p2.stderr);

    const list = JSON.parse((await runCli(['models', 'list', '--json'], storage.env)).stdout);
    assert.deepEqual(
      list.map((m: { name: string; champion: number; latestVersion: number }) => [
        m.name,
        m.champion,
        m.latestVersion,
      ]),
      [['demand', 2, 2]],
    );
    const show = await runCli(['models', 'show', 'demand@champion'], storage.env);
    assert.match(show.stdout, /^demand@2 \(champion\)/);
    assert.match(show.stdout, /horizon 14/);

    const back = await runCli(
      ['models', 'rollback', 'demand', '--reason', 'regression', '--json'],
      storage.env,
    );
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual([JSON.parse(back.stdout).from, JSON.parse(back.stdout).to], [2, 1]);
    const history = await runCli(['models', 'show', 'demand'], storage.env);
    assert.match(history.stdout, /champion\s+manual\s+—\s+1\s+ana\s+baseline/);
    assert.match(history.stdout, /champion\s+rollback\s+2\s+1\s+\S+\s+rollback from v2 to v1: regression/);

    const missing = await runCli(['models', 'show', 'demand@7'], storage.env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no version 7/);
  });
});
