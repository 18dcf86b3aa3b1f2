/**
 * @module pipeline/compile-kfp
 * Compiles a pipeline into a Kubeflow Pipelines v2 pipeline spec: the IR YAML `kfp.compiler`
 * writes (schemaVersion 2.1.0), followed by the Kubernetes platform spec that `kfp-kubernetes`
 * adds (PVC mount, Secret as environment variable). Each step is one component whose executor runs
 * `shelfcast pipeline run-step`; `dependentTasks` carry the pipeline's edges, since steps exchange
 * files on the shared volume rather than through Kubeflow's artifact store. Kubeflow's own cache is
 * switched off: shelfcast's content-addressed step cache decides what reruns, and a task Kubeflow
 * skipped would leave no record in the run that its downstream steps need.
 */
import { Document } from 'yaml';
import {
  type CompileOptions,
  DATABASE_URL_KEY,
  durationText,
  headerComment,
  type ResolvedCompileOptions,
  resolveCompileOptions,
  runStepArgs,
  SHELFCAST_VERSION,
  type StepResources,
  taskNames,
} from './compile-target.js';
import type { Pipeline, PipelineNode } from './pipeline-definition.js';

/** Name of the pipeline input that holds the parameter values as JSON. */
export const KFP_PARAMS_INPUT = 'params';
/** Name of each task's input that receives the run id. */
export const KFP_RUN_ID_INPUT = 'run_id';
/** Filled in by Kubeflow with the run's unique id when the task's inputs are resolved. */
export const KFP_RUN_ID_PLACEHOLDER = '{{$.pipeline_job_uuid}}';

type ParameterType = 'STRING';

export interface KfpInputParameter {
  componentInputParameter?: string;
  runtimeValue?: { constant: string };
}

export interface KfpTask {
  cachingOptions: { enableCache: boolean };
  componentRef: { name: string };
  dependentTasks?: string[];
  inputs: { parameters: Record<string, KfpInputParameter> };
  retryPolicy?: { maxRetryCount: number; backoffDuration: string; backoffFactor: number };
  taskInfo: { name: string };
}

export interface KfpComponent {
  executorLabel: string;
  inputDefinitions: { parameters: Record<string, { parameterType: ParameterType }> };
}

export interface KfpExecutor {
  container: {
    image: string;
    command: string[];
    args: string[];
    env: { name: string; value: string }[];
    resources?: Record<string, string>;
  };
}

export interface KfpPipelineSpec {
  components: Record<string, KfpComponent>;
  deploymentSpec: { executors: Record<string, KfpExecutor> };
  pipelineInfo: { name: string; description?: string };
  root: {
    dag: { tasks: Record<string, KfpTask> };
    inputDefinitions: {
      parameters: Record<string, { parameterType: ParameterType; defaultValue: string }>;
    };
  };
  schemaVersion: '2.1.0';
  sdkVersion: string;
}

export interface KfpExecutorPlatform {
  pvcMount: {
    constant: string;
    pvcNameParameter: { runtimeValue: { constant: string } };
    mountPath: string;
  }[];
  secretAsEnv: {
    secretName: string;
    secretNameParameter: { runtimeValue: { constant: string } };
    keyToEnv: { secretKey: string; envVar: string }[];
  }[];
}

export interface KfpPlatformSpec {
  platforms: { kubernetes: { deploymentSpec: { executors: Record<string, KfpExecutorPlatform> } } };
}

export interface CompiledKfpPipeline {
  readonly spec: KfpPipelineSpec;
  readonly platform: KfpPlatformSpec;
  /** Both documents as one YAML file (spec, `---`, platform spec), as `kfp.compiler` writes them. */
  readonly yaml: string;
  /** Pipeline step name → task name. */
  readonly tasks: ReadonlyMap<string, string>;
}

/**
 * Compiles a pipeline and its parameter values into a Kubeflow Pipelines v2 spec (upload it with
 * the Kubeflow UI or `kfp pipeline create`). The run id is the Kubeflow run's uuid.
 *
 * @example
 * const { yaml } = compileKfp(standardPipeline, {
 *   pipelineRef: 'standard',
 *   params: { config, configHash: configHash(config) },
 *   runtimeParams: ['dataFingerprint'],
 * });
 */
