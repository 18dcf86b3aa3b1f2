import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { fixtureDir } from '../ingest/testing/ingest-fixtures.js';
import { runCli } from './run-cli.js';

const b = testBackend();

test(`[${b}] shelfcast ingest: exit codes, --json shape, refused batches and the batch report`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const dir = fixtureDir({
    'sales.csv': 'store_code,sku,date,units\nBER1,BRUSH-01,2024-01-01,3\nBER1,SOAP-01,2024-01-01,1\n',
    'bad.csv': 'store_code,sku,date,units\nBER1,BRUSH-01,2024-01-02,-3\nBER1,BRUSH-01,2024-01-03,1\n',
  });
  for (const entity of ['stores', 'products']) {
    const r = await runCli(['ingest', entity, join(dir, `${entity}.csv`)], storage.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /APPLIED/);
  }

  const ok = await runCli(['ingest', 'sales', join(dir, 'sales.csv'), '--json'], storage.env);
  assert.equal(ok.code, 0, ok.stderr);
  const json = JSON.parse(ok.stdout);
  for (const key of [
    'batchId',
    'status',
    'rowsRead',
    'rowsInserted',
    'rowsUpdated',
    'rowsUnchanged',
    'rowsRejected',
  ]) {
    assert.ok(key in json, `--json has ${key}`);
  }
  assert.deepEqual([json.status, json.rowsRead, json.rowsInserted], ['applied', 2, 2]);

  const again = JSON.parse(
    (await runCli(['ingest', 'sales', join(dir, 'sales.csv'), '--json'], storage.env)).stdout,
  );
  assert.deepEqual([again.status, again.rowsUnchanged, again.duplicateOf], ['duplicate', 2, json.batchId]);

  const refused = await runCli(['ingest', 'sales', join(dir, 'bad.csv')], storage.env);
  assert.equal(refused.code, 1, 'a refused batch exits non-zero');
  assert.match(refused.stdout, /REFUSED/);
  assert.match(refused.stdout, /NEGATIVE\s+units\s+1\s+.*bad\.csv:2/);

  const id = /batch (\d+)/.exec(refused.stdout)?.[1];
  const show = await runCli(['batches', 'show', id!, '--json'], storage.env);
  assert.equal(show.code, 0, show.stderr);
  const detail = JSON.parse(show.stdout);
  assert.equal(detail.status, 'refused');
  assert.deepEqual(
    detail.quarantine.map((q: { line: number; field: string; code: string }) => [q.line, q.field, q.code]),
    [[2, 'units', 'NEGATIVE']],
  );

  const missing = await runCli(['ingest', 'sales', join(dir, 'nope.csv')], storage.env);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /nope\.csv: no such file/);
  assert.doesNotMatch(missing.stderr, /at .*\.js:\d+/, 'no stack trace');

  const usage = await runCli(['ingest', 'sales'], storage.env);
  assert.equal(usage.code, 2);
  const unknown = await runCli(['ingest', 'gadgets', join(dir, 'sales.csv')], storage.env);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown entity 'gadgets'/);
});

test('shelfcast --help lists the commands', async () => {
  const r = await runCli(['--help'], {});
  assert.equal(r.code, 0);
  for (const command of ['demo', 'generate', 'ingest', 'batches'])
    assert.match(r.stdout, new RegExp(`\\b${command}\\b`));
});
