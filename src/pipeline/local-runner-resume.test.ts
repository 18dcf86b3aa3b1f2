import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../io/testing/temp-dir.js';
import { runPipeline } from './local-runner.js';
import { readRunRecord, runDirectory } from './run-state.js';
import { resumePipeline } from './testing/resume-fixture.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'resume-fixture.js');

async function waitFor(check: () => boolean, child: ChildProcess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (child.exitCode !== null) throw new Error(`child exited early with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('timed out waiting for the child process');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a run killed in step 3 resumes with the same id without rerunning steps 1 and 2', async () => {
  const home = tempDir('pipeline-resume');
  const dir = tempDir('pipeline-resume-calls');
  const runId = 'killed-run';
  const child = spawn(process.execPath, [fixture, home, runId, dir], {
    env: { ...process.env, SHELFCAST_TEST_BLOCK: '1' },
    stdio: 'inherit',
  });
  await waitFor(() => existsSync(join(dir, 'blocked')), child);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;

  const killed = readRunRecord(runDirectory(home, runId))!;
  assert.equal(killed.status, 'running');
  assert.equal(killed.pid, child.pid);
  assert.equal(killed.steps.s1?.status, 'succeeded');
  assert.equal(killed.steps.s2?.status, 'succeeded');
  // "running" is written lazily (at most every 50 ms), so the kill may land before it.
  assert.ok(['pending', 'running'].includes(killed.steps.s3!.status), killed.steps.s3!.status);

  // `force` would rerun any step this session executes; the finished ones belong to the run already.
  const result = await runPipeline(resumePipeline(dir), { home, runId, force: true });
  assert.equal(result.status, 'succeeded');
  assert.equal(result.resumed, true);
  assert.deepEqual(readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n'), ['s1', 's2', 's3', 's3']);
  assert.equal(result.steps.s1?.resumed, true);
  assert.equal(result.steps.s2?.resumed, true);
  assert.equal(result.steps.s3?.resumed, undefined);
  assert.equal(readFileSync(result.steps.s3!.outputs!.artifacts.out!.path, 'utf8'), 'one two three');
  const record = readRunRecord(result.runDir)!;
  assert.equal(record.sessions, 2);
  assert.equal(record.pid, process.pid);
});

test('resuming a run id of another pipeline is refused', async () => {
  const home = tempDir('pipeline-resume');
  const dir = tempDir('pipeline-resume-calls');
  await runPipeline(resumePipeline(dir), { home, runId: 'r1' });
  const { definePipeline } = await import('./pipeline-definition.js');
  const other = definePipeline({ name: 'other', steps: [] });
  await assert.rejects(runPipeline(other, { home, runId: 'r1' }), { code: 'RUN_MISMATCH' });
});
