/**
 * @module pipeline-config/pipeline-config
 * The problem definition of a training pipeline as a typed, validated config file (YAML or JSON):
 * what to forecast, over which data, which algorithms to search, how to judge them and when to promote.
 * A bad config fails here, before anything runs, with the dotted path of every bad key.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { HyperParameterSpec } from '../models/model.js';
import { type ModelCatalog, modelCatalog } from '../models/model-catalog.js';
import { type ParameterConfig, type SearchSpaceConfig, searchSpace } from '../tuning/search-space.js';
import { TuningError } from '../tuning/tuning-error.js';
import { PipelineConfigError, type PipelineConfigIssue } from './pipeline-config-error.js';

const choice = z.union([z.string(), z.number(), z.boolean()]);

const parameterRange = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  log: z.boolean().optional(),
});

const parameterConfig = z.union([parameterRange, z.array(choice).min(1), choice], {
  error: 'expected a range {min, max}, a list of choices or one value',
});

const algorithmSchema = z.strictObject({
  /** Trial budget of the hyperparameter search; 1 fits the model once with its (narrowed) defaults. */
  trials: z.int().min(1).max(1000).default(1),
  sampler: z.enum(['tpe', 'random', 'grid']).default('tpe'),
  space: z.record(z.string(), parameterConfig).default({}),
});

const NAME = /^[a-z0-9][a-z0-9-]*$/;

const trainerSchema = z.strictObject({
  /** Program and arguments (argv, no shell); the spec path is appended. Relative paths resolve against `cwd`. */
  command: z.array(z.string().min(1)).min(1, 'give the program and its arguments, e.g. [Rscript, train.R]'),
  /** Seconds before a run of the trainer is killed and its step fails. */
  timeoutSeconds: z.int().min(1).max(86_400).default(600),
  /** Container image holding the command, for pipelines compiled to Kubernetes; unused locally. */
  image: z.string().min(1).optional(),
  /** Extra environment variables of the trainer process. */
  env: z.record(z.string(), z.string()).optional(),
  /** Working directory of the command; a config loaded from a file defaults to (and resolves a relative one against) the file's folder. */
  cwd: z.string().min(1).optional(),
  /** Passed through to the trainer as `spec.json` `params`. */
  params: z.record(z.string(), choice).default({}),
  /** Name of the model file the trainer writes (its format is the trainer's choice). */
  modelFile: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name, e.g. model.json')
    .default('model.bin'),
  /**
   * SHA-256 over the files the command names, filled in when the config is loaded from a file, so
   * an edited trainer script changes the config hash and its steps rerun instead of hitting the cache.
   */
  codeSha256: z.string().optional(),
});

const isoDate = z.iso.date({ error: 'expected a date YYYY-MM-DD' });

const dataSchema = z
  .strictObject({
    /** First day of history to train on; absent = `days` before `to`, or all history. */
    from: isoDate.optional(),
    /** Last day of history; absent = the latest day with sales. */
    to: isoDate.optional(),
    /** Length of the window ending at `to`, instead of `from`. */
    days: z.int().min(14).optional(),
    stores: z.array(z.string().min(1)).min(1).optional(),
    categories: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.from !== undefined && d.days !== undefined)
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'give either from or days, not both' });
    if (d.from !== undefined && d.to !== undefined && d.from > d.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `from ${d.from} is after to ${d.to}` });
  });

const quantilesSchema = z
  .array(z.number().gt(0, 'a quantile lies in (0, 1)').lt(1, 'a quantile lies in (0, 1)'))
  .min(1)
  .refine(
    (q) => q.every((v, i) => i === 0 || v > (q[i - 1] as number)),
    'list quantiles in increasing order, each once',
  );

/** The config's shape (without the catalog checks {@link parsePipelineConfig} adds). */
export const pipelineConfigSchema = z.strictObject({
  /** Registry model name the pipeline registers versions under. */
  name: z.string().regex(NAME, 'use lowercase letters, digits and dashes, e.g. demand-forecast'),
  target: z.enum(['units']).default('units'),
  granularity: z.enum(['store-product-day']).default('store-product-day'),
  horizon: z.int().min(1).max(366),
  seasonLength: z.int().min(1).max(366).default(7),
  quantiles: quantilesSchema.default([0.1, 0.5, 0.9]),
  metric: z.enum(['mase', 'rmsse', 'wrmsse']).default('mase'),
  backtest: z
    .strictObject({
      folds: z.int().min(1).max(52).default(3),
      /** Days between origins; absent = the horizon. */
      step: z.int().min(1).optional(),
    })
    .default({ folds: 3 }),
  /** Built-in models to tune; with `trainers`, at least one candidate must be named (checked below). */
  algorithms: z.record(z.string(), algorithmSchema).default({}),
  /**
   * External trainers by name: each is backtested per segment on the same folds as the algorithms
   * and may win a segment (as `external:<name>`).
   */
  trainers: z
    .record(z.string().regex(NAME, 'name a trainer with lowercase letters, digits and dashes'), trainerSchema)
    .default({}),
  data: dataSchema.default({}),
  partitionBy: z.enum(['none', 'category', 'demand_class', 'store']).default('none'),
  promotion: z
    .strictObject({
      /** Relative improvement over the champion a new version needs to be promoted (0.02 = 2%). */
      margin: z.number().min(0).max(1).default(0.02),
    })
    .default({ margin: 0.02 }),
});

