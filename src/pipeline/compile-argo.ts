/**
 * @module pipeline/compile-argo
 * Compiles a pipeline into an Argo Workflows `Workflow`: one `dag` template whose tasks are the
 * pipeline's steps with exactly its dependencies, and per step a container template that runs
 * `shelfcast pipeline run-step` for that step alone. The run id is the workflow's name, the
 * parameter values one workflow parameter (`params`, overridable with `argo submit -p`), the shared
 * volume a PVC mounted as SHELFCAST_HOME, DATABASE_URL a Secret key; a step's retry policy becomes
 * the template's `retryStrategy`.
 */
import { Document } from 'yaml';
import {
  type CompileOptions,
  DATABASE_URL_KEY,
  durationText,
  headerComment,
  labelProblem,
  NON_RETRYABLE_EXIT_CODE,
  objectNameProblem,
  PipelineCompileError,
  type ResolvedCompileOptions,
  resolveCompileOptions,
  runStepArgs,
  type StepResources,
  taskNames,
} from './compile-target.js';
import type { Pipeline, PipelineNode } from './pipeline-definition.js';

export interface ArgoCompileOptions extends CompileOptions {
  /** Namespace of the Workflow; absent leaves it to `argo submit -n` / `kubectl -n`. */
  readonly namespace?: string;
  /**
   * Service account of the workflow's pods, which needs Argo's executor permissions
   * (`deploy/argo/rbac.yaml`); default `shelfcast-workflow`.
   */
  readonly serviceAccount?: string;
  /** User and group id the steps run as (the image's non-root user); default 1000. */
  readonly runAsUser?: number;
}

export const DEFAULT_SERVICE_ACCOUNT = 'shelfcast-workflow';
/** Name of the workflow parameter that holds the pipeline's parameter values as JSON. */
export const PARAMS_PARAMETER = 'params';
const VOLUME = 'shelfcast-home';

export interface ArgoEnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export interface ArgoContainer {
  image: string;
  imagePullPolicy: string;
  command: string[];
  args: string[];
  env: ArgoEnvVar[];
  volumeMounts: { name: string; mountPath: string }[];
  resources: StepResources;
}

export interface ArgoRetryStrategy {
  limit: number;
  retryPolicy: 'Always';
  expression: string;
  backoff: { duration: string; factor: number | string; cap?: string };
}

export interface ArgoDagTask {
  name: string;
  template: string;
  dependencies?: string[];
}

export interface ArgoTemplate {
  name: string;
  dag?: { tasks: ArgoDagTask[] };
  retryStrategy?: ArgoRetryStrategy;
  container?: ArgoContainer;
}

export interface ArgoWorkflow {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Workflow';
  metadata: { generateName: string; namespace?: string; labels: Record<string, string> };
  spec: {
    entrypoint: string;
    serviceAccountName: string;
    arguments: { parameters: { name: string; value: string }[] };
    securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; fsGroup: number };
    volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
    templates: ArgoTemplate[];
  };
}

export interface CompiledArgoWorkflow {
  readonly manifest: ArgoWorkflow;
  /** The manifest as YAML, with a header comment saying how it was made. */
  readonly yaml: string;
  /** Pipeline step name → DAG task name. */
  readonly tasks: ReadonlyMap<string, string>;
}

/**
 * Compiles a pipeline and its parameter values into an Argo `Workflow` (submit it with
 * `argo submit`, or `kubectl create`: it uses `generateName`, so every submission is a new run).
 *
 * @example
 * const { yaml } = compileArgo(standardPipeline, {
 *   pipelineRef: 'standard',
 *   params: { config, configHash: configHash(config) },
 *   runtimeParams: ['dataFingerprint'],
 *   namespace: 'shelfcast',
 * });
 */
