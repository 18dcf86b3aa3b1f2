/**
 * @module pipeline/run-state
 * The run directory: `<home>/pipeline-runs/<runId>/run.json` (each step's status, attempts,
 * timings, cache decision, input and output hashes) and `logs/<step>.log`. run.json is rewritten
 * atomically (at most every 50 ms, and at the start and end of a run), so a killed run can be
 * resumed from it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './content-store.js';
import type { JsonValue, StepLogger } from './step.js';

/** `cancelled`: the step was running when its run was cancelled, and stopped. */
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cached' | 'cancelled';

export interface CacheDecision {
  readonly hit: boolean;
  readonly key: string;
  /** e.g. "miss: parameter horizon changed 14 → 28", "hit: same version, params and inputs as run X". */
  readonly reason: string;
}

export interface StepFailure {
  readonly message: string;
  readonly code: string;
  readonly retryable: boolean;
}

export interface StepOutputs {
  readonly params: Record<string, JsonValue>;
  /** Output name → content hash and path in the store. */
  readonly artifacts: Record<string, { readonly hash: string; readonly path: string }>;
}

export interface StepRecord {
  readonly name: string;
  /** Name and version of the step definition that ran under this name. */
  readonly step: string;
  readonly version: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  cache?: CacheDecision;
  /** Parameter inputs as given to the step. */
  params?: Record<string, JsonValue>;
  /** Artifact inputs: input name → content hash. */
  inputs?: Record<string, string>;
  outputs?: StepOutputs;
  error?: StepFailure;
  /** For a skipped step: which upstream step failed or was skipped, or that the run was cancelled. */
  skippedBecause?: string;
  /** Finished in an earlier attempt of this run and taken over by a resume. */
  resumed?: boolean;
  logFile: string;
}

/** How a cancelled run ended. */
export interface RunCancellation {
  /** When the runner recorded it. */
  readonly at: string;
  /** The step the run stopped at: the one interrupted, else the next that would have started. */
  readonly step: string | null;
  readonly reason: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly pipeline: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Pipeline parameters; artifact parameters appear as their content hash. */
  readonly params: Record<string, JsonValue>;
  readonly createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Process that last worked on the run. */
  pid: number;
  /** 1 for a fresh run, +1 per resume. */
  sessions: number;
  /** Set when the run was cancelled (cleared when it is resumed). */
  cancelled?: RunCancellation;
  readonly steps: Record<string, StepRecord>;
}

export function runDirectory(home: string, runId: string): string {
  return join(home, 'pipeline-runs', runId);
}

export function readRunRecord(runDir: string): RunRecord | undefined {
  const file = join(runDir, 'run.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord) : undefined;
}

const SAVE_INTERVAL_MS = 50;

export class RunState {
  readonly dir: string;
  readonly record: RunRecord;

  constructor(dir: string, record: RunRecord) {
    this.dir = dir;
    this.record = record;
    mkdirSync(join(dir, 'logs'), { recursive: true });
  }

  #lastWrite = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * Persists the record, at most once per `SAVE_INTERVAL_MS`: rewriting a large run.json after
   * every change dominated the cost of trivial steps. The runner flushes each finished step at
   * once; only intermediate states (running, attempt counts) can lag by that window.
   */
  save(): void {
    if (this.#timer) return;
    const wait = this.#lastWrite + SAVE_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Writes the record now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.record.updatedAt = new Date().toISOString();
    writeJsonAtomic(join(this.dir, 'run.json'), this.record);
    this.#lastWrite = Date.now();
  }

  logger(step: string): StepLogger {
    const file = join(this.dir, 'logs', `${step}.log`);
    // Appended synchronously line by line, so the log survives a killed process.
    const write = (level: string, message: string) =>
      appendFileSync(file, `${new Date().toISOString()} ${level} ${message}\n`);
    return {
      info: (m) => write('INFO', m),
      warn: (m) => write('WARN', m),
      error: (m) => write('ERROR', m),
    };
  }
}
