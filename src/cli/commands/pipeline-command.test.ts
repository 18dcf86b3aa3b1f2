import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCli } from '../../e2e/run-cli.js';
import { tempDir } from '../../io/testing/temp-dir.js';
import type { ArgoWorkflow } from '../../pipeline/compile-argo.js';
import { readRunRecord, runDirectory } from '../../pipeline/run-state.js';
import { FIXTURE_MODULE } from '../../pipeline/testing/compile-fixture.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(REPO, 'deploy');
const EXAMPLE = join(REPO, 'examples/pipelines/demand-forecast.yaml');
const FIXTURE = `${FIXTURE_MODULE}#fixturePipeline`;
const noDatabase = { DATABASE_URL: '' };

/** The commands that wrote the committed files (deploy/README.md lists them too). */
const GENERATED = [
  {
    file: 'argo/standard-pipeline.yaml',
    args: ['pipeline', 'compile', '--target', 'argo', '--config', EXAMPLE, '--namespace', 'shelfcast'],
  },
  {
    file: 'kubeflow/standard-pipeline.yaml',
    args: ['pipeline', 'compile', '--target', 'kfp', '--config', EXAMPLE],
  },
];

test('the committed Argo and Kubeflow files equal a fresh compile of the example config', async () => {
  for (const { file, args } of GENERATED) {
    const fresh = await runCli(args, noDatabase);
    assert.equal(fresh.code, 0, fresh.stderr);
    const committed = readFileSync(join(DEPLOY, file), 'utf8');
    const command = args
      .map((a) => (a === EXAMPLE ? 'examples/pipelines/demand-forecast.yaml' : a))
      .join(' ');
    assert.ok(
      fresh.stdout === committed,
      `deploy/${file} is out of date; regenerate it: node bin/shelfcast.js ${command} --out deploy/${file}`,
    );
  }
});

test('shelfcast pipeline compile: usage errors name the option; --pipeline compiles a module of your own', async () => {
  const bad = await runCli(['pipeline', 'compile', '--target', 'airflow', '--config', EXAMPLE], noDatabase);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--target must be argo or kfp, got 'airflow'/);

  const dir = tempDir('pipeline-command');
  const params = join(dir, 'params.json');
  writeFileSync(params, JSON.stringify({ source: '/data/numbers.csv' }));
  const out = join(dir, 'wf.yaml');
  const own = await runCli(
    [
      'pipeline',
      'compile',
      '--target',
      'argo',
      '--pipeline',
      FIXTURE,
      '--params',
      params,
      '--cpu',
      '2',
      '--out',
      out,
    ],
    noDatabase,
  );
  assert.equal(own.code, 0, own.stderr);
  const manifest = parse(readFileSync(out, 'utf8')) as ArgoWorkflow;
  assert.deepEqual(manifest.spec.templates.map((t) => t.name).sort(), [
    'count-rows',
    'load',
    'pipeline',
    'report',
    'scale',
  ]);
  assert.deepEqual(manifest.spec.templates[1]?.container?.resources, { requests: { cpu: '2' } });

  const missing = await runCli(['pipeline', 'compile', '--target', 'kfp', '--pipeline', FIXTURE], noDatabase);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /parameter "source" needs a value/);
});

test('shelfcast pipeline run-step runs one step; refuses a step whose upstream has not run; exit code says whether a retry can help', async () => {
  const home = tempDir('pipeline-run-step');
  const source = join(home, 'numbers.csv');
  writeFileSync(source, '1\n2\n');
  const env = { ...noDatabase, SHELFCAST_HOME: home };
  const step = (runId: string, name: string, p: object, ...more: string[]) =>
    runCli(
      [
        'pipeline',
        'run-step',
        '--pipeline',
        FIXTURE,
        '--run-id',
        runId,
        '--step',
        name,
        '--params-json',
        JSON.stringify(p),
        ...more,
      ],
      env,
    );

  const early = await step('r1', 'scale', { source });
  assert.equal(early.code, 3);
  assert.match(
    early.stderr,
    /step "scale" of run r1 reads from step "load", which has not finished in that run/,
  );

  const load = await step('r1', 'load', { source });
  assert.equal(load.code, 0, load.stderr);
  assert.equal(load.stdout, 'load (run r1): succeeded — miss: no earlier run of this step\n');
  const scale = await step('r1', 'scale', { source }, '--retry-number', '1', '--json');
  assert.equal(scale.code, 0, scale.stderr);
  const record = JSON.parse(scale.stdout) as { status: string; attempts: number; runDir: string };
  assert.equal(record.status, 'succeeded');
  assert.equal(record.attempts, 2, 'retry number 1 is the second attempt');
  assert.equal(readRunRecord(runDirectory(home, 'r1'))?.steps.scale?.status, 'succeeded');

  writeFileSync(source, '');
  const empty = await step('r2', 'load', { source });
  assert.equal(
    empty.code,
    1,
    'a failure no retry can fix exits 1, which the compiled retryStrategy does not retry',
  );
  assert.match(empty.stderr, /step load failed: .* holds no numbers \[EMPTY_INPUT\] \(a retry cannot help\)/);

  const badRef = await runCli(
    ['pipeline', 'run-step', '--pipeline', 'elsewhere', '--run-id', 'r', '--step', 'x'],
    env,
  );
  assert.equal(badRef.code, 2);
  assert.match(badRef.stderr, /--pipeline takes "standard" or <module\.js>#<export>/);
});
