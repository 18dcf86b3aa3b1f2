/**
 * @module serving/batch-forecasts
 * Batch forecasts in the database: every series of a champion forecast for the horizon and quantiles
 * the version was trained for, written with COPY in one transaction per run. A rerun of the same
 * version replaces its earlier rows (so a retried job changes nothing), other versions' runs stay for
 * comparison. Readers page through a run or stream it as CSV; without a version they get the most
 * recent run.
 */
import { availableParallelism } from 'node:os';
import type { Database, Queryable, SqlValue } from '../db/database.js';
import { copyLine } from '../db/database.js';
import type { ArtifactStore } from '../tracking/artifact-store.js';
import { FilesystemArtifactStore } from '../tracking/filesystem-artifact-store.js';
import { loadBundle, pickChampion, readChampions } from './champion-loader.js';
import { predictAllSeries } from './series-predictor.js';
import { bundleShape } from './served-model.js';
import { ServingError } from './serving-error.js';

export interface BatchForecastOptions {
  /** Default: the one model that has a champion. */
  model?: string;
  /** Called with the share done (0..1) and what happens now. */
  progress?: (fraction: number, message?: string) => void;
  /** Stops the run; nothing of it is written. */
  signal?: AbortSignal;
  /** Where the bundle is read from (default: the filesystem store under SHELFCAST_HOME). */
  artifactStore?: ArtifactStore;
  /** Worker threads for the predictions (0: this thread; default: one per core). */
  workers?: number;
}

export interface BatchForecastResult {
  model: string;
  version: number;
  /** Store × SKU series forecast. */
  pairs: number;
  rows: number;
  seconds: number;
}

export interface BatchForecastRow {
  model: string;
  version: number;
  store: string;
  sku: string;
  date: string;
  algorithm: string;
  mean: number;
  /** Quantile level as text ("0.1") → value. */
  quantiles: Record<string, number>;
  createdAt: string;
}

export interface BatchForecastQuery {
  model?: string;
  version?: number;
  store?: string;
  sku?: string;
}

/** One batch run: what it covered and when. */
export interface BatchForecastRun {
  model: string;
  version: number;
  horizon: number;
  quantiles: number[];
  pairs: number;
  rows: number;
  seconds: number;
  createdAt: string;
}

const COLUMNS = ['model', 'version', 'store_code', 'sku', 'forecast_date', 'algorithm', 'mean', 'quantiles'];
/** Arbitrary constant naming batch runs among advisory locks (the migration lock is 727431001). */
const RUN_LOCK_KEY = 727_431_006;
/** COPY text sent per statement, in characters. */
const COPY_CHUNK = 1 << 20;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 10_000;
/** Rows read per query while streaming CSV (default). */
const CSV_PAGE = 5_000;

/**
 * Forecasts every series of the champion and stores the rows, replacing an earlier run of the same
 * version. Predicting is 80 % of the progress, writing the rest.
 *
 * @example
 * const r = await runBatchForecasts(db, { progress: (f, m) => console.log(f, m) });
 * r.rows; // series × horizon
 */