/** A validated pipeline config with every default filled in. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
/** What a config file may say (defaults optional). */
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;
export type AlgorithmConfig = PipelineConfig['algorithms'][string];
export type TrainerConfig = PipelineConfig['trainers'][string];
export type PartitionBy = PipelineConfig['partitionBy'];

export interface ParsePipelineConfigOptions {
  /** Catalog the algorithm names and search spaces are checked against (default: the built-in one). */
  catalog?: ModelCatalog;
  /** File the config came from, for error messages. */
  file?: string;
}

/**
 * Validates an already-parsed config object; throws one `PipelineConfigError` listing every bad key.
 *
 * @example
 * const config = parsePipelineConfig({ name: 'demand', horizon: 14, algorithms: { ets: { trials: 1 } } });
 * config.metric; // 'mase' (the default)
 */
export function parsePipelineConfig(
  input: unknown,
  options: ParsePipelineConfigOptions = {},
): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(input, { reportInput: true });
  // The catalog checks run on every algorithm entry that is well-formed, even when other keys are
  // not, so one pass reports every bad key.
  const catalogIssues = checkAlgorithms(wellFormedAlgorithms(input), options.catalog ?? modelCatalog);
  const issues: PipelineConfigIssue[] = [
    ...(result.success ? [] : result.error.issues.map(toIssue)),
    ...catalogIssues,
    ...checkCandidates(input),
  ];
  if (!result.success || issues.length > 0) {
    const where = options.file ? ` in ${options.file}` : '';
    throw new PipelineConfigError(
      'CONFIG_INVALID',
      `the pipeline config${where} is invalid; fix these keys and run again:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      issues,
      options.file,
    );
  }
  return result.data;
}

/**
 * Reads and validates a YAML or JSON config file.
 *
 * @example
 * const config = await loadPipelineConfig('examples/pipelines/demand-forecast.yaml');
 */
export async function loadPipelineConfig(
  file: string,
  options: Omit<ParsePipelineConfigOptions, 'file'> = {},
): Promise<PipelineConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PipelineConfigError(
      'CONFIG_NOT_FOUND',
      `cannot read the pipeline config ${file} (${(error as Error).message}); check the --config path`,
      [],
      file,
    );
  }
  return withTrainerPaths(parsePipelineConfigText(text, { ...options, file }), dirname(resolve(file)));
}

/**
 * Resolves each trainer's `cwd` against the config file's folder (its default) and fingerprints the
 * files its command names, so the config says where the trainer runs and which code it is.
 */
function withTrainerPaths(config: PipelineConfig, base: string): PipelineConfig {
  const trainers: PipelineConfig['trainers'] = {};
  for (const [name, trainer] of Object.entries(config.trainers)) {
    const cwd = trainer.cwd === undefined ? base : resolve(base, trainer.cwd);
    trainers[name] = { ...trainer, cwd, codeSha256: commandFingerprint(trainer.command, cwd) };
  }
  return { ...config, trainers };
}

/** SHA-256 over (argument, content) of every command argument that names a regular file. */
export function commandFingerprint(command: readonly string[], cwd: string): string {
  const hash = createHash('sha256');
  for (const arg of command) {
    const path = isAbsolute(arg) ? arg : resolve(cwd, arg);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      // Not a file (a flag, a program looked up on PATH, an expression): only its text counts.
    }
    hash.update(`${arg}\0`);
    if (isFile) hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Parses YAML (JSON is YAML too) and validates it. */
export function parsePipelineConfigText(
  text: string,
  options: ParsePipelineConfigOptions = {},
): PipelineConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const where = options.file ?? 'the pipeline config';
    const line = first.linePos?.[0];
    throw new PipelineConfigError(
      'CONFIG_SYNTAX',
      `${where}${line ? ` line ${line.line}, column ${line.col}` : ''} is not valid YAML: ${first.message.split('\n')[0]}`,
      [],
      options.file,
    );
  }
  return parsePipelineConfig(doc.toJS(), options);
}

/**
 * A stable content hash of a validated config (keys sorted), for lineage and step caching.
 *
 * @example
 * configHash(a) === configHash(b); // true when a and b say the same thing, whatever the key order
 */
export function configHash(config: PipelineConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function toIssue(issue: z.core.$ZodIssue): PipelineConfigIssue {
  const path = issue.path.map(String);
  switch (issue.code) {
    case 'invalid_value':
      return {
        path: path.join('.') || '(root)',
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'unrecognized_keys':
      return {
        path: [...path, issue.keys[0] ?? ''].join('.'),
        message: `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}; check its spelling against examples/pipelines/demand-forecast.yaml`,
      };
    case 'invalid_type':
      return {
        path: path.join('.') || '(root)',
        message: issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}`,
      };
    case 'invalid_key':
      // A record key that fails its own check (a trainer name): say what the key check said.
      return { path: path.join('.') || '(root)', message: issue.issues[0]?.message ?? issue.message };
    default:
      return { path: path.join('.') || '(root)', message: issue.message };
  }
}

