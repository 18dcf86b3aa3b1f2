/**
 * @module pipeline/testing/local-engine
 * Executes a compiled Argo Workflow or Kubeflow pipeline spec on this machine the way the engine
 * would, minus containers: tasks start when the tasks they depend on succeeded (independent ones at
 * once), each runs its container's command and arguments as a child process with the engine's
 * placeholders filled in and the container's environment (Secret keys, the volume's mount path
 * mapped to a local folder), and a failed task is retried as its retry strategy says. Everything
 * the manifest leaves unresolved (an unknown placeholder, a missing Secret key) is an error, as it
 * would be on a cluster.
 */
import { spawn } from 'node:child_process';
import type { ArgoWorkflow } from '../compile-argo.js';
import type { KfpPipelineSpec, KfpPlatformSpec } from '../compile-kfp.js';

export interface LocalEngineOptions {
  /** How to start the image's `shelfcast` command here, e.g. `[process.execPath, 'bin/shelfcast.js']`. */
  readonly shelfcast: readonly string[];
  /** PersistentVolumeClaim name → the local folder that stands in for the volume. */
  readonly volumes: Readonly<Record<string, string>>;
  /** Secret name → key → value. */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Environment the containers start from (PATH and the like); the container's own variables win. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

export interface TaskExecution {
  readonly task: string;
  readonly attempts: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly args: readonly string[];
}

export interface LocalWorkflowResult {
  readonly status: 'Succeeded' | 'Failed';
  /** Tasks that ran, in the order they finished. */
  readonly tasks: readonly TaskExecution[];
}

interface PlannedTask {
  readonly name: string;
  readonly dependencies: readonly string[];
  readonly maxRetries: number;
  /** Whether a failure with this exit code may be retried. */
  readonly retryable: (code: number | null) => boolean;
  readonly command: readonly string[];
  argsFor(retry: number): string[];
  readonly env: Record<string, string>;
}

/** Replaces every `{{…}}` through `lookup`; an unknown one is an error, as on the engine. */
function fill(text: string, lookup: (key: string) => string | undefined, where: string): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, key: string) => {
    const value = lookup(key);
    if (value === undefined) throw new Error(`${where}: cannot resolve {{${key}}}`);
    return value;
  });
}

function mapToVolume(value: string, mounts: readonly { mountPath: string; local: string }[]): string {
  for (const m of mounts)
    if (value === m.mountPath || value.startsWith(`${m.mountPath}/`))
      return m.local + value.slice(m.mountPath.length);
  return value;
}

function secretValue(options: LocalEngineOptions, name: string, key: string, where: string): string {
  const value = options.secrets[name]?.[key];
  if (value === undefined) throw new Error(`${where}: Secret "${name}" has no key "${key}"`);
  return value;
}

function localVolume(options: LocalEngineOptions, claim: string, where: string): string {
  const local = options.volumes[claim];
  if (local === undefined) throw new Error(`${where}: no PersistentVolumeClaim "${claim}"`);
  return local;
}

/**
 * Runs an Argo `Workflow` (its entrypoint must be a `dag` template) as workflow `workflowName`.
 *
 * @example
 * const result = await runArgoLocally(manifest, 'standard-x7k2p', { shelfcast: [node, cli], volumes, secrets });
 */
export async function runArgoLocally(
  manifest: ArgoWorkflow,
  workflowName: string,
  options: LocalEngineOptions,
): Promise<LocalWorkflowResult> {
  const { spec } = manifest;
  const templates = new Map(spec.templates.map((t) => [t.name, t]));
  const entry = templates.get(spec.entrypoint);
  if (!entry?.dag) throw new Error(`entrypoint "${spec.entrypoint}" is not a dag template`);
  const parameters = new Map(spec.arguments.parameters.map((p) => [p.name, p.value]));
  const claims = new Map(spec.volumes.map((v) => [v.name, v.persistentVolumeClaim.claimName]));
  const planned = entry.dag.tasks.map((task): PlannedTask => {
    const where = `task ${task.name}`;
    const template = templates.get(task.template);
    const container = template?.container;
    if (!container) throw new Error(`${where}: template "${task.template}" is not a container template`);
    const mounts = container.volumeMounts.map((m) => {
      const claim = claims.get(m.name);
      if (claim === undefined) throw new Error(`${where}: mounts undeclared volume "${m.name}"`);
      return { mountPath: m.mountPath, local: localVolume(options, claim, where) };
    });
    const env: Record<string, string> = {};
    for (const e of container.env)
      env[e.name] = e.valueFrom
        ? secretValue(options, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key, where)
        : mapToVolume(e.value ?? '', mounts);
    const strategy = template.retryStrategy;
    const refused = strategy?.expression.match(/^asInt\(lastRetry\.exitCode\) != (\d+)$/);
    if (strategy && !refused)
      throw new Error(`${where}: retry expression not understood: ${strategy.expression}`);
    return {
      name: task.name,
      dependencies: task.dependencies ?? [],
      maxRetries: strategy ? Number(strategy.limit) : 0,
      retryable: (code) => code !== Number(refused?.[1]),
      command: container.command,
      argsFor: (retry) =>
        container.args.map((a) =>
          fill(
            a,
            (key) => {
              if (key === 'workflow.name') return workflowName;
              if (key.startsWith('workflow.parameters.')) return parameters.get(key.slice(20));
              if (key === 'retries' && strategy) return String(retry);
              return undefined;
            },
            where,
          ),
        ),
      env,
    };
  });
  return runDag(planned, options);
}

