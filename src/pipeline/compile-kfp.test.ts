import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../io/testing/temp-dir.js';
import { parsePipelineConfig } from '../pipeline-config/pipeline-config.js';
import { standardPipeline } from '../pipeline-config/standard-pipeline.js';
import { compileKfp, KFP_RUN_ID_PLACEHOLDER } from './compile-kfp.js';
import { runPipeline } from './local-runner.js';
import type { Pipeline } from './pipeline-definition.js';
import { readRunRecord, runDirectory } from './run-state.js';
import { FIXTURE_MODULE, fixturePipeline } from './testing/compile-fixture.js';
import { runKfpLocally } from './testing/local-engine.js';

const CLI = fileURLToPath(new URL('../../bin/shelfcast.js', import.meta.url));

function edgesOf(pipeline: Pipeline, rename: (name: string) => string) {
  return pipeline.nodes.flatMap((n) => n.dependsOn.map((d) => `${rename(d)} → ${rename(n.name)}`)).sort();
}

test("the Kubeflow spec has one task per step, dependentTasks as the pipeline's edges, and the IR fields", () => {
  const { spec, platform, yaml, tasks } = compileKfp(fixturePipeline, {
    pipelineRef: `${FIXTURE_MODULE}#fixturePipeline`,
    params: { source: '/var/lib/shelfcast/inputs/numbers.csv' },
    secret: 'team-db',
  });
  // One file, two documents: the spec and the Kubernetes platform spec, as kfp.compiler writes.
  const docs = parseAllDocuments(yaml).map((d) => d.toJS());
  assert.equal(docs.length, 2);
  assert.deepEqual(docs[0], spec);
  assert.deepEqual(docs[1], platform);
  assert.equal(spec.schemaVersion, '2.1.0');
  assert.match(spec.sdkVersion, /^shelfcast-\d+\.\d+\.\d+/);
  assert.equal(spec.pipelineInfo.name, 'compile-fixture');

  const dag = spec.root.dag.tasks;
  assert.deepEqual(Object.keys(dag).sort(), ['count-rows', 'load', 'report', 'scale']);
  const edges = Object.entries(dag)
    .flatMap(([name, t]) => (t.dependentTasks ?? []).map((d) => `${d} → ${name}`))
    .sort();
  assert.deepEqual(
    edges,
    edgesOf(fixturePipeline, (n) => tasks.get(n)!),
  );
  assert.deepEqual(JSON.parse(spec.root.inputDefinitions.parameters.params!.defaultValue), {
    source: '/var/lib/shelfcast/inputs/numbers.csv',
  });

  for (const node of fixturePipeline.nodes) {
    const name = tasks.get(node.name)!;
    const task = dag[name]!;
    assert.deepEqual(task.taskInfo, { name });
    assert.deepEqual(task.cachingOptions, { enableCache: false });
    assert.deepEqual(task.inputs.parameters.run_id, { runtimeValue: { constant: KFP_RUN_ID_PLACEHOLDER } });
    const component = spec.components[task.componentRef.name]!;
    assert.deepEqual(Object.keys(component.inputDefinitions.parameters).sort(), ['params', 'run_id']);
    const container = spec.deploymentSpec.executors[component.executorLabel]!.container;
    const args = container.args;
    assert.deepEqual(container.command, ['shelfcast']);
    assert.equal(args[args.indexOf('--step') + 1], node.name, 'the executor runs its own step');
    assert.equal(args[args.indexOf('--run-id') + 1], "{{$.inputs.parameters['run_id']}}");
    assert.deepEqual(container.resources, { resourceCpuRequest: '500m', resourceMemoryRequest: '1Gi' });
    const k8s = platform.platforms.kubernetes.deploymentSpec.executors[component.executorLabel]!;
    assert.equal(k8s.pvcMount[0]?.pvcNameParameter.runtimeValue.constant, 'shelfcast-home');
    assert.equal(k8s.pvcMount[0]?.mountPath, '/var/lib/shelfcast');
    assert.deepEqual(k8s.secretAsEnv[0]?.keyToEnv, [{ secretKey: 'DATABASE_URL', envVar: 'DATABASE_URL' }]);
    assert.equal(k8s.secretAsEnv[0]?.secretName, 'team-db');
    if (node.name === 'scale')
      assert.deepEqual(task.retryPolicy, { maxRetryCount: 2, backoffDuration: '0.5s', backoffFactor: 3 });
    else assert.equal(task.retryPolicy, undefined);
  }
});

test('the standard pipeline as a Kubeflow spec keeps its steps and edges', () => {
  const config = parsePipelineConfig({ name: 'demand', horizon: 7, algorithms: { ets: { trials: 1 } } });
  const { spec, tasks } = compileKfp(standardPipeline, {
    pipelineRef: 'standard',
    params: { config: JSON.parse(JSON.stringify(config)), configHash: 'abc' },
    runtimeParams: ['dataFingerprint'],
  });
  const dag = spec.root.dag.tasks;
  assert.deepEqual(
    Object.keys(dag),
    standardPipeline.nodes.map((n) => tasks.get(n.name)),
  );
  const edges = Object.entries(dag)
    .flatMap(([name, t]) => (t.dependentTasks ?? []).map((d) => `${d} → ${name}`))
    .sort();
  assert.deepEqual(
    edges,
    edgesOf(standardPipeline, (n) => tasks.get(n)!),
  );
});

test('executing the Kubeflow spec task by task equals a local run', async () => {
  const home = tempDir('kfp-home');
  mkdirSync(join(home, 'inputs'));
  const source = join(home, 'inputs', 'numbers.csv');
  writeFileSync(source, '5\n6\n');
  const { spec, platform } = compileKfp(fixturePipeline, {
    pipelineRef: `${FIXTURE_MODULE}#fixturePipeline`,
    params: { source },
    homePath: home,
  });
  const engine = {
    shelfcast: [process.execPath, CLI],
    volumes: { 'shelfcast-home': home },
    secrets: { 'shelfcast-database': { DATABASE_URL: '' } },
    baseEnv: { PATH: process.env.PATH },
  };
  // A run created with another factor, as the Kubeflow UI allows for pipeline inputs.
  const jobId = '0b6c3f4e-9d1a-4c55-8f0e-3a2b1c0d9e8f';
  const result = await runKfpLocally(spec, platform, jobId, engine, {
    params: JSON.stringify({ source, factor: 10 }),
  });
  assert.equal(
    result.status,
    'Succeeded',
    JSON.stringify(result.tasks.map((t) => [t.task, t.code, t.stderr])),
  );
  const record = readRunRecord(runDirectory(home, jobId))!;
  assert.equal(record.status, 'succeeded');
  assert.deepEqual(record.steps.report?.outputs?.params.summary, { rows: 2, total: 110 });

  const local = await runPipeline(fixturePipeline, {
    home: tempDir('kfp-local'),
    params: { source, factor: 10 },
  });
  for (const node of fixturePipeline.nodes) {
    assert.equal(record.steps[node.name]?.cache?.key, local.steps[node.name]?.cache?.key, node.name);
    assert.deepEqual(record.steps[node.name]?.outputs, {
      ...local.steps[node.name]?.outputs,
      artifacts: Object.fromEntries(
        Object.entries(local.steps[node.name]?.outputs?.artifacts ?? {}).map(([k, a]) => [
          k,
          { ...a, path: a.path.replace(/^.*\/pipeline-cache\//, `${home}/pipeline-cache/`) },
        ]),
      ),
    });
  }
});
