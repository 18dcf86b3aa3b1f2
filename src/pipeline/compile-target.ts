/**
 * @module pipeline/compile-target
 * What the Argo Workflows and Kubeflow Pipelines compilers share: their options, the checks on a
 * pipeline's parameter values and on Kubernetes names, and the command line each container runs,
 * `shelfcast pipeline run-step`, which executes exactly one step of a run with the local runner's
 * caching and lineage (`runPipeline` with `only`). Steps pass artifacts by path on one shared
 * volume mounted as SHELFCAST_HOME, so the cache and the run directory are the same as on a laptop.
 */
import { readFileSync } from 'node:fs';
import type { Pipeline } from './pipeline-definition.js';
import { type JsonValue, paramFits } from './step.js';

/** The package version, for the default image tag and the compiled files' provenance. */
export const SHELFCAST_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Built from `deploy/Dockerfile`; the tag follows the package version. */
export const DEFAULT_IMAGE = `shelfcast:${SHELFCAST_VERSION}`;
export const DEFAULT_PVC = 'shelfcast-home';
export const DEFAULT_SECRET = 'shelfcast-database';
/** Key of the Secret that holds the PostgreSQL URL; it becomes the DATABASE_URL variable. */
export const DATABASE_URL_KEY = 'DATABASE_URL';
export const DEFAULT_HOME_PATH = '/var/lib/shelfcast';
export const DEFAULT_RESOURCES: StepResources = { requests: { cpu: '500m', memory: '1Gi' } };

/** Exit code of `shelfcast pipeline run-step` when the step failed and a retry cannot help. */
export const NON_RETRYABLE_EXIT_CODE = 1;

export interface ResourceList {
  /** Kubernetes quantity, e.g. `500m` or `2`. */
  readonly cpu?: string;
  /** Kubernetes quantity, e.g. `1Gi`. */
  readonly memory?: string;
}

export interface StepResources {
  readonly requests?: ResourceList;
  readonly limits?: ResourceList;
}

export interface CompileOptions {
  /**
   * How a container names the pipeline to `shelfcast pipeline run-step --pipeline`: `standard`, or
   * `<module.js>#<export>` for a pipeline of your own module (a path inside the image).
   */
  readonly pipelineRef: string;
  /** Values of the pipeline's parameters; every step of a run receives the same JSON document. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /**
   * Parameters left out of the compiled document because `run-step` computes them when the run
   * starts (the standard pipeline's `dataFingerprint`); later steps read them from the run record.
   */
  readonly runtimeParams?: readonly string[];
  /** Container image with the `shelfcast` command; default {@link DEFAULT_IMAGE}. */
  readonly image?: string;
  /** PersistentVolumeClaim mounted in every step as SHELFCAST_HOME; default {@link DEFAULT_PVC}. */
  readonly pvc?: string;
  /** Secret whose `DATABASE_URL` key becomes every step's DATABASE_URL; default {@link DEFAULT_SECRET}. */
  readonly secret?: string;
  /** Where the volume is mounted; default {@link DEFAULT_HOME_PATH}. */
  readonly homePath?: string;
  /** Requests and limits of every step; default {@link DEFAULT_RESOURCES}. */
  readonly resources?: StepResources;
  /** Per step (by pipeline step name), replacing `resources` for that step. */
  readonly stepResources?: Readonly<Record<string, StepResources>>;
}

export type PipelineCompileErrorCode = 'COMPILE_INVALID';

/** A pipeline or option set that cannot be compiled; `problems` lists every one found. */
export class PipelineCompileError extends Error {
  override readonly name = 'PipelineCompileError';
  readonly code: PipelineCompileErrorCode = 'COMPILE_INVALID';
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(
      `cannot compile ${subject}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these and compile again.`,
    );
  }
}

