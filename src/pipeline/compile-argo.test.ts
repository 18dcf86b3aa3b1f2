import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../io/testing/temp-dir.js';
import { parsePipelineConfig } from '../pipeline-config/pipeline-config.js';
import { standardPipeline } from '../pipeline-config/standard-pipeline.js';
import { type ArgoWorkflow, compileArgo } from './compile-argo.js';
import { DEFAULT_IMAGE, PipelineCompileError } from './compile-target.js';
import { runPipeline } from './local-runner.js';
import { definePipeline, type Pipeline } from './pipeline-definition.js';
import { readRunRecord, runDirectory } from './run-state.js';
import { defineStep, param } from './step.js';
import { FIXTURE_MODULE, fixturePipeline } from './testing/compile-fixture.js';
import { runArgoLocally } from './testing/local-engine.js';

const CLI = fileURLToPath(new URL('../../bin/shelfcast.js', import.meta.url));

/** The DAG's edges as "upstream → task" pairs, and a check that the tasks can run in some order. */
function dagOf(manifest: ArgoWorkflow) {
  const dag = manifest.spec.templates.find((t) => t.name === manifest.spec.entrypoint)?.dag;
  assert.ok(dag, 'the entrypoint is a dag template');
  const edges = dag.tasks.flatMap((t) => (t.dependencies ?? []).map((d) => `${d} → ${t.name}`)).sort();
  // Kahn's algorithm over the manifest alone: every task must become runnable.
  const done = new Set<string>();
  while (done.size < dag.tasks.length) {
    const ready = dag.tasks.filter(
      (t) => !done.has(t.name) && (t.dependencies ?? []).every((d) => done.has(d)),
    );
    assert.ok(
      ready.length > 0,
      `tasks ${dag.tasks.filter((t) => !done.has(t.name)).map((t) => t.name)} never run`,
    );
    for (const t of ready) done.add(t.name);
  }
  return { tasks: dag.tasks, edges };
}

function pipelineEdges(pipeline: Pipeline, rename: (name: string) => string = (n) => n) {
  return pipeline.nodes.flatMap((n) => n.dependsOn.map((d) => `${rename(d)} → ${rename(n.name)}`)).sort();
}

function fixtureParams(home: string) {
  mkdirSync(join(home, 'inputs'), { recursive: true });
  const source = join(home, 'inputs', 'numbers.csv');
  writeFileSync(source, '1\n2\n3\n4\n');
  return { source, factor: 3 };
}

test("the Argo DAG has exactly the pipeline's steps and edges; each task runs its own step", () => {
  const { manifest, yaml, tasks } = compileArgo(fixturePipeline, {
    pipelineRef: `${FIXTURE_MODULE}#fixturePipeline`,
    params: { source: '/var/lib/shelfcast/inputs/numbers.csv', factor: 3 },
    namespace: 'forecasting',
    pvc: 'team-home',
    secret: 'team-db',
    stepResources: { scale: { requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '6Gi' } } },
  });
  assert.equal(manifest.apiVersion, 'argoproj.io/v1alpha1');
  assert.equal(manifest.kind, 'Workflow');
  assert.equal(manifest.metadata.generateName, 'compile-fixture-');
  assert.equal(manifest.metadata.namespace, 'forecasting');
  // The YAML text is the same object (and says it is generated).
  assert.deepEqual(parse(yaml), manifest);
  assert.match(yaml, /^# Argo Workflow for the shelfcast pipeline "compile-fixture"/);

  const { tasks: dagTasks, edges } = dagOf(manifest);
  assert.deepEqual(dagTasks.map((t) => t.name).sort(), ['count-rows', 'load', 'report', 'scale']);
  assert.deepEqual(
    edges,
    pipelineEdges(fixturePipeline, (n) => tasks.get(n)!),
  );
  assert.deepEqual(edges, ['count-rows → report', 'load → count-rows', 'load → scale', 'scale → report']);

  const params = manifest.spec.arguments.parameters.find((p) => p.name === 'params');
  assert.deepEqual(JSON.parse(params!.value), { factor: 3, source: '/var/lib/shelfcast/inputs/numbers.csv' });
  assert.deepEqual(manifest.spec.volumes, [
    { name: 'shelfcast-home', persistentVolumeClaim: { claimName: 'team-home' } },
  ]);
  assert.equal(manifest.spec.securityContext.runAsNonRoot, true);

  for (const node of fixturePipeline.nodes) {
    const task = dagTasks.find((t) => t.name === tasks.get(node.name))!;
    const template = manifest.spec.templates.find((t) => t.name === task.template)!;
    const c = template.container!;
    assert.equal(c.image, DEFAULT_IMAGE);
    assert.deepEqual(c.command, ['shelfcast']);
    const args = c.args;
    assert.deepEqual(args.slice(0, 2), ['pipeline', 'run-step']);
    assert.equal(args[args.indexOf('--step') + 1], node.name, 'the task names its own step');
    assert.equal(args[args.indexOf('--run-id') + 1], '{{workflow.name}}');
    assert.equal(args[args.indexOf('--params-json') + 1], '{{workflow.parameters.params}}');
    assert.equal(args[args.indexOf('--pipeline') + 1], `${FIXTURE_MODULE}#fixturePipeline`);
    assert.deepEqual(c.volumeMounts, [{ name: 'shelfcast-home', mountPath: '/var/lib/shelfcast' }]);
    assert.deepEqual(c.env, [
      { name: 'SHELFCAST_HOME', value: '/var/lib/shelfcast' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'team-db', key: 'DATABASE_URL' } } },
    ]);
    if (node.name === 'scale') {
      assert.deepEqual(c.resources, { requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '6Gi' } });
      // maximumAttempts 3 → two retries; the step's backoff; no retry after a non-retryable failure.
      assert.deepEqual(template.retryStrategy, {
        limit: 2,
        retryPolicy: 'Always',
        expression: 'asInt(lastRetry.exitCode) != 1',
        backoff: { duration: '0.5s', factor: 3, cap: '4s' },
      });
      assert.deepEqual(args.slice(-2), ['--retry-number', '{{retries}}']);
    } else {
      assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '1Gi' } });
      assert.equal(template.retryStrategy, undefined);
      assert.ok(!args.includes('--retry-number'));
    }
  }
});

