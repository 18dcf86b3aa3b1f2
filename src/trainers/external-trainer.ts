/**
 * @module trainers/external-trainer
 * Runs an external trainer command on a work directory written by the trainer contract: as a
 * subprocess in its own process group, with a timeout, its stdout/stderr kept in `trainer.log`;
 * then reads back and strictly validates `forecasts.csv` and the model file. Every failure is an
 * {@link ExternalTrainerError} whose code says whether it crashed, timed out or wrote bad output.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CsvRecord, parseCsvText } from '../io/csv-reader.js';
import type { InputFileError } from '../io/io-error.js';
import type { Forecast } from '../models/model.js';
import {
  LOG_FILE,
  SPEC_FILE,
  type TrainerSpec,
  type TrainingRequest,
  writeTrainingSet,
} from './trainer-contract.js';

export type ExternalTrainerErrorCode =
  | 'TRAINER_NOT_STARTED'
  | 'TRAINER_CRASHED'
  | 'TRAINER_TIMED_OUT'
  | 'TRAINER_OUTPUT_MISSING'
  | 'TRAINER_OUTPUT_MALFORMED';

/** Where in an output file a problem was found (1-based line; column name when known). */
export interface OutputLocation {
  file: string;
  line?: number;
  column?: string;
}

export class ExternalTrainerError extends Error {
  override readonly name = 'ExternalTrainerError';
  constructor(
    readonly code: ExternalTrainerErrorCode,
    message: string,
    readonly context: {
      logPath?: string;
      exitCode?: number | null;
      signal?: string | null;
      location?: OutputLocation;
    } = {},
  ) {
    super(message);
  }
}

export interface ExternalTrainerOptions {
  /** Program and its arguments, e.g. `['/usr/bin/python3', 'train.py']`; the spec path is appended. */
  command: readonly string[];
  /** Work directory for this run (created if missing); should be empty and private to the run. */
  workDir: string;
  /** Seconds before the whole process group is killed. Default 600. */
  timeoutSeconds?: number;
  /** Extra environment variables; the trainer also gets SHELFCAST_SPEC with the spec path. */
  env?: Record<string, string>;
  /** Working directory of the process; default the work directory. */
  cwd?: string;
}

export interface ExternalTrainerResult {
  /** Series id → forecast, with the dates of each step. */
  forecasts: Map<string, Forecast & { dates: string[] }>;
  model: Buffer;
  modelSha256: string;
  modelPath: string;
  logPath: string;
  spec: TrainerSpec;
  /** What was adjusted in the output (negative values clipped to 0), for the run log. */
  notes: string[];
  durationMs: number;
}

const STDERR_TAIL_LINES = 20;

function tailLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * Parses and validates `forecasts.csv` text against the spec. Strict: every series and every future
 * date exactly once, a finite `mean` and one finite value per requested quantile level, quantiles
 * non-decreasing in the level. Negative values are clipped to 0 and reported in `notes`.
 *
 * @example
 * const { forecasts, notes } = parseForecasts(readFileSync(spec.forecasts_path, 'utf8'), spec);
 */
