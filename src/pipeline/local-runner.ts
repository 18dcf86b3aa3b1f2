/**
 * @module pipeline/local-runner
 * Runs a pipeline on this machine: independent steps in parallel (up to `concurrency`),
 * content-addressed step caching with the reason for every hit or miss, retries with exponential
 * backoff for retryable errors, status and logs per step in a run directory, resume of a killed
 * run by its id, and lineage of every output. Returns a result per step instead of throwing
 * halfway: succeeded, cached, failed, cancelled (running when the run's signal aborted), or skipped
 * (an upstream step failed, or the run was cancelled before it started). With `only`, a process
 * runs just some steps of a run whose other steps other processes run (the containers of a compiled
 * Argo or Kubeflow workflow), sharing run.json with them under a lock file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type CacheEntry, ContentStore, sha256, stableJson, writeJsonAtomic } from './content-store.js';
import type { Pipeline, PipelineNode } from './pipeline-definition.js';
import { PipelineRunError, RunCancelledError, StepError } from './pipeline-error.js';
import { cancelReason, recordCancellation } from './run-cancellation.js';
import { type RunRecord, RunState, readRunRecord, runDirectory, type StepRecord } from './run-state.js';
import { type JsonValue, type ParamPort, paramFits, type RetryPolicy, type StepContext } from './step.js';

export interface RunOptions {
  /** Root of run directories and the cache (`<home>/pipeline-runs`, `<home>/pipeline-cache`). */
  readonly home: string;
  /** Pipeline parameters; artifact parameters are paths to existing files or folders. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /** Given an existing run's id, resumes it: finished steps are kept, the rest run. */
  readonly runId?: string;
  /** Steps running at once; default the number of cores. */
  readonly concurrency?: number;
  /** Ignore the cache: `true` for every step, or the names of the steps to rerun. */
  readonly force?: boolean | readonly string[];
  /** Sees each step start, report progress and finish (for progress bars and job status). */
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Run just these steps of the run; every step they read from must have finished in the same run
   * (by another process, e.g. another container of a compiled workflow). Their results are merged
   * into run.json under a lock, so steps of one run may execute in several processes at once.
   */
  readonly only?: readonly string[];
  /**
   * This call is attempt number `attempt` (from 1) made by an outside engine: each step gets one
   * attempt, and retrying a failure is left to the engine (Argo's `retryStrategy`, Kubeflow's
   * `retryPolicy`, compiled from the step's retry policy).
   */
  readonly attempt?: number;
  /**
   * Cancels the run when it aborts: no step starts after that (so at the latest the run stops at
   * the next step boundary), running steps see it in their context and may stop sooner, and the run
   * is recorded as `cancelled` with the step it stopped at. A cancelled run can be resumed.
   */
  readonly signal?: AbortSignal;
}

/** What {@link RunOptions.onEvent} is told while a pipeline runs. */
export type RunEvent =
  | { type: 'step-started'; step: string }
  | { type: 'step-progress'; step: string; done: number; total: number; message?: string }
  | {
      type: 'step-finished';
      step: string;
      status: StepRecord['status'];
      cacheHit: boolean;
      durationMs: number;
    };

export interface PipelineRunResult {
  readonly runId: string;
  readonly runDir: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  /** Also resumed when the run existed before. */
  readonly resumed: boolean;
  readonly steps: Readonly<Record<string, StepRecord>>;
  readonly store: ContentStore;
}

const DONE = new Set(['succeeded', 'cached']);