test('the standard pipeline compiles to its steps with their dependencies', () => {
  const config = parsePipelineConfig({ name: 'demand', horizon: 7, algorithms: { ets: { trials: 1 } } });
  const { manifest, tasks } = compileArgo(standardPipeline, {
    pipelineRef: 'standard',
    params: { config: JSON.parse(JSON.stringify(config)), configHash: 'abc' },
    runtimeParams: ['dataFingerprint'],
  });
  const { tasks: dagTasks, edges } = dagOf(manifest);
  assert.deepEqual(
    dagTasks.map((t) => t.name),
    standardPipeline.nodes.map((n) => n.name),
  );
  assert.deepEqual(
    edges,
    pipelineEdges(standardPipeline, (n) => tasks.get(n)!),
  );
  assert.ok(edges.includes('snapshot → validate') && edges.includes('evaluate → register'), edges.join(', '));
  const params = JSON.parse(manifest.spec.arguments.parameters[0]!.value) as Record<string, unknown>;
  assert.deepEqual(Object.keys(params), ['config', 'configHash']);
  assert.equal(manifest.metadata.namespace, undefined);
});

test('what a cluster would refuse is refused at compile time, every problem at once', () => {
  assert.throws(
    () =>
      compileArgo(fixturePipeline, {
        pipelineRef: 'x#y',
        params: { factor: 'three', extra: 1 },
        pvc: 'Team_Home',
        namespace: 'Forecasting',
        resources: { requests: { memory: 'lots' } },
      }),
    (error: unknown) => {
      assert.ok(error instanceof PipelineCompileError);
      assert.equal(error.code, 'COMPILE_INVALID');
      for (const problem of [
        /unknown parameter "extra"/,
        /parameter "source" needs a value/,
        /parameter "factor" must be a number/,
        /PVC name "Team_Home"/,
        /resources\.requests\.memory "lots" is not a Kubernetes quantity/,
      ])
        assert.ok(
          error.problems.some((p) => problem.test(p)),
          `${problem} in ${error.problems.join('; ')}`,
        );
      return true;
    },
  );
  assert.throws(
    () =>
      compileArgo(fixturePipeline, {
        pipelineRef: 'x#y',
        params: { source: '/in.csv' },
        namespace: 'Bad_NS',
      }),
    /namespace "Bad_NS"/,
  );
  const step = (name: string) =>
    defineStep({ name, version: '1', inputs: {}, outputs: { v: param('integer') }, run: () => ({ v: 1 }) });
  const clash = definePipeline({ name: 'clash', steps: [{ step: step('a_b') }, { step: step('a-b') }] });
  assert.throws(
    () => compileArgo(clash, { pipelineRef: 'x#y' }),
    /steps "a_b" and "a-b" would both become task "a-b"/,
  );
  // A step named like the DAG template does not take its name.
  const named = definePipeline({ name: 'named', steps: [{ step: step('pipeline') }] });
  assert.equal(compileArgo(named, { pipelineRef: 'x#y' }).manifest.spec.entrypoint, 'pipeline-dag');
});

