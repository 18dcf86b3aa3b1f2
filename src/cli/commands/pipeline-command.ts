/**
 * @module cli/commands/pipeline-command
 * `shelfcast pipeline compile` writes a pipeline as an Argo Workflow or a Kubeflow Pipelines spec;
 * `shelfcast pipeline run-step` is what each of their containers runs: one step of one run, with
 * the local runner's cache, lineage and run record on the shared SHELFCAST_HOME.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { compileArgo } from '../../pipeline/compile-argo.js';
import { compileKfp } from '../../pipeline/compile-kfp.js';
import {
  type CompileOptions,
  DEFAULT_PVC,
  DEFAULT_SECRET,
  NON_RETRYABLE_EXIT_CODE,
  type StepResources,
} from '../../pipeline/compile-target.js';
import { runPipeline } from '../../pipeline/local-runner.js';
import type { Pipeline } from '../../pipeline/pipeline-definition.js';
import { readRunRecord, runDirectory } from '../../pipeline/run-state.js';
import type { JsonValue } from '../../pipeline/step.js';
import { configHash, loadPipelineConfig } from '../../pipeline-config/pipeline-config.js';
import { standardPipeline } from '../../pipeline-config/standard-pipeline.js';
import { salesFingerprint } from '../../pipeline-config/train.js';
import { CliError, ExitCode } from '../cli-error.js';
import { printJson } from '../output.js';

/** A pipeline that `run-step` can load by name, and the parameters it computes when a run starts. */
interface RunnablePipeline {
  readonly pipeline: Pipeline;
  readonly runtimeParams: Readonly<Record<string, () => Promise<JsonValue>>>;
}

const STANDARD = 'standard';

/**
 * `standard`, or `<module.js>#<export>`: a module (path relative to the working directory) whose
 * export is a pipeline built with `definePipeline`.
 */
async function loadPipeline(ref: string): Promise<RunnablePipeline> {
  if (ref === STANDARD)
    return { pipeline: standardPipeline, runtimeParams: { dataFingerprint: salesFingerprint } };
  const hash = ref.lastIndexOf('#');
  if (hash <= 0 || hash === ref.length - 1)
    throw new CliError(`--pipeline takes "${STANDARD}" or <module.js>#<export>, got '${ref}'`);
  const file = resolve(ref.slice(0, hash));
  const name = ref.slice(hash + 1);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`cannot load the pipeline module ${file}: ${(error as Error).message}`);
  }
  const pipeline = module[name] as Partial<Pipeline> | undefined;
  if (!pipeline || typeof pipeline.name !== 'string' || !Array.isArray(pipeline.nodes))
    throw new CliError(`${file} has no pipeline export "${name}" (build one with definePipeline)`);
  return { pipeline: pipeline as Pipeline, runtimeParams: {} };
}