/** At least one candidate besides seasonal naive: an algorithm or a trainer. */
function checkCandidates(input: unknown): PipelineConfigIssue[] {
  const count = (key: 'algorithms' | 'trainers'): number => {
    const raw = (input as Record<string, unknown> | null)?.[key];
    return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw).length : 0;
  };
  return count('algorithms') + count('trainers') > 0
    ? []
    : [
        {
          path: 'algorithms',
          message: 'name at least one algorithm (e.g. ets: { trials: 1 }) or external trainer under trainers',
        },
      ];
}

/** Checks algorithm names and search spaces against the catalog: what the schema alone cannot know. */
function wellFormedAlgorithms(input: unknown): Record<string, AlgorithmConfig> {
  const raw = (input as { algorithms?: unknown } | null)?.algorithms;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, AlgorithmConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    const parsed = algorithmSchema.safeParse(value);
    if (parsed.success) out[name] = parsed.data;
  }
  return out;
}

function checkAlgorithms(
  algorithms: Record<string, AlgorithmConfig>,
  catalog: ModelCatalog,
): PipelineConfigIssue[] {
  const issues: PipelineConfigIssue[] = [];
  const local = catalog
    .list()
    .filter((e) => e.kind === 'local')
    .map((e) => e.name);
  for (const [name, algorithm] of Object.entries(algorithms)) {
    const at = `algorithms.${name}`;
    if (!catalog.has(name) || catalog.get(name).kind !== 'local') {
      issues.push({
        path: at,
        message: `not a local model of the catalog; expected one of ${local.join(', ')}`,
      });
      continue;
    }
    const specs = catalog.get(name).hyperparameters;
    for (const [param, narrowing] of Object.entries(algorithm.space)) {
      const issue = checkParameter(specs, param, narrowing);
      if (issue) issues.push({ path: `${at}.space.${param}`, message: issue });
    }
  }
  return issues;
}

function checkParameter(
  specs: readonly HyperParameterSpec[],
  param: string,
  narrowing: AlgorithmConfig['space'][string],
): string | undefined {
  const spec = specs.find((s) => s.name === param);
  if (!spec)
    return `unknown hyperparameter; expected one of ${specs.map((s) => s.name).join(', ') || '(this model has none)'}`;
  if (spec.type === 'categorical') {
    const values = Array.isArray(narrowing)
      ? narrowing
      : typeof narrowing === 'object'
        ? undefined
        : [narrowing];
    const bad = values?.find((v) => !spec.choices.includes(v));
    if (bad !== undefined)
      return `expected one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(bad)}`;
  }
  try {
    searchSpace(specs, { [param]: toParameterConfig(narrowing) });
    return undefined;
  } catch (error) {
    if (error instanceof TuningError) return error.message.replace(new RegExp(`^${param}:\\s*`), '');
    throw error;
  }
}

/** The tuning module's form of one parameter's narrowing (absent range ends dropped, not `undefined`). */
export function toParameterConfig(narrowing: AlgorithmConfig['space'][string]): ParameterConfig {
  if (Array.isArray(narrowing) || typeof narrowing !== 'object') return narrowing;
  const { min, max, log } = narrowing;
  return {
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(log !== undefined ? { log } : {}),
  };
}

/**
 * An algorithm's search space in the form `tuneModel` takes.
 *
 * @example
 * tuneModel(panel, { model: 'ets', space: toSearchSpaceConfig(config.algorithms.ets!), ... });
 */
export function toSearchSpaceConfig(algorithm: AlgorithmConfig): SearchSpaceConfig {
  return Object.fromEntries(Object.entries(algorithm.space).map(([k, v]) => [k, toParameterConfig(v)]));
}
