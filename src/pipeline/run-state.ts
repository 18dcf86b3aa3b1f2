/**
 * @module pipeline/run-state
 * The run directory: `<home>/pipeline-runs/<runId>/run.json` (each step's status, attempts,
 * timings, cache decision, input and output hashes) and `logs/<step>.log`. run.json is rewritten
 * atomically after every change, so a run killed at any moment can be resumed from it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './content-store.js';
import type { JsonValue, StepLogger } from './step.js';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cached';

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
  /** For a skipped step: which upstream step failed or was skipped. */
  skippedBecause?: string;
  /** Finished in an earlier attempt of this run and taken over by a resume. */
  resumed?: boolean;
  logFile: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly pipeline: string;
  status: 'running' | 'succeeded' | 'failed';
  /** Pipeline parameters; artifact parameters appear as their content hash. */
  readonly params: Record<string, JsonValue>;
  readonly createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Process that last worked on the run. */
  pid: number;
  /** 1 for a fresh run, +1 per resume. */
  sessions: number;
  readonly steps: Record<string, StepRecord>;
}

export function runDirectory(home: string, runId: string): string {
  return join(home, 'pipeline-runs', runId);
}

export function readRunRecord(runDir: string): RunRecord | undefined {
  const file = join(runDir, 'run.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord) : undefined;
}

export class RunState {
  readonly dir: string;
  readonly record: RunRecord;

  constructor(dir: string, record: RunRecord) {
    this.dir = dir;
    this.record = record;
    mkdirSync(join(dir, 'logs'), { recursive: true });
  }

  save(): void {
    this.record.updatedAt = new Date().toISOString();
    writeJsonAtomic(join(this.dir, 'run.json'), this.record);
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