/** Options with every default filled in, checked. */
export interface ResolvedCompileOptions {
  readonly pipelineRef: string;
  readonly image: string;
  readonly pvc: string;
  readonly secret: string;
  readonly homePath: string;
  /** The JSON document of parameter values, keys sorted, indented for readers of the manifest. */
  readonly paramsJson: string;
  resourcesOf(step: string): StepResources;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;

/** Kubernetes object names (PVC, Secret, service account): DNS subdomains up to 253 characters. */
export function objectNameProblem(what: string, name: string): string | undefined {
  return DNS_SUBDOMAIN.test(name) && name.length <= 253
    ? undefined
    : `${what} "${name}" must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
}

/** A namespace or a label value's form: a DNS label up to 63 characters. */
export function labelProblem(what: string, name: string): string | undefined {
  return DNS_LABEL.test(name) && name.length <= 63
    ? undefined
    : `${what} "${name}" must be at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`;
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k] as JsonValue)]),
  );
}

/**
 * Fills in defaults and checks everything a cluster would refuse later: parameter values against
 * the pipeline's ports, names, resource quantities. Throws one `PipelineCompileError` listing all.
 */
export function resolveCompileOptions(pipeline: Pipeline, options: CompileOptions): ResolvedCompileOptions {
  const problems: string[] = [];
  const params = options.params ?? {};
  const runtime = new Set(options.runtimeParams ?? []);
  for (const name of Object.keys(params))
    if (!(name in pipeline.params)) problems.push(`unknown parameter "${name}"`);
  for (const name of runtime)
    if (!(name in pipeline.params)) problems.push(`unknown runtime parameter "${name}"`);
    else if (name in params)
      problems.push(`parameter "${name}" is given a value and also computed at run time`);
  for (const [name, port] of Object.entries(pipeline.params)) {
    const value = params[name];
    if (value === undefined) {
      if (!runtime.has(name) && !(port.kind === 'param' && port.default !== undefined))
        problems.push(`parameter "${name}" needs a value`);
      continue;
    }
    if (port.kind === 'param' && !paramFits(port.type, value))
      problems.push(`parameter "${name}" must be a ${port.type}`);
    if (port.kind === 'artifact' && typeof value !== 'string')
      problems.push(`parameter "${name}" must be the path of a ${port.type} inside the container`);
  }
  const image = options.image ?? DEFAULT_IMAGE;
  const pvc = options.pvc ?? DEFAULT_PVC;
  const secret = options.secret ?? DEFAULT_SECRET;
  const homePath = options.homePath ?? DEFAULT_HOME_PATH;
  if (image.trim() === '' || /\s/.test(image)) problems.push(`image "${image}" is not an image reference`);
  if (!homePath.startsWith('/')) problems.push(`home path "${homePath}" must be absolute`);
  if (options.pipelineRef.trim() === '') problems.push('the pipeline reference is empty');
  for (const p of [objectNameProblem('PVC name', pvc), objectNameProblem('Secret name', secret)])
    if (p) problems.push(p);
  const checkResources = (where: string, r: StepResources) => {
    for (const [kind, list] of Object.entries(r) as [string, ResourceList | undefined][])
      for (const [resource, quantity] of Object.entries(list ?? {}))
        if (typeof quantity !== 'string' || !QUANTITY.test(quantity))
          problems.push(
            `${where}${kind}.${resource} "${quantity}" is not a Kubernetes quantity (e.g. 500m, 2, 1Gi)`,
          );
  };
  checkResources('resources.', options.resources ?? {});
  for (const [step, r] of Object.entries(options.stepResources ?? {})) {
    if (!pipeline.node(step)) problems.push(`resources are given for unknown step "${step}"`);
    checkResources(`resources of step "${step}": `, r);
  }
  if (problems.length > 0) throw new PipelineCompileError(`pipeline "${pipeline.name}"`, problems);
  const resources = options.resources ?? DEFAULT_RESOURCES;
  return {
    pipelineRef: options.pipelineRef,
    image,
    pvc,
    secret,
    homePath,
    paramsJson: JSON.stringify(sortKeys(params as JsonValue), null, 2),
    resourcesOf: (step) => options.stepResources?.[step] ?? resources,
  };
}

/**
 * Task names for an engine: each step's name with `_` turned into `-` (and lower case when the
 * engine wants it). Throws when two steps would get the same task name.
 */
export function taskNames(pipeline: Pipeline, lowerCase: boolean): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  const problems: string[] = [];
  for (const node of pipeline.nodes) {
    let task = node.name.replace(/_/g, '-');
    if (lowerCase) task = task.toLowerCase();
    const other = taken.get(task);
    if (other)
      problems.push(`steps "${other}" and "${node.name}" would both become task "${task}"; rename one`);
    taken.set(task, node.name);
    names.set(node.name, task);
  }
  if (problems.length > 0) throw new PipelineCompileError(`pipeline "${pipeline.name}"`, problems);
  return names;
}

/**
 * The arguments of `shelfcast` that run one step of a run in a container. `runId` and `params` are
 * engine placeholders (`{{workflow.name}}`, …) that the engine fills in; `retryNumber`, when the
 * engine has one, is the retry count from 0.
 *
 * @example
 * runStepArgs('standard', 'train', { runId: '{{workflow.name}}', params: '{{workflow.parameters.params}}' });
 * // ['pipeline', 'run-step', '--pipeline', 'standard', '--run-id', '{{workflow.name}}', '--step', 'train', ...]
 */
export function runStepArgs(
  pipelineRef: string,
  step: string,
  placeholders: { runId: string; params: string; retryNumber?: string },
): string[] {
  return [
    'pipeline',
    'run-step',
    '--pipeline',
    pipelineRef,
    '--run-id',
    placeholders.runId,
    '--step',
    step,
    '--params-json',
    placeholders.params,
    ...(placeholders.retryNumber === undefined ? [] : ['--retry-number', placeholders.retryNumber]),
  ];
}

/** A duration in seconds, the form both engines read (Go durations, protobuf Duration JSON): `0.2s`, `30s`. */
export function durationText(ms: number): string {
  return `${ms / 1000}s`;
}

/** The comment at the top of a compiled file, naming its source and that it is generated. */
export function headerComment(pipeline: Pipeline, target: string, options: ResolvedCompileOptions): string {
  return [
    ` ${target} for the shelfcast pipeline "${pipeline.name}" (steps: ${pipeline.nodes.map((n) => n.name).join(', ')}).`,
    ` Generated by \`shelfcast pipeline compile\` (shelfcast ${SHELFCAST_VERSION}); compile again rather than edit.`,
    ` Each task runs one step: \`shelfcast pipeline run-step --pipeline ${options.pipelineRef} --step NAME\`.`,
    ` Volume: PVC "${options.pvc}" at ${options.homePath} (SHELFCAST_HOME); database: Secret "${options.secret}", key ${DATABASE_URL_KEY}.`,
  ].join('\n');
}