export function parseForecasts(
  text: string,
  spec: TrainerSpec,
  file = 'forecasts.csv',
): { forecasts: Map<string, Forecast & { dates: string[] }>; notes: string[] } {
  const malformed = (message: string, line?: number, column?: string): ExternalTrainerError => {
    const at = `${file}${line === undefined ? '' : `, line ${line}`}${column === undefined ? '' : `, column "${column}"`}`;
    return new ExternalTrainerError('TRAINER_OUTPUT_MALFORMED', `${at}: ${message}`, {
      location: {
        file,
        ...(line === undefined ? {} : { line }),
        ...(column === undefined ? {} : { column }),
      },
    });
  };
  let records: CsvRecord[];
  try {
    records = parseCsvText(text, file);
  } catch (error) {
    throw malformed((error as Error).message, (error as InputFileError).line);
  }
  if (records.length === 0)
    throw malformed('the file is empty; write a header series_id,date,mean,q... and rows');
  const header = (records[0]?.fields ?? []).map((h) => h.trim());
  const indexOf = (name: string): number => header.indexOf(name);
  const required = ['series_id', 'date', 'mean', ...spec.quantile_columns];
  for (const name of required)
    if (indexOf(name) < 0)
      throw malformed(
        `missing column "${name}" (header is ${header.join(',')}; required: ${required.join(',')})`,
        1,
      );
  const iId = indexOf('series_id');
  const iDate = indexOf('date');
  const valueColumns = ['mean', ...spec.quantile_columns];
  const valueIdx = valueColumns.map(indexOf);

  const out = new Map<string, Forecast & { dates: string[] }>();
  const stepOf = new Map<string, Map<string, number>>();
  const filled = new Map<string, Uint8Array>();
  for (const [id, dates] of Object.entries(spec.future_dates)) {
    const quantiles = new Map<number, Float64Array>();
    for (const q of spec.quantiles) quantiles.set(q, new Float64Array(dates.length));
    out.set(id, { mean: new Float64Array(dates.length), quantiles, dates: [...dates] });
    stepOf.set(id, new Map(dates.map((d, i) => [d, i])));
    filled.set(id, new Uint8Array(dates.length));
  }

  let clipped = 0;
  for (let r = 1; r < records.length; r++) {
    const lineNo = records[r]!.line;
    const fields = records[r]!.fields;
    if (fields.length !== header.length)
      throw malformed(`expected ${header.length} fields, found ${fields.length}`, lineNo);
    const id = fields[iId] ?? '';
    const date = (fields[iDate] ?? '').trim();
    const steps = stepOf.get(id);
    const fc = out.get(id);
    const seen = filled.get(id);
    if (steps === undefined || fc === undefined || seen === undefined)
      throw malformed(`unknown series "${id}" (not in spec.json future_dates)`, lineNo, 'series_id');
    const step = steps.get(date);
    if (step === undefined)
      throw malformed(`date "${date}" is not a forecast date of series "${id}"`, lineNo, 'date');
    if (seen[step] === 1) throw malformed(`series "${id}" date ${date} appears twice`, lineNo, 'date');
    seen[step] = 1;
    const values: number[] = [];
    for (let c = 0; c < valueColumns.length; c++) {
      const raw = (fields[valueIdx[c] ?? -1] ?? '').trim();
      const v = raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(v))
        throw malformed(`value "${raw}" is not a finite number`, lineNo, valueColumns[c]);
      values.push(v);
    }
    // Ordering is checked on the trainer's own numbers, before clipping could hide a crossing.
    const qs = spec.quantiles.map((q, k) => ({
      q,
      v: values[k + 1] ?? 0,
      col: spec.quantile_columns[k] ?? '',
    }));
    qs.sort((a, b) => a.q - b.q);
    for (let k = 1; k < qs.length; k++) {
      const lo = qs[k - 1];
      const hi = qs[k];
      if (lo !== undefined && hi !== undefined && hi.v < lo.v)
        throw malformed(
          `quantiles cross: ${lo.col}=${lo.v} > ${hi.col}=${hi.v}; the trainer must write non-decreasing quantiles`,
          lineNo,
          hi.col,
        );
    }
    for (let c = 0; c < values.length; c++) {
      let v = values[c] ?? 0;
      if (v < 0) {
        v = 0;
        clipped++;
      }
      if (c === 0) fc.mean[step] = v;
      else {
        const arr = fc.quantiles.get(spec.quantiles[c - 1] ?? Number.NaN);
        if (arr) arr[step] = v;
      }
    }
  }
  for (const [id, seen] of filled) {
    const missing = seen.indexOf(0);
    if (missing >= 0) {
      const dates = spec.future_dates[id] ?? [];
      const count = seen.reduce((n, s) => n + (s === 0 ? 1 : 0), 0);
      throw malformed(
        `series "${id}" has no row for ${dates[missing]}` +
          (count > 1 ? ` and ${count - 1} other date(s)` : '') +
          '; every series in spec.json future_dates needs one row per date',
      );
    }
  }
  const notes = clipped > 0 ? [`${clipped} negative forecast value(s) clipped to 0`] : [];
  return { forecasts: out, notes };
}

interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderrTail: string;
}