export async function runBatchForecasts(
  db: Database,
  options: BatchForecastOptions = {},
): Promise<BatchForecastResult> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const signal = options.signal;
  signal?.throwIfAborted();
  const ref = pickChampion(await readChampions(db), options.model);
  const { model, version } = ref;
  const bundle = await loadBundle(options.artifactStore ?? FilesystemArtifactStore.fromEnv(), ref);
  const shape = bundleShape(bundle);
  const total = bundle.series.length;
  progress(0, `forecasting ${total} series with ${model} v${version}`);
  const predictions = await predictAllSeries(bundle.series, shape, {
    // This thread only waits meanwhile: every core predicts (small bundles stay in this thread).
    workers: options.workers ?? (total <= 32 ? 0 : availableParallelism()),
    ...(signal ? { signal } : {}),
    onProgress: (done) => progress((0.8 * done) / total, `${done} of ${total} series forecast`),
  });
  const levels = shape.quantiles.map(String);
  const written = await db.transaction(async (tx) => {
    // Two runs of one version take turns; the second replaces the first.
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RUN_LOCK_KEY, `${model}@${version}`]);
    await tx.run('DELETE FROM batch_forecasts WHERE model = $1 AND version = $2', [model, version]);
    const seen = new Set<string>();
    let text = '';
    let rows = 0;
    let pairs = 0;
    for (let i = 0; i < total; i++) {
      const series = bundle.series[i]!;
      const key = `${series.store}\u0000${series.product}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const p = predictions[i]!;
      if (!p.ok) {
        throw new ServingError(
          'MODEL_ARTIFACT_MISSING',
          `${model} v${version} cannot forecast ${series.store}/${series.product} for its own horizon: ${p.message}`,
          { model, version, store: series.store, sku: series.product },
        );
      }
      pairs++;
      for (let h = 0; h < shape.horizon; h++) {
        let quantiles = '{';
        for (let q = 0; q < levels.length; q++)
          quantiles += `${q > 0 ? ',' : ''}"${levels[q]}":${jsonNumber(p.quantiles[q]?.[h])}`;
        quantiles += '}';
        text += copyLine([
          model,
          version,
          series.store,
          series.product,
          p.dates[h],
          p.algorithm,
          p.mean[h],
          quantiles,
        ]);
      }
      if (text.length >= COPY_CHUNK) {
        signal?.throwIfAborted();
        rows += await tx.copyIn('batch_forecasts', COLUMNS, text);
        text = '';
        progress(0.8 + (0.2 * (i + 1)) / total, `${rows} forecast rows written`);
      }
    }
    if (text !== '') rows += await tx.copyIn('batch_forecasts', COLUMNS, text);
    signal?.throwIfAborted();
    const seconds = (performance.now() - started) / 1000;
    await tx.run(
      `INSERT INTO batch_forecast_runs (model, version, horizon, quantiles, pair_count, row_count, seconds)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
       ON CONFLICT (model, version) DO UPDATE SET horizon = EXCLUDED.horizon, quantiles = EXCLUDED.quantiles,
         pair_count = EXCLUDED.pair_count, row_count = EXCLUDED.row_count, seconds = EXCLUDED.seconds,
         created_at = now()`,
      [model, version, shape.horizon, JSON.stringify(shape.quantiles), pairs, rows, seconds],
    );
    return { pairs, rows };
  });
  const seconds = (performance.now() - started) / 1000;
  progress(1, `${written.rows} forecast rows of ${written.pairs} series written`);
  return { model, version, pairs: written.pairs, rows: written.rows, seconds };
}

function jsonNumber(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? String(value) : 'null';
}

interface RunRow {
  model: string;
  version: number;
  horizon: number;
  quantiles: number[] | string;
  pair_count: number;
  row_count: number;
  seconds: number;
  created_at: Date | string;
}

/** The most recent run matching `query` (model and/or version), or null when there is none. */
export async function latestBatchForecastRun(
  db: Queryable,
  query: { model?: string; version?: number } = {},
): Promise<BatchForecastRun | null> {
  const rows = await db.query<RunRow>(
    `SELECT model, version, horizon, quantiles, pair_count, row_count, seconds, created_at
     FROM batch_forecast_runs
     WHERE ($1::text IS NULL OR model = $1) AND ($2::integer IS NULL OR version = $2)
     ORDER BY created_at DESC, version DESC LIMIT 1`,
    [query.model ?? null, query.version ?? null],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    model: r.model,
    version: Number(r.version),
    horizon: Number(r.horizon),
    quantiles: typeof r.quantiles === 'string' ? (JSON.parse(r.quantiles) as number[]) : r.quantiles,
    pairs: Number(r.pair_count),
    rows: Number(r.row_count),
    seconds: Number(r.seconds),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function checkQuery(query: BatchForecastQuery & { limit?: number; offset?: number }): void {
  const problems: { in: 'query'; path: string; message: string }[] = [];
  const whole = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (query.version !== undefined && !whole(query.version, 1, 2 ** 31 - 1))
    problems.push({ in: 'query', path: 'version', message: 'a version number (1, 2, ...)' });
  if (query.limit !== undefined && !whole(query.limit, 1, MAX_PAGE_SIZE))
    problems.push({ in: 'query', path: 'limit', message: `a whole number from 1 to ${MAX_PAGE_SIZE}` });
  if (query.offset !== undefined && !whole(query.offset, 0, Number.MAX_SAFE_INTEGER))
    problems.push({ in: 'query', path: 'offset', message: 'a whole number ≥ 0' });
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new ServingError(
      'INVALID_REQUEST',
      `the batch forecast query is invalid: ${first.path}: ${first.message}`,
      problems,
    );
  }
}

/** The filter shared by page reads and CSV: the run's rows, optionally one store and/or SKU. */
function filter(run: BatchForecastRun, query: BatchForecastQuery): { where: string; params: SqlValue[] } {
  const params: SqlValue[] = [run.model, run.version];
  let where = 'model = $1 AND version = $2';
  if (query.store !== undefined) {
    params.push(query.store);
    where += ` AND store_code = $${params.length}`;
  }
  if (query.sku !== undefined) {
    params.push(query.sku);
    where += ` AND sku = $${params.length}`;
  }
  return { where, params };
}

interface ForecastRowDb {
  store_code: string;
  sku: string;
  date: string;
  algorithm: string;
  mean: number;
  quantiles: Record<string, number> | string;
  created_at: Date | string;
}

const ROW_SELECT = `SELECT store_code, sku, to_char(forecast_date, 'YYYY-MM-DD') AS date, algorithm, mean,
  quantiles, created_at FROM batch_forecasts`;

/**
 * A page of batch forecasts, ordered by store, SKU and date. Without a version the most recent run
 * (of `model`, or of any model) is read.
 *
 * @example
 * const page = await readBatchForecasts(db, { store: 'BER-01', limit: 100, offset: 0 });
 * page.total; // rows matching, over all pages
 */
export async function readBatchForecasts(
  db: Queryable,
  query: BatchForecastQuery & { limit?: number; offset?: number },
): Promise<{ items: BatchForecastRow[]; total: number; limit: number; offset: number }> {
  checkQuery(query);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const offset = query.offset ?? 0;
  const run = await latestBatchForecastRun(db, query);
  if (!run) return { items: [], total: 0, limit, offset };
  const { where, params } = filter(run, query);
  const count = await db.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM batch_forecasts WHERE ${where}`,
    params,
  );
  const rows = await db.query<ForecastRowDb>(
    `${ROW_SELECT} WHERE ${where} ORDER BY store_code, sku, forecast_date
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return {
    items: rows.map((r) => ({
      model: run.model,
      version: run.version,
      store: r.store_code,
      sku: r.sku,
      date: r.date,
      algorithm: r.algorithm,
      mean: Number(r.mean),
      quantiles:
        typeof r.quantiles === 'string' ? (JSON.parse(r.quantiles) as Record<string, number>) : r.quantiles,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count[0]?.n ?? 0),
    limit,
    offset,
  };
}

/** The CSV column of a quantile level: its percentage, e.g. q10 for 0.1, q2.5 for 0.025. */
export function quantileColumn(level: number): string {
  return `q${Number((level * 100).toPrecision(12))}`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Batch forecasts as CSV, streamed a page at a time: a header line
 * (`store,sku,date,algorithm,mean,q10,q50,q90`), then one line per store × SKU × day in store, SKU,
 * date order. Without a version the most recent run is read; with no run only the header comes.
 *
 * @example
 * for await (const text of batchForecastsCsv(db, { model: 'demand' })) response.write(text);
 */
export async function* batchForecastsCsv(
  db: Queryable,
  query: BatchForecastQuery,
  options: { pageSize?: number } = {},
): AsyncGenerator<string> {
  checkQuery(query);
  const pageSize = Math.max(1, Math.trunc(options.pageSize ?? CSV_PAGE)) || CSV_PAGE;
  const run = await latestBatchForecastRun(db, query);
  const levels = run?.quantiles ?? [];
  yield `store,sku,date,algorithm,mean${levels.map((q) => `,${quantileColumn(q)}`).join('')}\n`;
  if (!run) return;
  const { where, params } = filter(run, query);
  const names = levels.map(String);
  let after: [string, string, string] | null = null;
  for (;;) {
    // Keyset paging on the primary key's order: each page is one index range, however deep.
    const n = params.length;
    const rows: ForecastRowDb[] = await db.query<ForecastRowDb>(
      `${ROW_SELECT} WHERE ${where}
       ${after ? `AND (store_code, sku, forecast_date) > ($${n + 1}, $${n + 2}, $${n + 3}::date)` : ''}
       ORDER BY store_code, sku, forecast_date LIMIT ${pageSize}`,
      after ? [...params, ...after] : params,
    );
    if (rows.length === 0) return;
    let text = '';
    for (const r of rows) {
      const q =
        typeof r.quantiles === 'string' ? (JSON.parse(r.quantiles) as Record<string, number>) : r.quantiles;
      text += `${csvField(r.store_code)},${csvField(r.sku)},${r.date},${csvField(r.algorithm)},${Number(r.mean)}`;
      for (const name of names) text += `,${q[name] ?? ''}`;
      text += '\n';
    }
    yield text;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = [last.store_code, last.sku, last.date];
  }
}
