import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../../e2e/run-cli.js';
import { tempDir } from '../../io/testing/temp-dir.js';
import type { ArgoWorkflow } from '../../pipeline/compile-argo.js';
import { DEFAULT_SERVICE_ACCOUNT } from '../../pipeline/compile-argo.js';
import {
  DATABASE_URL_KEY,
  DEFAULT_HOME_PATH,
  DEFAULT_IMAGE,
  DEFAULT_PVC,
  DEFAULT_SECRET,
} from '../../pipeline/compile-target.js';
import { readRunRecord, runDirectory } from '../../pipeline/run-state.js';
import { FIXTURE_MODULE } from '../../pipeline/testing/compile-fixture.js';
import { buildProgram } from '../main.js';

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

function yamlDocs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], file);
    return d.toJS() as Record<string, unknown>;
  });
}

interface PodSpec {
  containers: {
    image: string;
    args: string[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    volumeMounts?: { name: string; mountPath: string }[];
    ports?: { name: string; containerPort: number }[];
    readinessProbe?: { httpGet: { path: string; port: string } };
  }[];
  volumes?: { name: string; persistentVolumeClaim: { claimName: string } }[];
  securityContext?: { runAsNonRoot?: boolean };
}

test('deploy/: manifests parse and agree with each other, with the compiled workflows and with the CLI', () => {
  const program = buildProgram();
  /** A container's `shelfcast` arguments must name a real subcommand and real options of it. */
  const checkArgs = (where: string, args: readonly string[]) => {
    let command = program;
    let at = 0;
    for (; at < args.length; at++) {
      const sub = command.commands.find((c) => c.name() === args[at]);
      if (!sub) break;
      command = sub;
    }
    assert.ok(at > 0, `${where}: shelfcast has no command "${args[0]}"`);
    const longs = new Set(command.options.map((o) => o.long));
    for (const a of args.slice(at))
      if (a.startsWith('--')) assert.ok(longs.has(a), `${where}: ${command.name()} has no ${a}`);
  };

  const docs = readdirSync(join(DEPLOY, 'kubernetes'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => yamlDocs(join(DEPLOY, 'kubernetes', f)).map((d) => ({ file: f, doc: d })));
  const objects = docs.filter((d) => d.doc.kind !== 'Kustomization');
  const kinds = objects.map((d) => `${d.doc.kind}/${(d.doc.metadata as { name: string }).name}`).sort();
  for (const k of [
    'Namespace/shelfcast',
    `Secret/${DEFAULT_SECRET}`,
    `PersistentVolumeClaim/${DEFAULT_PVC}`,
    'Deployment/shelfcast-api',
    'Service/shelfcast-api',
    'Deployment/shelfcast-worker',
    'CronJob/shelfcast-retrain',
  ])
    assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
  for (const { doc, file } of objects)
    if (doc.kind !== 'Namespace')
      assert.equal((doc.metadata as { namespace?: string }).namespace, 'shelfcast', `${file}: namespace`);
  const kustomization = docs.find((d) => d.doc.kind === 'Kustomization')!.doc as { resources: string[] };
  for (const r of kustomization.resources)
    assert.ok(
      docs.some((d) => d.file === r),
      `kustomization lists ${r}`,
    );
  assert.ok(
    !kustomization.resources.includes('secret.example.yaml'),
    'the Secret template is applied by hand',
  );

  const pvc = objects.find((d) => d.doc.kind === 'PersistentVolumeClaim')!.doc as {
    spec: { accessModes: string[] };
  };
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  const secretKeys = new Map(
    objects
      .filter((d) => d.doc.kind === 'Secret')
      .map((d) => [(d.doc.metadata as { name: string }).name, Object.keys(d.doc.stringData as object)]),
  );
  assert.deepEqual(secretKeys.get(DEFAULT_SECRET), [DATABASE_URL_KEY]);

  const pods: [string, PodSpec, Record<string, string> | undefined][] = [];
  for (const { doc } of objects) {
    const name = (doc.metadata as { name: string }).name;
    if (doc.kind === 'Deployment') {
      const spec = doc.spec as {
        selector: { matchLabels: Record<string, string> };
        template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
      };
      for (const [k, v] of Object.entries(spec.selector.matchLabels))
        assert.equal(spec.template.metadata.labels[k], v, `${name}: selector matches the pod labels`);
      pods.push([name, spec.template.spec, spec.template.metadata.labels]);
    }
    if (doc.kind === 'CronJob')
      pods.push([
        name,
        (doc.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template
          .spec,
        undefined,
      ]);
  }
  assert.deepEqual(pods.map((p) => p[0]).sort(), ['shelfcast-api', 'shelfcast-retrain', 'shelfcast-worker']);
  for (const [name, pod] of pods) {
    const c = pod.containers[0]!;
    assert.equal(c.image, DEFAULT_IMAGE, `${name}: image`);
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${name}: non-root`);
    checkArgs(name, c.args);
    assert.deepEqual(pod.volumes, [
      { name: 'shelfcast-home', persistentVolumeClaim: { claimName: DEFAULT_PVC } },
    ]);
    assert.deepEqual(c.volumeMounts, [{ name: 'shelfcast-home', mountPath: DEFAULT_HOME_PATH }]);
    const env = new Map((c.env ?? []).map((e) => [e.name, e]));
    assert.equal(env.get('SHELFCAST_HOME')?.value, DEFAULT_HOME_PATH, name);
    const db = env.get('DATABASE_URL')?.valueFrom?.secretKeyRef;
    assert.deepEqual(db, { name: DEFAULT_SECRET, key: DATABASE_URL_KEY }, name);
    for (const e of env.values()) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref)
        assert.ok(secretKeys.get(ref.name)?.includes(ref.key), `${name}: Secret ${ref.name} has ${ref.key}`);
    }
  }
  const worker = pods.find((p) => p[0] === 'shelfcast-worker')![1].containers[0]!;
  assert.ok(
    worker.env?.some((e) => e.name === 'REDIS_URL'),
    'the worker reads the queue from REDIS_URL',
  );
  const [, apiPod, apiLabels] = pods.find((p) => p[0] === 'shelfcast-api')!;
  const api = apiPod.containers[0]!;
  const port = api.ports!.find((p) => p.name === 'http')!.containerPort;
  assert.equal(api.args[api.args.indexOf('--port') + 1], String(port));
  assert.equal(api.readinessProbe?.httpGet.path, '/ready');
  const service = objects.find((d) => d.doc.kind === 'Service')!.doc as {
    spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
  };
  for (const [k, v] of Object.entries(service.spec.selector))
    assert.equal(apiLabels?.[k], v, 'service selects the api pods');
  assert.equal(service.spec.ports[0]?.targetPort, 'http');

  // The compiled workflow runs as the service account deploy/argo/rbac.yaml creates, in the same namespace.
  const rbac = yamlDocs(join(DEPLOY, 'argo', 'rbac.yaml'));
  const workflow = yamlDocs(join(DEPLOY, 'argo', 'standard-pipeline.yaml'))[0] as unknown as ArgoWorkflow;
  assert.equal(workflow.spec.serviceAccountName, DEFAULT_SERVICE_ACCOUNT);
  assert.ok(
    rbac.some(
      (d) => d.kind === 'ServiceAccount' && (d.metadata as { name: string }).name === DEFAULT_SERVICE_ACCOUNT,
    ),
  );
  assert.equal(workflow.metadata.namespace, 'shelfcast');
  for (const t of workflow.spec.templates) if (t.container) checkArgs(t.name, t.container.args);

  // Compose: the four services, the same commands, health checks, named volumes.
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')) as {
    services: Record<
      string,
      {
        image: string;
        build?: { context: string; dockerfile: string };
        command?: string[];
        healthcheck?: object;
        environment?: Record<string, string>;
        volumes?: string[];
        depends_on?: Record<string, { condition: string }>;
      }
    >;
    volumes: Record<string, unknown>;
  };
  const s = compose.services;
  assert.deepEqual(Object.keys(s).sort(), ['api', 'postgres', 'redis', 'worker']);
  assert.equal(s.postgres?.image, 'postgres:15');
  assert.equal(s.redis?.image, 'redis:7');
  for (const name of ['postgres', 'redis', 'api'])
    assert.ok(s[name]?.healthcheck, `${name} has a health check`);
  for (const name of ['api', 'worker']) {
    const service = s[name]!;
    assert.equal(service.image, DEFAULT_IMAGE);
    assert.deepEqual([service.build?.context, service.build?.dockerfile], ['..', 'deploy/Dockerfile']);
    checkArgs(`compose ${name}`, service.command!);
    assert.match(service.environment?.DATABASE_URL ?? '', /@postgres:5432\//);
    assert.equal(service.environment?.REDIS_URL, 'redis://redis:6379');
    assert.equal(service.environment?.SHELFCAST_HOME, DEFAULT_HOME_PATH);
    assert.ok(service.volumes?.includes(`shelfcast-home:${DEFAULT_HOME_PATH}`));
    assert.equal(service.depends_on?.postgres?.condition, 'service_healthy');
  }
  for (const v of Object.values(s).flatMap((x) => x.volumes ?? []))
    assert.ok(v.split(':')[0]! in compose.volumes, `volume ${v} is declared`);

  // Dockerfile: a Debian Node 20 base given as an ARG, two stages, a non-root user, `shelfcast` as entrypoint.
  const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  assert.equal(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)?.length, 2);
  assert.match(dockerfile, /^RUN npm ci/m);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["shelfcast"\]$/m);
  assert.match(dockerfile, /SHELFCAST_HOME=\/var\/lib\/shelfcast/);
});