function runProcess(
  command: readonly string[],
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; logPath: string },
): Promise<ProcessOutcome> {
  const [program, ...rest] = command;
  if (program === undefined) throw new RangeError('command is empty; give the program and its arguments');
  return new Promise((resolve, reject) => {
    const log = createWriteStream(opts.logPath);
    // detached: the child leads a new process group, so a timeout kills its children too.
    const child = spawn(program, [...rest, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    let failed = false;
    child.on('error', (err) => {
      clearTimeout(timer);
      failed = true;
      log.end();
      reject(
        new ExternalTrainerError(
          'TRAINER_NOT_STARTED',
          `could not start trainer "${program}": ${err.message}; check the command path and that it is executable`,
          { logPath: opts.logPath },
        ),
      );
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      // A command that never started also emits 'close'; 'error' has already rejected.
      if (failed) return;
      log.end(() =>
        resolve({ exitCode, signal, timedOut, stderrTail: tailLines(stderr, STDERR_TAIL_LINES) }),
      );
    });
  });
}

/**
 * Writes the training set, runs the trainer and returns its validated forecasts and model file.
 * The spec path is passed as the last argument and in `SHELFCAST_SPEC`.
 *
 * @example
 * const result = await runExternalTrainer(
 *   { series, freq: 'D', seasonLength: 7, horizon: 14, quantiles: [0.1, 0.5, 0.9], params: {}, modelFile: 'model.json' },
 *   { command: ['/usr/bin/python3', 'examples/trainers/python-xgboost/train.py'], workDir: '/tmp/run-1', timeoutSeconds: 120 },
 * );
 * result.forecasts.get('S1')?.mean;
 */
export async function runExternalTrainer(
  request: TrainingRequest,
  options: ExternalTrainerOptions,
): Promise<ExternalTrainerResult> {
  const started = Date.now();
  const spec = writeTrainingSet(options.workDir, request);
  const specPath = join(options.workDir, SPEC_FILE);
  const logPath = join(options.workDir, LOG_FILE);
  const timeoutSeconds = options.timeoutSeconds ?? 600;
  const outcome = await runProcess(options.command, [specPath], {
    cwd: options.cwd ?? options.workDir,
    env: { ...process.env, ...options.env, SHELFCAST_SPEC: specPath },
    timeoutMs: timeoutSeconds * 1000,
    logPath,
  });
  const shown = options.command.join(' ');
  if (outcome.timedOut)
    throw new ExternalTrainerError(
      'TRAINER_TIMED_OUT',
      `trainer "${shown}" timed out after ${timeoutSeconds} s and was killed; raise the timeout or make it faster (log: ${logPath})`,
      { logPath, exitCode: outcome.exitCode, signal: outcome.signal },
    );
  if (outcome.exitCode !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const tail = outcome.stderrTail
      ? `; last stderr lines:\n${outcome.stderrTail}`
      : '; it wrote nothing to stderr';
    throw new ExternalTrainerError(
      'TRAINER_CRASHED',
      `trainer "${shown}" ${how}${tail}\n(full log: ${logPath})`,
      {
        logPath,
        exitCode: outcome.exitCode,
        signal: outcome.signal,
      },
    );
  }
  for (const [what, path] of [
    ['forecasts', spec.forecasts_path],
    ['model', spec.model_path],
  ] as const)
    if (!existsSync(path))
      throw new ExternalTrainerError(
        'TRAINER_OUTPUT_MISSING',
        `trainer "${shown}" exited 0 but wrote no ${what} file at ${path}; it must write the paths given in spec.json`,
        { logPath, exitCode: 0, location: { file: path } },
      );
  let parsed: ReturnType<typeof parseForecasts>;
  try {
    parsed = parseForecasts(readFileSync(spec.forecasts_path, 'utf8'), spec, spec.forecasts_path);
  } catch (err) {
    if (err instanceof ExternalTrainerError)
      throw new ExternalTrainerError(err.code, `${err.message} (trainer log: ${logPath})`, {
        ...err.context,
        logPath,
      });
    throw err;
  }
  const { forecasts, notes } = parsed;
  const model = readFileSync(spec.model_path);
  return {
    forecasts,
    model,
    modelSha256: createHash('sha256').update(model).digest('hex'),
    modelPath: spec.model_path,
    logPath,
    spec,
    notes,
    durationMs: Date.now() - started,
  };
}