function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(4).toString('hex')}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function short(value: JsonValue | undefined): string {
  if (value === undefined) return 'unset';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Why a step's call differs from its last executed call in this pipeline. */
export function explainMiss(
  last: CacheEntry | undefined,
  version: string,
  params: Record<string, JsonValue>,
  inputs: Record<string, string>,
): string {
  if (!last) return 'miss: no earlier run of this step';
  const parts: string[] = [];
  if (last.version !== version) parts.push(`version changed ${last.version} → ${version}`);
  for (const k of new Set([...Object.keys(last.params), ...Object.keys(params)]))
    if (stableJson(last.params[k]) !== stableJson(params[k]))
      parts.push(`parameter ${k} changed ${short(last.params[k])} → ${short(params[k])}`);
  for (const k of new Set([...Object.keys(last.inputs), ...Object.keys(inputs)]))
    if (last.inputs[k] !== inputs[k]) parts.push(`input ${k} changed`);
  return parts.length > 0
    ? `miss: ${parts.join('; ')}`
    : 'miss: the cached outputs are no longer in the store';
}

/** Wait before attempt `attempt + 1`: initial × coefficient^(attempt-1), capped. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const initial = policy.initialIntervalMs ?? 200;
  const coefficient = policy.backoffCoefficient ?? 2;
  return Math.min(policy.maximumIntervalMs ?? 30_000, initial * coefficient ** (attempt - 1));
}

function resolveParams(
  pipeline: Pipeline,
  given: Readonly<Record<string, JsonValue>>,
  store: ContentStore,
  runId: string,
): {
  values: Record<string, JsonValue>;
  recorded: Record<string, JsonValue>;
  externals: Map<string, string>;
} {
  const problems: string[] = [];
  const values: Record<string, JsonValue> = {};
  const recorded: Record<string, JsonValue> = {};
  const externals = new Map<string, string>();
  for (const name of Object.keys(given))
    if (!(name in pipeline.params)) problems.push(`unknown parameter "${name}"`);
  for (const [name, port] of Object.entries(pipeline.params)) {
    const value = given[name] ?? (port.kind === 'param' ? port.default : undefined);
    if (value === undefined) {
      problems.push(
        `parameter "${name}" is required (${port.kind === 'param' ? port.type : `a ${port.type} path`})`,
      );
      continue;
    }
    if (port.kind === 'param') {
      if (!paramFits(port.type, value))
        problems.push(`parameter "${name}" must be a ${port.type}, got ${short(value)}`);
      values[name] = value;
      recorded[name] = value;
      continue;
    }
    const path = typeof value === 'string' ? resolve(value) : undefined;
    let kind: string | undefined;
    try {
      kind = path === undefined ? undefined : statSync(path).isDirectory() ? 'dir' : 'file';
    } catch {
      kind = undefined;
    }
    if (path === undefined || kind !== port.type) {
      problems.push(`parameter "${name}" must be the path of an existing ${port.type}, got ${short(value)}`);
      continue;
    }
    // External inputs are copied into the store, so the run reads an immutable copy.
    const stored = store.put(path, { copy: true });
    store.recordLineage({
      hash: stored.hash,
      type: stored.type,
      source: 'external',
      runId,
      pipeline: pipeline.name,
      originalPath: path,
      createdAt: new Date().toISOString(),
    });
    externals.set(name, stored.hash);
    recorded[name] = stored.hash;
  }
  if (problems.length > 0)
    throw new PipelineRunError(
      'RUN_PARAMS_INVALID',
      `cannot run pipeline "${pipeline.name}": ${problems.join('; ')}`,
      runId,
    );
  return { values, recorded, externals };
}

/**
 * Runs (or resumes) a pipeline and returns each step's result. Never throws for a failing step;
 * throws `PipelineRunError` only when the run cannot start (bad parameters, a run id that belongs
 * to another pipeline or to a live process).
 *
 * @example
 * const result = await runPipeline(forecastPipeline, { home: '.shelfcast', params: { horizon: 28 } });
 * for (const [name, step] of Object.entries(result.steps)) console.log(name, step.status, step.cache?.reason);
 * // later, after a crash: await runPipeline(forecastPipeline, { home: '.shelfcast', runId: result.runId });
 */
export async function runPipeline(pipeline: Pipeline, options: RunOptions): Promise<PipelineRunResult> {
  const home = resolve(options.home);
  const store = new ContentStore(home);
  const runId = options.runId ?? newRunId();
  const runDir = runDirectory(home, runId);
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const force = options.force ?? false;
  const forced = (name: string) => force === true || (Array.isArray(force) && force.includes(name));
  const only = options.only === undefined ? undefined : new Set(options.only);
  const owns = (name: string) => only === undefined || only.has(name);
  const unknown = [...(only ?? [])].filter((name) => !pipeline.node(name));
  if (unknown.length > 0)
    throw new PipelineRunError(
      'RUN_PARAMS_INVALID',
      `pipeline "${pipeline.name}" has no step ${unknown.map((n) => `"${n}"`).join(', ')} (steps: ${pipeline.nodes.map((n) => n.name).join(', ')})`,
      runId,
    );

  const {
    values: paramValues,
    recorded,
    externals,
  } = resolveParams(pipeline, options.params ?? {}, store, runId);
  const previous = readRunRecord(runDir);
  const now = new Date().toISOString();
  let record: RunRecord;
  if (previous) {
    if (previous.pipeline !== pipeline.name)
      throw new PipelineRunError(
        'RUN_MISMATCH',
        `run ${runId} belongs to pipeline "${previous.pipeline}", not "${pipeline.name}"; use a new run id`,
        runId,
      );
    if (stableJson(previous.params) !== stableJson(recorded))
      throw new PipelineRunError(
        'RUN_MISMATCH',
        `run ${runId} was started with other parameters or input files (${stableJson(previous.params)}); resume it with the same ones or start a new run`,
        runId,
      );
    // Under `only`, other processes working on the run at the same time is the point.
    if (
      only === undefined &&
      previous.status === 'running' &&
      previous.pid !== process.pid &&
      processAlive(previous.pid)
    )
      throw new PipelineRunError(
        'RUN_LOCKED',
        `run ${runId} is still being run by process ${previous.pid}; wait for it or stop it first`,
        runId,
      );
    record = { ...previous, status: 'running', pid: process.pid, sessions: previous.sessions + 1 };
  } else {
    record = {
      runId,
      pipeline: pipeline.name,
      status: 'running',
      params: recorded,
      createdAt: now,
      updatedAt: now,
      pid: process.pid,
      sessions: 1,
      steps: {},
    };
  }
  if (only) requireUpstream(pipeline, only, previous, store, runId);
  const state = only ? new SharedRunState(runDir, record, only) : new RunState(runDir, record);
  for (const node of pipeline.nodes) {
    const old = record.steps[node.name];
    // Under `only`, the other steps belong to other processes and stay as they are recorded.
    if (old && !owns(node.name)) continue;
    const keep =
      old &&
      DONE.has(old.status) &&
      old.version === node.step.version &&
      Object.values(old.outputs?.artifacts ?? {}).every((a) => store.hasArtifact(a.hash));
    if (keep) old.resumed = true;
    else
      record.steps[node.name] = {
        name: node.name,
        step: node.step.name,
        version: node.step.version,
        status: 'pending',
        attempts: 0,
        logFile: join(runDir, 'logs', `${node.name}.log`),
      };
  }
  delete record.finishedAt;
  delete record.cancelled;
  state.flush();
  const signal = options.signal;

  const running = new Map<string, Promise<void>>();
  for (;;) {
    for (const node of pipeline.nodes) {
      const rec = record.steps[node.name]!;
      if (rec.status !== 'pending' || running.has(node.name) || !owns(node.name)) continue;
      const upstream = node.dependsOn.map((d) => record.steps[d]!);
      const blocked = upstream.find(
        (u) => u.status === 'failed' || u.status === 'skipped' || u.status === 'cancelled',
      );
      if (blocked) {
        // Nodes are in topological order, so a skip reaches its own dependents in this same pass.
        rec.status = 'skipped';
        rec.skippedBecause =
          blocked.status === 'skipped'
            ? blocked.skippedBecause!
            : `upstream step "${blocked.name}" ${blocked.status === 'failed' ? 'failed' : 'was cancelled'}`;
        rec.finishedAt = new Date().toISOString();
        state.save();
        continue;
      }
      if (!upstream.every((u) => DONE.has(u.status)) || running.size >= concurrency) continue;
      // Checked before every start: once cancelled, no step starts (the rest are skipped below).
      if (signal?.aborted) continue;
      const task = executeNode(node, {
        pipeline,
        store,
        state,
        paramValues,
        externals,
        forced: forced(node.name),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.attempt === undefined ? {} : { attempt: options.attempt }),
        ...(signal ? { signal } : {}),
      }).finally(() => running.delete(node.name));
      running.set(node.name, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
    // A step that never waited on I/O kept the event loop to itself: a turn before the next start
    // lets a cancellation that arrived meanwhile (a timer, a poll's answer) abort the signal first.
    if (signal) await nextTurn();
  }

  const steps = Object.values(record.steps).filter((s) => owns(s.name));
  const finished = steps.every((s) => DONE.has(s.status));
  // A step may also end itself as cancelled (RunCancelledError) without the run's signal.
  const interrupted = steps.find((s) => s.status === 'cancelled');
  if (!finished && (signal?.aborted || interrupted)) {
    const reason = signal?.aborted ? cancelReason(signal.reason) : (interrupted?.error?.message ?? '');
    const cancellation = recordCancellation(pipeline, record, owns, reason);
    // No step interrupted nor left unstarted: the run had already ended (failed) on its own.
    if (cancellation.step) {
      record.cancelled = cancellation;
      state.logger(cancellation.step).warn(`run ${runId} was cancelled at this step: ${reason}`);
    }
  }
  const status = finished ? 'succeeded' : record.cancelled ? 'cancelled' : 'failed';
  record.status = status;
  record.finishedAt = new Date().toISOString();
  // A shared run's status in run.json is that of all its steps (SharedRunState sets it).
  state.flush();
  return {
    runId,
    runDir,
    status,
    resumed: previous !== undefined,
    steps: record.steps,
    store,
  };
}

interface ExecuteContext {
  readonly pipeline: Pipeline;
  readonly store: ContentStore;
  readonly state: RunState;
  readonly paramValues: Record<string, JsonValue>;
  readonly externals: Map<string, string>;
  readonly forced: boolean;
  readonly onEvent?: (event: RunEvent) => void;
  readonly attempt?: number;
  readonly signal?: AbortSignal;
}

async function executeNode(node: PipelineNode, ctx: ExecuteContext): Promise<void> {
  const { store, state, pipeline } = ctx;
  const rec = state.record.steps[node.name]!;
  const step = node.step;
  const log = state.logger(node.name);
  const started = Date.now();
  rec.startedAt = new Date(started).toISOString();
  rec.status = 'running';
  rec.attempts = 0;
  delete rec.error;

  const params: Record<string, JsonValue> = {};
  const inputs: Record<string, string> = {};
  const values: Record<string, JsonValue> = {};
  for (const [name, port] of Object.entries(step.inputs)) {
    const binding = node.inputs[name];
    if (port.kind === 'artifact') {
      const hash =
        binding && 'step' in binding
          ? state.record.steps[binding.step]!.outputs!.artifacts[binding.output]!.hash
          : ctx.externals.get((binding as { param: string }).param)!;
      inputs[name] = hash;
      values[name] = store.artifactPath(hash);
      continue;
    }
    const value =
      binding === undefined
        ? (port as ParamPort).default!
        : 'step' in binding
          ? state.record.steps[binding.step]!.outputs!.params[binding.output]!
          : 'param' in binding
            ? ctx.paramValues[binding.param]!
            : binding.value;
    params[name] = value;
    values[name] = value;
  }
  rec.params = params;
  rec.inputs = inputs;
  const key = sha256(stableJson({ step: node.name, version: step.version, params, inputs }));

  ctx.onEvent?.({ type: 'step-started', step: node.name });
  const finish = (status: StepRecord['status']) => {
    rec.status = status;
    rec.finishedAt = new Date().toISOString();
    rec.durationMs = Date.now() - started;
    // A finished step is written at once: resume relies on it.
    state.flush();
    ctx.onEvent?.({
      type: 'step-finished',
      step: node.name,
      status,
      cacheHit: status === 'cached',
      durationMs: rec.durationMs,
    });
  };
  const cancelled = (reason: string) => {
    log.warn(`cancelled during attempt ${rec.attempts}, not retried: ${reason}`);
    rec.error = { message: `cancelled while running: ${reason}`, code: 'RUN_CANCELLED', retryable: false };
    finish('cancelled');
  };
  const outputsOf = (entry: CacheEntry) => ({
    params: entry.outputParams,
    artifacts: Object.fromEntries(
      Object.entries(entry.outputArtifacts).map(([k, hash]) => [k, { hash, path: store.artifactPath(hash) }]),
    ),
  });

  if (!ctx.forced) {
    const entry = store.readEntry(node.name, key);
    if (entry && Object.values(entry.outputArtifacts).every((h) => store.hasArtifact(h))) {
      rec.cache = { hit: true, key, reason: `hit: same version, params and inputs as run ${entry.runId}` };
      rec.outputs = outputsOf(entry);
      store.writeLast(pipeline.name, entry);
      log.info(rec.cache.reason);
      finish('cached');
      return;
    }
  }
  const reason = ctx.forced
    ? 'miss: forced'
    : explainMiss(store.readLast(pipeline.name, node.name), step.version, params, inputs);
  rec.cache = { hit: false, key, reason };
  log.info(reason);

  const policy: RetryPolicy = step.retry ?? { maximumAttempts: 1 };
  for (let attempt = ctx.attempt ?? 1; ; attempt++) {
    rec.attempts = attempt;
    state.save();
    log.info(`attempt ${attempt} of ${policy.maximumAttempts} started`);
    const workDir = mkdtempSync(join(store.tmp, `${node.name}-`));
    try {
      const outDir = join(workDir, 'outputs');
      mkdirSync(outDir);
      const outputs: Record<string, string> = {};
      for (const [name, port] of Object.entries(step.outputs)) {
        if (port.kind !== 'artifact') continue;
        outputs[name] = join(outDir, name);
        if (port.type === 'dir') mkdirSync(outputs[name]);
      }
      const scratch = join(workDir, 'scratch');
      mkdirSync(scratch);
      const stepContext: StepContext = {
        runId: state.record.runId,
        stepName: node.name,
        attempt,
        outputs,
        workDir: scratch,
        log,
        progress: (done, total, message) =>
          ctx.onEvent?.({
            type: 'step-progress',
            step: node.name,
            done,
            total,
            ...(message === undefined ? {} : { message }),
          }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      };
      const returned = (await step.run(values as never, stepContext)) as Record<string, unknown> | undefined;
      const entry = collectOutputs(node, returned ?? {}, outputs, {
        key,
        params,
        inputs,
        runId: state.record.runId,
        store,
      });
      store.writeEntry(entry);
      store.writeLast(pipeline.name, entry);
      for (const [output, hash] of Object.entries(entry.outputArtifacts))
        store.recordLineage({
          hash,
          type: step.outputs[output]!.type as 'file' | 'dir',
          source: 'step',
          runId: state.record.runId,
          pipeline: pipeline.name,
          step: node.name,
          output,
          stepVersion: step.version,
          cacheKey: key,
          params,
          inputs,
          createdAt: new Date().toISOString(),
        });
      rec.outputs = outputsOf(entry);
      log.info(`succeeded in ${Date.now() - started} ms`);
      finish('succeeded');
      return;
    } catch (error) {
      const err = error as Error;
      // Whatever a step throws once the run is cancelled is the cancellation taking effect.
      if (error instanceof RunCancelledError || ctx.signal?.aborted) {
        cancelled(error instanceof RunCancelledError ? error.message : cancelReason(ctx.signal?.reason));
        return;
      }
      const retryable = error instanceof StepError ? error.retryable : true;
      log.error(
        `attempt ${attempt} failed${retryable ? '' : ' (not retryable)'}: ${err?.stack ?? String(error)}`,
      );
      if (retryable && attempt < policy.maximumAttempts && ctx.attempt === undefined) {
        const wait = backoffMs(policy, attempt);
        log.info(`retrying in ${wait} ms`);
        // A cancellation cuts the wait short and ends the step instead of retrying it.
        await sleep(wait, undefined, ctx.signal ? { signal: ctx.signal } : {}).catch(() => {});
        if (!ctx.signal?.aborted) continue;
        cancelled(`${cancelReason(ctx.signal.reason)} (while waiting to retry)`);
        return;
      }
      rec.error = {
        message: err?.message ?? String(error),
        code: error instanceof StepError ? error.code : (err?.name ?? 'Error'),
        retryable,
      };
      finish('failed');
      return;
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

function collectOutputs(
  node: PipelineNode,
  returned: Record<string, unknown>,
  paths: Record<string, string>,
  call: {
    key: string;
    params: Record<string, JsonValue>;
    inputs: Record<string, string>;
    runId: string;
    store: ContentStore;
  },
): CacheEntry {
  const problems: string[] = [];
  const outputParams: Record<string, JsonValue> = {};
  const outputArtifacts: Record<string, string> = {};
  for (const [name, port] of Object.entries(node.step.outputs)) {
    if (port.kind === 'param') {
      const value = returned[name];
      if (!paramFits(port.type, value))
        problems.push(
          `output "${name}" must be returned as a ${port.type}, got ${short(value as JsonValue)}`,
        );
      else outputParams[name] = value as JsonValue;
      continue;
    }
    const path = paths[name]!;
    let isDir: boolean | undefined;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      isDir = undefined;
    }
    if (isDir === undefined) problems.push(`output "${name}" was not written to ${path}`);
    else if (isDir !== (port.type === 'dir')) problems.push(`output "${name}" must be a ${port.type}`);
  }
  for (const name of Object.keys(returned))
    if (!(name in node.step.outputs) || node.step.outputs[name]!.kind !== 'param')
      problems.push(`returned "${name}", which is not a parameter output`);
  if (problems.length > 0)
    throw new StepError(`step "${node.name}" broke its output contract: ${problems.join('; ')}`, {
      retryable: false,
      code: 'STEP_OUTPUT_INVALID',
    });
  for (const [name, port] of Object.entries(node.step.outputs))
    if (port.kind === 'artifact') outputArtifacts[name] = call.store.put(paths[name]!).hash;
  return {
    key: call.key,
    step: node.name,
    version: node.step.version,
    params: call.params,
    inputs: call.inputs,
    outputParams,
    outputArtifacts,
    runId: call.runId,
    createdAt: new Date().toISOString(),
  };
}

/** Refuses to run `only` steps whose upstream steps (outside `only`) have not finished in the run. */
function requireUpstream(
  pipeline: Pipeline,
  only: ReadonlySet<string>,
  previous: RunRecord | undefined,
  store: ContentStore,
  runId: string,
): void {
  for (const name of only)
    for (const dep of pipeline.node(name)!.dependsOn) {
      if (only.has(dep)) continue;
      const up = previous?.steps[dep];
      const version = pipeline.node(dep)!.step.version;
      const why = !up
        ? 'it has not started'
        : !DONE.has(up.status)
          ? `it is ${up.status}`
          : up.version !== version
            ? `it ran version ${up.version}, this pipeline has version ${version}`
            : Object.values(up.outputs?.artifacts ?? {}).some((a) => !store.hasArtifact(a.hash))
              ? 'its outputs are no longer in the store'
              : undefined;
      if (why)
        throw new PipelineRunError(
          'RUN_NOT_FOUND',
          `step "${name}" of run ${runId} reads from step "${dep}", which has not finished in that run (${why}); run "${dep}" in run ${runId} first`,
          runId,
        );
    }
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 60_000;

/**
 * Runs `work` holding `<dir>/run.lock`, created exclusively (atomic on local disks and NFS). Holds
 * last milliseconds, so a lock older than {@link LOCK_STALE_MS} was left by a killed process.
 */
function withRunLock<T>(dir: string, work: () => T): T {
  const file = join(dir, 'run.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(file, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(file).mtimeMs > LOCK_STALE_MS) rmSync(file, { force: true });
    } catch {
      // Released between the failed create and the stat: try again.
    }
    if (Date.now() > deadline)
      throw new PipelineRunError(
        'RUN_LOCKED',
        `${file} stayed locked for ${LOCK_WAIT_MS / 1000} s; delete it if no step of this run is running`,
      );
    // A synchronous pause: the whole read-merge-write must stay synchronous.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
  try {
    return work();
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * The run record when the steps of one run execute in several processes (`only`): each write
 * re-reads run.json under the run's lock and replaces only this process's steps, so two steps
 * finishing at once in different containers do not overwrite each other. The run's status is
 * computed from all its steps.
 */
class SharedRunState extends RunState {
  readonly #owned: ReadonlySet<string>;
  #joined = false;

  constructor(dir: string, record: RunRecord, owned: ReadonlySet<string>) {
    super(dir, record);
    this.#owned = owned;
  }

  // Every change is written at once: a step process makes only a handful.
  override save(): void {
    this.flush();
  }

  override flush(): void {
    withRunLock(this.dir, () => {
      const record = this.record;
      const disk = readRunRecord(this.dir);
      if (disk && stableJson(disk.params) !== stableJson(record.params))
        throw new PipelineRunError(
          'RUN_MISMATCH',
          `run ${record.runId} was started with other parameters or input files (${stableJson(disk.params)}); give every step of a run the same ones`,
          record.runId,
        );
      for (const [name, step] of Object.entries(disk?.steps ?? {}))
        if (!this.#owned.has(name)) record.steps[name] = step;
      record.sessions = (disk?.sessions ?? 0) + (this.#joined ? 0 : 1);
      this.#joined = true;
      const all = Object.values(record.steps);
      const now = new Date().toISOString();
      record.status =
        record.cancelled || all.some((s) => s.status === 'cancelled')
          ? 'cancelled'
          : all.some((s) => s.status === 'failed' || s.status === 'skipped')
            ? 'failed'
            : all.every((s) => DONE.has(s.status))
              ? 'succeeded'
              : 'running';
      if (record.status === 'running') delete record.finishedAt;
      else record.finishedAt ??= now;
      record.updatedAt = now;
      writeJsonAtomic(join(this.dir, 'run.json'), {
        ...record,
        createdAt: disk?.createdAt ?? record.createdAt,
      });
    });
  }
}
