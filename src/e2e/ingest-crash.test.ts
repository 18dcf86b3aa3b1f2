import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { fixtureDir } from '../ingest/testing/ingest-fixtures.js';
import { CLI, runCli } from './run-cli.js';

const b = testBackend();

test(`[${b}] a process killed in the middle of a batch leaves none of it; the rerun succeeds`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const skus = Array.from({ length: 100 }, (_, i) => `P${String(i).padStart(3, '0')}`);
  const dir = fixtureDir({
    'products.csv': `sku,name,category,unit\n${skus.map((s) => `${s},Product ${s},test,piece`).join('\n')}\n`,
  });
  for (const entity of ['stores', 'products']) {
    assert.equal((await runCli(['ingest', entity, join(dir, `${entity}.csv`)], storage.env)).code, 0);
  }
  // 60,000 rows: long enough to be killed while rows stream into the open transaction.
  const lines = ['store_code,sku,date,units'];
  const start = Date.UTC(2023, 0, 1);
  for (let d = 0; d < 600; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (const sku of skus) lines.push(`BER1,${sku},${date},${d % 9}`);
  }
  const file = join(dir, 'big.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const child = spawn(process.execPath, [CLI, 'ingest', 'sales', file], {
    env: {
      ...process.env,
      ...storage.env,
      SHELFCAST_PROGRESS_MS: '20',
      ...(storage.env.DATABASE_URL ? {} : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killed = await new Promise<boolean>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      // Progress lines say how many rows were read: kill once the batch is well under way.
      const m = /ingest sales ([\d,]+)/.exec(d.toString());
      if (m && Number(m[1]!.replace(/,/g, '')) > 5_000 && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve(true);
      }
    });
    child.on('close', () => resolve(false));
  });
  if (child.exitCode === null && child.signalCode === null) await once(child, 'close');
  assert.ok(killed, 'the ingest was killed mid-batch (it finished before the kill)');

  const count = await runCli(['batches', 'list', '--json'], storage.env);
  assert.equal(count.code, 0, count.stderr);
  const batches = JSON.parse(count.stdout) as { entity: string; status: string }[];
  assert.equal(batches.filter((x) => x.entity === 'sales').length, 0, 'no trace of the killed batch');

  const rerun = await runCli(['ingest', 'sales', file, '--json'], storage.env);
  assert.equal(rerun.code, 0, rerun.stderr);
  const result = JSON.parse(rerun.stdout);
  assert.equal(result.status, 'applied');
  assert.equal(result.rowsInserted, 60_000);
  assert.equal(result.rowsRejected, 0);
});