test('executing the compiled workflow task by task equals a local run; a second workflow is all cache hits', async () => {
  const home = tempDir('argo-home');
  const params = fixtureParams(home);
  // The volume is mounted where the local folder is, so paths in the parameters hold in both.
  const { manifest } = compileArgo(fixturePipeline, {
    pipelineRef: `${FIXTURE_MODULE}#fixturePipeline`,
    params,
    homePath: home,
  });
  const engine = {
    shelfcast: [process.execPath, CLI],
    volumes: { 'shelfcast-home': home },
    secrets: { 'shelfcast-database': { DATABASE_URL: '' } },
    baseEnv: { PATH: process.env.PATH },
  };
  const first = await runArgoLocally(manifest, 'compile-fixture-a1b2c', engine);
  assert.equal(first.status, 'Succeeded', JSON.stringify(first.tasks.map((t) => [t.task, t.code, t.stderr])));
  const finished = first.tasks.map((t) => t.task);
  assert.equal(finished[0], 'load');
  assert.equal(finished[3], 'report');
  assert.match(
    first.tasks[0]!.stdout,
    /^load \(run compile-fixture-a1b2c\): succeeded — miss: no earlier run/,
  );

  const record = readRunRecord(runDirectory(home, 'compile-fixture-a1b2c'))!;
  assert.equal(record.status, 'succeeded');
  assert.equal(record.pipeline, 'compile-fixture');
  assert.equal(record.sessions, 4);

  // The same pipeline and parameters in one local run, in a home of its own.
  const local = await runPipeline(fixturePipeline, { home: tempDir('argo-local'), params });
  assert.equal(local.status, 'succeeded');
  for (const node of fixturePipeline.nodes) {
    const remote = record.steps[node.name]!;
    const mine = local.steps[node.name]!;
    assert.equal(remote.status, 'succeeded', node.name);
    assert.equal(remote.cache?.key, mine.cache?.key, `${node.name}: same cache key`);
    assert.deepEqual(remote.inputs, mine.inputs, node.name);
    assert.deepEqual(remote.outputs?.params, mine.outputs?.params, node.name);
    assert.deepEqual(
      Object.fromEntries(Object.entries(remote.outputs?.artifacts ?? {}).map(([k, a]) => [k, a.hash])),
      Object.fromEntries(Object.entries(mine.outputs?.artifacts ?? {}).map(([k, a]) => [k, a.hash])),
      node.name,
    );
  }
  assert.deepEqual(record.steps.report?.outputs?.params.summary, { rows: 4, total: 30 });
  assert.equal(
    readFileSync(record.steps.report!.outputs!.artifacts.text!.path, 'utf8'),
    '4 rows, total 30\n',
  );

  const second = await runArgoLocally(manifest, 'compile-fixture-d3e4f', engine);
  assert.equal(second.status, 'Succeeded');
  const again = readRunRecord(runDirectory(home, 'compile-fixture-d3e4f'))!;
  for (const node of fixturePipeline.nodes) {
    assert.equal(again.steps[node.name]?.status, 'cached', node.name);
    assert.equal(
      again.steps[node.name]?.cache?.reason,
      'hit: same version, params and inputs as run compile-fixture-a1b2c',
    );
  }
  assert.equal(again.status, 'succeeded');
});

test("the engine retries a retryable step failure as the step's policy says; its dependents never start", async () => {
  const home = tempDir('argo-retry');
  const params = { ...fixtureParams(home), factor: 0 };
  const { manifest } = compileArgo(fixturePipeline, {
    pipelineRef: `${FIXTURE_MODULE}#fixturePipeline`,
    params,
    homePath: home,
  });
  const result = await runArgoLocally(manifest, 'compile-fixture-retry', {
    shelfcast: [process.execPath, CLI],
    volumes: { 'shelfcast-home': home },
    secrets: { 'shelfcast-database': { DATABASE_URL: '' } },
    baseEnv: { PATH: process.env.PATH },
  });
  assert.equal(result.status, 'Failed');
  const scale = result.tasks.find((t) => t.task === 'scale')!;
  // Three attempts (maximumAttempts 3), each a process that makes one attempt and exits 3.
  assert.equal(scale.attempts, 3);
  assert.equal(scale.code, 3);
  assert.match(scale.stderr, /step scale failed: factor 0 on attempt 3 \[STEP_FAILED\]/);
  assert.deepEqual(result.tasks.map((t) => t.task).sort(), ['count-rows', 'load', 'scale']);
  const record = readRunRecord(runDirectory(home, 'compile-fixture-retry'))!;
  assert.equal(record.status, 'failed');
  assert.equal(record.steps.scale?.attempts, 3);
  assert.equal(record.steps.report?.status, 'pending');
  assert.equal(record.steps.count_rows?.status, 'succeeded');
});