/**
 * Runs a Kubeflow pipeline spec and its Kubernetes platform spec as the run with uuid `jobId`.
 * `parameterValues` override the pipeline inputs' defaults, as at run creation.
 */
export async function runKfpLocally(
  spec: KfpPipelineSpec,
  platform: KfpPlatformSpec,
  jobId: string,
  options: LocalEngineOptions,
  parameterValues: Readonly<Record<string, string>> = {},
): Promise<LocalWorkflowResult> {
  const pipelineInputs = (name: string) =>
    parameterValues[name] ?? spec.root.inputDefinitions.parameters[name]?.defaultValue;
  const planned = Object.entries(spec.root.dag.tasks).map(([name, task]): PlannedTask => {
    const where = `task ${name}`;
    const component = spec.components[task.componentRef.name];
    if (!component) throw new Error(`${where}: no component "${task.componentRef.name}"`);
    const container = spec.deploymentSpec.executors[component.executorLabel]?.container;
    if (!container) throw new Error(`${where}: no executor "${component.executorLabel}"`);
    const k8s = platform.platforms.kubernetes.deploymentSpec.executors[component.executorLabel];
    const inputs = new Map<string, string>();
    for (const [input, source] of Object.entries(task.inputs.parameters)) {
      if (!(input in component.inputDefinitions.parameters))
        throw new Error(`${where}: input "${input}" is not declared by ${task.componentRef.name}`);
      const value =
        source.componentInputParameter !== undefined
          ? pipelineInputs(source.componentInputParameter)
          : source.runtimeValue
            ? fill(
                source.runtimeValue.constant,
                (key) => (key === '$.pipeline_job_uuid' ? jobId : undefined),
                where,
              )
            : undefined;
      if (value === undefined) throw new Error(`${where}: input "${input}" has no value`);
      inputs.set(input, value);
    }
    const mounts = (k8s?.pvcMount ?? []).map((m) => ({
      mountPath: m.mountPath,
      local: localVolume(options, m.pvcNameParameter?.runtimeValue.constant ?? m.constant, where),
    }));
    const env: Record<string, string> = {};
    for (const e of container.env) env[e.name] = mapToVolume(e.value, mounts);
    for (const s of k8s?.secretAsEnv ?? [])
      for (const k of s.keyToEnv)
        env[k.envVar] = secretValue(
          options,
          s.secretNameParameter?.runtimeValue.constant ?? s.secretName,
          k.secretKey,
          where,
        );
    const args = container.args.map((a) =>
      fill(
        a,
        (key) => {
          const m = key.match(/^\$\.inputs\.parameters\['([^']+)'\]$/);
          return m ? inputs.get(m[1]!) : undefined;
        },
        where,
      ),
    );
    return {
      name,
      dependencies: task.dependentTasks ?? [],
      maxRetries: task.retryPolicy?.maxRetryCount ?? 0,
      retryable: () => true,
      command: container.command,
      argsFor: () => args,
      env,
    };
  });
  return runDag(planned, options);
}

async function runDag(
  tasks: readonly PlannedTask[],
  options: LocalEngineOptions,
): Promise<LocalWorkflowResult> {
  const names = new Set(tasks.map((t) => t.name));
  for (const t of tasks)
    for (const d of t.dependencies)
      if (!names.has(d)) throw new Error(`task ${t.name} depends on unknown task ${d}`);
  const done: TaskExecution[] = [];
  const state = new Map<string, 'pending' | 'running' | 'succeeded' | 'failed'>(
    tasks.map((t) => [t.name, 'pending']),
  );
  const running = new Map<string, Promise<void>>();
  for (;;) {
    for (const t of tasks) {
      if (state.get(t.name) !== 'pending') continue;
      if (!t.dependencies.every((d) => state.get(d) === 'succeeded')) continue;
      state.set(t.name, 'running');
      running.set(
        t.name,
        runTask(t, options).then((execution) => {
          done.push(execution);
          state.set(t.name, execution.code === 0 ? 'succeeded' : 'failed');
          running.delete(t.name);
        }),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  // Tasks below a failed one never start, as on the engine.
  return {
    status: done.length === tasks.length && done.every((d) => d.code === 0) ? 'Succeeded' : 'Failed',
    tasks: done,
  };
}

async function runTask(task: PlannedTask, options: LocalEngineOptions): Promise<TaskExecution> {
  const [program, ...rest] = task.command;
  if (program !== 'shelfcast')
    throw new Error(`task ${task.name}: runs ${program}, not the shelfcast command`);
  for (let retry = 0; ; retry++) {
    const args = [...rest, ...task.argsFor(retry)];
    const [local, ...localArgs] = options.shelfcast;
    const result = await spawnTask(
      local!,
      [...localArgs, ...args],
      { ...options.baseEnv, ...task.env },
      options.timeoutMs,
    );
    if (result.code === 0 || retry >= task.maxRetries || !task.retryable(result.code))
      return { task: task.name, attempts: retry + 1, ...result, args };
  }
}

function spawnTask(
  program: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
