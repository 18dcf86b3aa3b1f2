import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestStorageEnv, testBackend } from '../db/testing/test-database.js';
import { CLI, ingestDemoData, runCli } from './run-cli.js';

const b = testBackend();

// Far more trials than the test waits for: only a stop between trials ends the search in time.
const CONFIG = `name: interrupted-demand
horizon: 7
backtest: { folds: 4 }
algorithms:
  moving-average: { trials: 1000, space: { window: { min: 2, max: 60 } } }
data: { days: 90 }
`;

test(`[${b}] Ctrl-C during shelfcast train stops the run between trials, registers nothing and exits 130; a rerun takes the finished steps from the cache`, async (t) => {
  const storage = await createTestStorageEnv();
  t.after(storage.cleanup);
  const env = storage.env;
  // Enough series that the 1,000-trial search runs for many seconds, far longer than the test waits.
  await ingestDemoData(env, { stores: 3, products: 30, days: 150 });
  const config = join(env.SHELFCAST_HOME, 'train.yaml');
  writeFileSync(config, CONFIG);

  const child = spawn(process.execPath, [CLI, 'train', '--config', config], {
    env: { ...process.env, ...env, ...(env.DATABASE_URL ? {} : { DATABASE_URL: '' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      resolve(code);
    }),
  );
  t.after(() => child.kill('SIGKILL'));

  // The step before the search has finished: the search is under way.
  const deadline = Date.now() + 240_000;
  while (!ended && !/\]\s+partition\s+succeeded/.test(stderr) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(stderr, /partition/, `the run did not reach the search: ${stderr}`);
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000)),
  ]);
  assert.equal(code, 130, `stdout: ${stdout}\nstderr: ${stderr}`);
  assert.match(stderr, /stopping the training run after the current step or trial/);
  assert.match(stderr, /the run was stopped at train before it registered a model/);

  const models = await runCli(['models', 'list', '--json'], env);
  assert.equal(models.code, 0, models.stderr);
  assert.deepEqual(JSON.parse(models.stdout), [], 'nothing registered');

  // Again, with a search small enough to finish here: steps whose inputs did not change (the
  // config's search is not theirs) come from the interrupted run's cache.
  writeFileSync(config, CONFIG.replace('trials: 1000', 'trials: 2'));
  const again = await runCli(['train', '--config', config, '--json'], env, 300_000);
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout) as {
    status: string;
    steps: { name: string; cacheHit: boolean | null }[];
  };
  assert.equal(summary.status, 'succeeded');
  const hit = (name: string) => summary.steps.find((s) => s.name === name)?.cacheHit;
  assert.equal(hit('prepare'), true, JSON.stringify(summary.steps));
  assert.equal(hit('train'), false);
});