export function compileKfp(pipeline: Pipeline, options: CompileOptions): CompiledKfpPipeline {
  const resolved = resolveCompileOptions(pipeline, options);
  const tasks = taskNames(pipeline, true);
  const spec: KfpPipelineSpec = {
    components: {},
    deploymentSpec: { executors: {} },
    pipelineInfo: {
      name: pipeline.name.toLowerCase().replace(/_/g, '-'),
      ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
    },
    root: {
      dag: { tasks: {} },
      inputDefinitions: {
        parameters: { [KFP_PARAMS_INPUT]: { parameterType: 'STRING', defaultValue: resolved.paramsJson } },
      },
    },
    schemaVersion: '2.1.0',
    sdkVersion: `shelfcast-${SHELFCAST_VERSION}`,
  };
  const platform: KfpPlatformSpec = { platforms: { kubernetes: { deploymentSpec: { executors: {} } } } };
  for (const node of pipeline.nodes) {
    const task = tasks.get(node.name)!;
    spec.components[`comp-${task}`] = {
      executorLabel: `exec-${task}`,
      inputDefinitions: {
        parameters: {
          [KFP_PARAMS_INPUT]: { parameterType: 'STRING' },
          [KFP_RUN_ID_INPUT]: { parameterType: 'STRING' },
        },
      },
    };
    spec.deploymentSpec.executors[`exec-${task}`] = executor(node, resolved);
    spec.root.dag.tasks[task] = dagTask(node, task, tasks);
    platform.platforms.kubernetes.deploymentSpec.executors[`exec-${task}`] = {
      // Both spellings: `constant`/`secretName` for older Kubeflow back ends, the *Parameter form for newer.
      pvcMount: [
        {
          constant: resolved.pvc,
          pvcNameParameter: { runtimeValue: { constant: resolved.pvc } },
          mountPath: resolved.homePath,
        },
      ],
      secretAsEnv: [
        {
          secretName: resolved.secret,
          secretNameParameter: { runtimeValue: { constant: resolved.secret } },
          keyToEnv: [{ secretKey: DATABASE_URL_KEY, envVar: 'DATABASE_URL' }],
        },
      ],
    };
  }
  const specDoc = new Document(spec, { aliasDuplicateObjects: false });
  specDoc.commentBefore = headerComment(pipeline, 'Kubeflow Pipelines v2 pipeline spec', resolved);
  const yaml = `${specDoc.toString({ lineWidth: 0 })}---\n${new Document(platform, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 })}`;
  return { spec, platform, yaml, tasks };
}

function dagTask(node: PipelineNode, task: string, tasks: ReadonlyMap<string, string>): KfpTask {
  const retry = node.step.retry;
  const retries = retry ? retry.maximumAttempts - 1 : 0;
  return {
    cachingOptions: { enableCache: false },
    componentRef: { name: `comp-${task}` },
    ...(node.dependsOn.length === 0 ? {} : { dependentTasks: node.dependsOn.map((d) => tasks.get(d)!) }),
    inputs: {
      parameters: {
        [KFP_PARAMS_INPUT]: { componentInputParameter: KFP_PARAMS_INPUT },
        [KFP_RUN_ID_INPUT]: { runtimeValue: { constant: KFP_RUN_ID_PLACEHOLDER } },
      },
    },
    ...(retry && retries > 0
      ? {
          retryPolicy: {
            maxRetryCount: retries,
            backoffDuration: durationText(retry.initialIntervalMs ?? 200),
            backoffFactor: retry.backoffCoefficient ?? 2,
          },
        }
      : {}),
    taskInfo: { name: task },
  };
}

function executor(node: PipelineNode, options: ResolvedCompileOptions): KfpExecutor {
  const resources = kfpResources(options.resourcesOf(node.name));
  return {
    container: {
      image: options.image,
      command: ['shelfcast'],
      args: runStepArgs(options.pipelineRef, node.name, {
        runId: `{{$.inputs.parameters['${KFP_RUN_ID_INPUT}']}}`,
        params: `{{$.inputs.parameters['${KFP_PARAMS_INPUT}']}}`,
      }),
      env: [{ name: 'SHELFCAST_HOME', value: options.homePath }],
      ...(Object.keys(resources).length === 0 ? {} : { resources }),
    },
  };
}

/** Requests and limits in the spec's string fields (`resourceCpuRequest`, …). */
function kfpResources(r: StepResources): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.requests?.cpu) out.resourceCpuRequest = r.requests.cpu;
  if (r.requests?.memory) out.resourceMemoryRequest = r.requests.memory;
  if (r.limits?.cpu) out.resourceCpuLimit = r.limits.cpu;
  if (r.limits?.memory) out.resourceMemoryLimit = r.limits.memory;
  return out;
}
