/**
 * @module pipeline/step
 * The unit of a pipeline: a typed function with declared inputs and outputs. Parameters are JSON
 * values; artifacts are files or folders passed by path (never through memory between steps).
 * A step carries a code `version` (part of its cache key) and an optional retry policy.
 */
import { PipelineDefinitionError } from './pipeline-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'json';
export type ArtifactType = 'file' | 'dir';

export interface ParamPort<T extends ParamType = ParamType> {
  readonly kind: 'param';
  readonly type: T;
  /** Used when nothing is bound to the input (or, on a pipeline parameter, when the run gives none). */
  readonly default?: ParamValue<T>;
  readonly description?: string;
}

export interface ArtifactPort<T extends ArtifactType = ArtifactType> {
  readonly kind: 'artifact';
  readonly type: T;
  /** Free-form format label such as `parquet` or `json`; inputs and outputs must agree when both set it. */
  readonly format?: string;
  readonly description?: string;
}

export type Port = ParamPort | ArtifactPort;
export type Ports = Record<string, Port>;

export type ParamValue<T extends ParamType> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : JsonValue;

/** What a step function receives: parameter values, and absolute paths (read-only) for artifacts. */
export type InputValues<I extends Ports> = {
  [K in keyof I]: I[K] extends ArtifactPort
    ? string
    : I[K] extends ParamPort<infer T>
      ? ParamValue<T>
      : never;
};

/** What a step function returns: a value for each parameter output. */
export type OutputParams<O extends Ports> = {
  [K in keyof O as O[K] extends ParamPort ? K : never]: O[K] extends ParamPort<infer T>
    ? ParamValue<T>
    : never;
};

/** Where a step writes each artifact output (a file path, or an existing empty folder). */
export type OutputPaths<O extends Ports> = {
  [K in keyof O as O[K] extends ArtifactPort ? K : never]: string;
};

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  readonly maximumAttempts: number;
  /** Wait before the second attempt; default 200 ms. */
  readonly initialIntervalMs?: number;
  /** Each wait is the previous one times this; default 2. */
  readonly backoffCoefficient?: number;
  /** Upper bound of one wait; default 30 s. */
  readonly maximumIntervalMs?: number;
}

export interface StepLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StepContext<O extends Ports = Ports> {
  readonly runId: string;
  /** Name of the step in the pipeline (may differ from the step definition's name). */
  readonly stepName: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly outputs: OutputPaths<O>;
  /** A scratch folder of this attempt, removed afterwards. */
  readonly workDir: string;
  /** Lines go to the step's log file in the run directory. */
  readonly log: StepLogger;
  /** Reports how far a long step is (e.g. trials done of total); shown as a progress bar. */
  readonly progress?: (done: number, total: number, message?: string) => void;
  /**
   * Aborts when the run is cancelled. A long step checks it where it can stop cleanly (between
   * trials, say) and throws; whatever it throws then records the step as cancelled, not failed.
   */
  readonly signal?: AbortSignal;
}

export interface StepDefinition<I extends Ports = Ports, O extends Ports = Ports> {
  readonly name: string;
  /** Code version: change it when the step's behaviour changes, so cached results are not reused. */
  readonly version: string;
  readonly description?: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly retry?: RetryPolicy;
  // Method syntax keeps steps with specific ports assignable to `Step` (bivariant parameters).
  run(
    inputs: InputValues<I>,
    ctx: StepContext<O>,
  ): Promise<OutputParams<O> | undefined> | OutputParams<O> | undefined;
}

export type Step<I extends Ports = Ports, O extends Ports = Ports> = StepDefinition<I, O>;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** A parameter port (a JSON value). */
export function param<T extends ParamType>(
  type: T,
  options: { default?: ParamValue<T>; description?: string } = {},
): ParamPort<T> {
  return { kind: 'param', type, ...options };
}

/** An artifact port (a file or a folder, passed by path). */
export function artifact<T extends ArtifactType>(
  type: T,
  options: { format?: string; description?: string } = {},
): ArtifactPort<T> {
  return { kind: 'artifact', type, ...options };
}

/** Whether a JSON value fits a parameter type. */
export function paramFits(type: ParamType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return value !== undefined && isJson(value);
  }
}

function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value as object).every(isJson);
  return false;
}

/** Problems with a set of ports (names, default values); empty when fine. */
export function portProblems(owner: string, side: string, ports: Ports): string[] {
  const problems: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!NAME.test(name)) problems.push(`${owner}: ${side} name "${name}" must match ${NAME}`);
    if (port.kind === 'param' && port.default !== undefined && !paramFits(port.type, port.default))
      problems.push(`${owner}: default of ${side} "${name}" is not a ${port.type}`);
  }
  return problems;
}

/**
 * Declares a step. Checks the name, version and port names at once.
 *
 * @example
 * const train = defineStep({
 *   name: 'train',
 *   version: '1',
 *   inputs: { sales: artifact('file', { format: 'parquet' }), horizon: param('integer') },
 *   outputs: { model: artifact('file', { format: 'json' }), score: param('number') },
 *   retry: { maximumAttempts: 3 },
 *   async run({ sales, horizon }, { outputs, log }) {
 *     log.info(`training on ${sales} for ${horizon} days`);
 *     await writeFile(outputs.model, JSON.stringify({ horizon }));
 *     return { score: 0.9 };
 *   },
 * });
 */
export function defineStep<I extends Ports, O extends Ports>(definition: StepDefinition<I, O>): Step<I, O> {
  const problems: string[] = [];
  const owner = `step "${definition.name}"`;
  if (!NAME.test(definition.name)) problems.push(`${owner}: name must match ${NAME}`);
  if (typeof definition.version !== 'string' || definition.version === '')
    problems.push(`${owner}: version must be a non-empty string`);
  problems.push(...portProblems(owner, 'input', definition.inputs));
  problems.push(...portProblems(owner, 'output', definition.outputs));
  for (const [name, port] of Object.entries(definition.outputs))
    if (port.kind === 'param' && port.default !== undefined)
      problems.push(`${owner}: output "${name}" cannot have a default`);
  const retry = definition.retry;
  if (retry && (!Number.isInteger(retry.maximumAttempts) || retry.maximumAttempts < 1))
    problems.push(`${owner}: retry.maximumAttempts must be an integer >= 1`);
  if (typeof definition.run !== 'function') problems.push(`${owner}: run must be a function`);
  if (problems.length > 0) throw new PipelineDefinitionError('STEP_INVALID', owner, problems);
  return definition;
}

export function isNameValid(name: string): boolean {
  return NAME.test(name);
}