function readParams(options: { params?: string; paramsJson?: string }): Record<string, JsonValue> {
  if (options.params !== undefined && options.paramsJson !== undefined)
    throw new CliError('give either --params or --params-json, not both');
  let text = options.paramsJson ?? '{}';
  const where = options.params ?? '--params-json';
  if (options.params !== undefined) {
    try {
      text = readFileSync(options.params, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read --params ${options.params}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CliError(`${where} must be a JSON object of parameter values`);
  return value as Record<string, JsonValue>;
}

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new CliError(`${name} must be a whole number >= 0, got '${value}'`);
    return n;
  };
}

interface CompileCommandOptions {
  target: string;
  config?: string;
  pipeline?: string;
  params?: string;
  image?: string;
  namespace?: string;
  pvc?: string;
  secret?: string;
  serviceAccount?: string;
  homePath?: string;
  cpu?: string;
  memory?: string;
  out?: string;
}

interface RunStepCommandOptions {
  pipeline: string;
  runId: string;
  step: string;
  params?: string;
  paramsJson?: string;
  retryNumber?: number;
  force?: boolean;
  json?: boolean;
}

export function registerPipelineCommand(program: Command): void {
  const pipeline = program
    .command('pipeline')
    .description('Compile pipelines for Argo Workflows or Kubeflow Pipelines; run one step of a run');

  pipeline
    .command('compile')
    .description('write a pipeline as an Argo Workflow or a Kubeflow Pipelines v2 spec (YAML)')
    .requiredOption('--target <engine>', 'argo or kfp')
    .option('--config <file>', 'the standard pipeline for this config (YAML or JSON)')
    .option('--pipeline <module#export>', 'instead of --config: a pipeline of your own module')
    .option('--params <file>', "with --pipeline: the pipeline's parameter values (JSON)")
    .option('--image <image>', 'container image with the shelfcast command')
    .option('--namespace <ns>', 'namespace of the Argo Workflow')
    .option('--pvc <name>', `PersistentVolumeClaim mounted as SHELFCAST_HOME (default ${DEFAULT_PVC})`)
    .option('--secret <name>', `Secret whose DATABASE_URL key every step gets (default ${DEFAULT_SECRET})`)
    .option('--service-account <name>', 'service account of the Argo workflow pods')
    .option('--home-path <path>', 'where the volume is mounted in the containers')
    .option('--cpu <quantity>', 'CPU request of every step, e.g. 500m')
    .option('--memory <quantity>', 'memory request of every step, e.g. 1Gi')
    .option('--out <file>', 'write the YAML here instead of stdout')
    .action(async (options: CompileCommandOptions) => {
      if (options.target !== 'argo' && options.target !== 'kfp')
        throw new CliError(`--target must be argo or kfp, got '${options.target}'`);
      if ((options.config === undefined) === (options.pipeline === undefined))
        throw new CliError('give either --config (the standard pipeline) or --pipeline <module#export>');
      if (options.config !== undefined && options.params !== undefined)
        throw new CliError(
          '--params goes with --pipeline; with --config the parameters come from the config',
        );
      let subject: RunnablePipeline;
      let base: CompileOptions;
      if (options.config !== undefined) {
        const config = await loadPipelineConfig(options.config);
        subject = await loadPipeline(STANDARD);
        base = {
          pipelineRef: STANDARD,
          params: { config: JSON.parse(JSON.stringify(config)) as JsonValue, configHash: configHash(config) },
          runtimeParams: Object.keys(subject.runtimeParams),
        };
      } else {
        subject = await loadPipeline(options.pipeline!);
        base = {
          pipelineRef: options.pipeline!,
          params: options.params === undefined ? {} : readParams({ params: options.params }),
        };
      }
      const requests = {
        ...(options.cpu === undefined ? {} : { cpu: options.cpu }),
        ...(options.memory === undefined ? {} : { memory: options.memory }),
      };
      const compileOptions = {
        ...base,
        ...(options.image === undefined ? {} : { image: options.image }),
        ...(options.pvc === undefined ? {} : { pvc: options.pvc }),
        ...(options.secret === undefined ? {} : { secret: options.secret }),
        ...(options.homePath === undefined ? {} : { homePath: options.homePath }),
        ...(Object.keys(requests).length === 0 ? {} : { resources: { requests } satisfies StepResources }),
      };
      let yaml: string;
      if (options.target === 'argo') {
        yaml = compileArgo(subject.pipeline, {
          ...compileOptions,
          ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
          ...(options.serviceAccount === undefined ? {} : { serviceAccount: options.serviceAccount }),
        }).yaml;
      } else {
        if (options.namespace !== undefined || options.serviceAccount !== undefined)
          throw new CliError(
            '--namespace and --service-account are Argo options; Kubeflow chooses them when a run is created',
          );
        yaml = compileKfp(subject.pipeline, compileOptions).yaml;
      }
      if (options.out === undefined) process.stdout.write(yaml);
      else {
        writeFileSync(options.out, yaml);
        process.stderr.write(`wrote ${options.out}\n`);
      }
    });

  pipeline
    .command('run-step')
    .description('run one step of a pipeline run (what each container of a compiled workflow does)')
    .requiredOption('--pipeline <ref>', `"${STANDARD}" or <module.js>#<export>`)
    .requiredOption('--run-id <id>', 'the run; its directory is $SHELFCAST_HOME/pipeline-runs/<id>')
    .requiredOption('--step <name>', 'the step to run; the steps it reads from must have finished in the run')
    .option('--params <file>', "the pipeline's parameter values (JSON)")
    .option('--params-json <json>', 'the same, given inline')
    .option(
      '--retry-number <n>',
      "the engine's retry count of this step, from 0",
      nonNegativeInt('--retry-number'),
    )
    .option('--force', 'run the step even when the cache holds its result')
    .option('--json', "print the step's record as JSON")
    .action(async (options: RunStepCommandOptions) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.runId))
        throw new CliError(`--run-id may hold letters, digits, '.', '_' and '-', got '${options.runId}'`);
      const { pipeline: subject, runtimeParams } = await loadPipeline(options.pipeline);
      const params = readParams(options);
      const home = resolve(process.env.SHELFCAST_HOME || '.shelfcast');
      const recorded = readRunRecord(runDirectory(home, options.runId))?.params ?? {};
      // Computed once, by the run's first step; the others take the recorded value.
      for (const [name, compute] of Object.entries(runtimeParams))
        if (params[name] === undefined) params[name] = recorded[name] ?? (await compute());
      const result = await runPipeline(subject, {
        home,
        runId: options.runId,
        params,
        only: [options.step],
        attempt: (options.retryNumber ?? 0) + 1,
        force: options.force ?? false,
        concurrency: 1,
      });
      const record = result.steps[options.step]!;
      if (options.json) printJson({ runId: result.runId, runDir: result.runDir, ...record });
      else
        process.stdout.write(
          `${options.step} (run ${result.runId}): ${record.status}${record.cache ? ` — ${record.cache.reason}` : ''}\n`,
        );
      if (record.status === 'failed') {
        const error = record.error;
        throw new CliError(
          `step ${options.step} failed: ${error?.message ?? 'see its log'} [${error?.code ?? 'STEP_FAILED'}]${error?.retryable === false ? ' (a retry cannot help)' : ''}; log: ${record.logFile}`,
          error?.retryable === false ? NON_RETRYABLE_EXIT_CODE : ExitCode.failure,
        );
      }
    });
}