export function compileArgo(pipeline: Pipeline, options: ArgoCompileOptions): CompiledArgoWorkflow {
  const resolved = resolveCompileOptions(pipeline, options);
  const serviceAccount = options.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
  const runAsUser = options.runAsUser ?? 1000;
  const problems = [
    options.namespace === undefined ? undefined : labelProblem('namespace', options.namespace),
    objectNameProblem('service account', serviceAccount),
    Number.isInteger(runAsUser) && runAsUser > 0
      ? undefined
      : `runAsUser must be a positive integer (not root)`,
    labelProblem('pipeline name as a label', kubernetesName(pipeline.name)),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new PipelineCompileError(`pipeline "${pipeline.name}"`, problems);

  const tasks = taskNames(pipeline, false);
  const entrypoint = [...tasks.values()].includes('pipeline') ? 'pipeline-dag' : 'pipeline';
  const dag: ArgoTemplate = {
    name: entrypoint,
    dag: {
      tasks: pipeline.nodes.map((node) => ({
        name: tasks.get(node.name)!,
        template: tasks.get(node.name)!,
        ...(node.dependsOn.length === 0 ? {} : { dependencies: node.dependsOn.map((d) => tasks.get(d)!) }),
      })),
    },
  };
  const manifest: ArgoWorkflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${kubernetesName(pipeline.name)}-`,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels: {
        'app.kubernetes.io/part-of': 'shelfcast',
        'shelfcast/pipeline': kubernetesName(pipeline.name),
      },
    },
    spec: {
      entrypoint,
      serviceAccountName: serviceAccount,
      arguments: { parameters: [{ name: PARAMS_PARAMETER, value: resolved.paramsJson }] },
      // fsGroup makes the shared volume writable by the image's non-root user.
      securityContext: { runAsNonRoot: true, runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser },
      volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: resolved.pvc } }],
      templates: [dag, ...pipeline.nodes.map((node) => stepTemplate(node, tasks.get(node.name)!, resolved))],
    },
  };
  const doc = new Document(manifest, { aliasDuplicateObjects: false });
  doc.commentBefore = headerComment(pipeline, 'Argo Workflow', resolved);
  return { manifest, yaml: doc.toString({ lineWidth: 0 }), tasks };
}

function stepTemplate(node: PipelineNode, task: string, options: ResolvedCompileOptions): ArgoTemplate {
  const retry = node.step.retry;
  const retries = retry ? retry.maximumAttempts - 1 : 0;
  const factor = retry?.backoffCoefficient ?? 2;
  const retryStrategy: ArgoRetryStrategy | undefined =
    retry && retries > 0
      ? {
          limit: retries,
          retryPolicy: 'Always',
          // run-step exits with this code when the step failed in a way no retry can fix.
          expression: `asInt(lastRetry.exitCode) != ${NON_RETRYABLE_EXIT_CODE}`,
          backoff: {
            duration: durationText(retry.initialIntervalMs ?? 200),
            factor: Number.isInteger(factor) ? factor : String(factor),
            ...(retry.maximumIntervalMs === undefined ? {} : { cap: durationText(retry.maximumIntervalMs) }),
          },
        }
      : undefined;
  return {
    name: task,
    ...(retryStrategy ? { retryStrategy } : {}),
    container: {
      image: options.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['shelfcast'],
      args: runStepArgs(options.pipelineRef, node.name, {
        runId: '{{workflow.name}}',
        params: `{{workflow.parameters.${PARAMS_PARAMETER}}}`,
        ...(retryStrategy ? { retryNumber: '{{retries}}' } : {}),
      }),
      env: [
        { name: 'SHELFCAST_HOME', value: options.homePath },
        {
          name: 'DATABASE_URL',
          valueFrom: { secretKeyRef: { name: options.secret, key: DATABASE_URL_KEY } },
        },
      ],
      volumeMounts: [{ name: VOLUME, mountPath: options.homePath }],
      resources: options.resourcesOf(node.name),
    },
  };
}

/** A pipeline name as Kubernetes wants names: lower case, `_` as `-`. */
function kubernetesName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}
