import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/shelfcast.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-generate-'));

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'generate', ...args], { encoding: 'utf8' });
}

describe('shelfcast generate', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the files and prints one JSON object with row counts', () => {
    const out = join(dir, 'json');
    const r = run(
      '--out',
      out,
      '--stores',
      '3',
      '--products',
      '20',
      '--days',
      '60',
      '--end',
      '2025-06-30',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress bar with --json');
    const summary = JSON.parse(r.stdout) as {
      outDir: string;
      files: { name: string; path: string; rows: number }[];
    };
    assert.equal(summary.outDir, out);
    assert.equal(summary.files.length, 10);
    for (const f of summary.files) {
      const lines = readFileSync(f.path, 'utf8').split('\n').length - 2;
      assert.equal(f.rows, lines, f.name);
    }
    assert.ok((summary.files.find((f) => f.name === 'sales.csv')?.rows ?? 0) > 0);
  });

  it('prints a human summary and a progress bar otherwise', () => {
    const r = run(
      '--out',
      join(dir, 'text'),
      '--stores',
      '2',
      '--products',
      '15',
      '--days',
      '40',
      '--end',
      '2025-06-30',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sales\.csv/);
    assert.match(r.stderr, /generating sales/);
  });

  it('refuses bad options with the usage exit code', () => {
    for (const args of [
      ['--stores', 'many'],
      ['--end', '2025-02-30'],
      ['--seed', '-3'],
    ]) {
      const r = run('--out', join(dir, 'bad'), ...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /shelfcast: /);
    }
    assert.equal(run().status, 2, '--out is required');
  });
});
