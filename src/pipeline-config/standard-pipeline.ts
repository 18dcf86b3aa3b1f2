/**
 * @module pipeline-config/standard-pipeline
 * The standard demand-forecasting pipeline, built with the pipeline SDK and driven by a
 * {@link PipelineConfig}: snapshot → validate → prepare → partition → train → evaluate → fit → register →
 * batch-forecast. Steps pass artifacts by path; only `snapshot` (reading sales) and `register`
 * (writing the tracking run and the registry version) open the database, each on its own.
 * External trainers named in the config compete with the built-in algorithms in every segment; a
 * segment one of them wins is served from the forecasts it wrote, and its model file is stored
 * with the version.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Queryable } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import type { BacktestSeries } from '../evaluation/backtest.js';
import { type BacktestReport, runBacktest } from '../evaluation/backtest-runner.js';
import { classifyDemand } from '../models/intermittency.js';
import {
  type BundleModelFile,
  type BundleSeries,
  fitBundleSeries,
  MODEL_BUNDLE_FORMAT,
  type ModelBundle,
  parseModelBundle,
  predictBundleSeries,
} from '../models/model-bundle.js';
import { modelCatalog, SEASONAL_NAIVE } from '../models/model-catalog.js';
import { definePipeline, fromParam, fromStep } from '../pipeline/pipeline-definition.js';
import { StepError } from '../pipeline/pipeline-error.js';
import { readSnapshot, writeSnapshot } from '../pipeline/snapshot.js';
import { artifact, defineStep, type JsonValue, param } from '../pipeline/step.js';
import { registerModelVersion } from '../registry/model-registry.js';
import { proposePromotion } from '../registry/promotion.js';
import { artifactStoreFromEnv } from '../tracking/artifact-store-from-env.js';
import { endRun, logArtifact, logMetrics, logParams, startRun } from '../tracking/run-store.js';
import { backtestScoreOf } from '../trainers/trainer-backtest.js';
import { backtestScore, selectPerSegment, type TuningMetric } from '../tuning/model-tuning.js';
import {
  foldScores,
  meanOfFolds,
  type SelectionMetric,
  type SeriesFoldScores,
  type StoredSeriesBacktest,
  seriesFoldScores,
  seriesMetric,
} from './backtest-scores.js';
import { championChoices } from './champion-rescore.js';
import { type PipelineConfig, parsePipelineConfig, toSearchSpaceConfig } from './pipeline-config.js';
import {
  backtestTrainer,
  externalModel,
  fitTrainer,
  pathSegment,
  removeWorkRoot,
  trainerOf,
  trainerWorkRoot,
} from './pipeline-trainers.js';

/**
 * The metric the tuner minimises for a config's selection metric. Under WRMSSE it is RMSSE:
 * WRMSSE is a weighted mean of per-series RMSSE whose weights come from each series' own history
 * (units sold before the fold's origin), so they are the same for every candidate of a segment and
 * every series' error the tuner lowers is a term of the WRMSSE. The tuner averages the series of a
 * segment with equal weight, though, so where a segment mixes fast and slow sellers its ranking can
 * differ from the weighted one; the evaluate step reports the weighted score.
 */
export function tuningMetric(config: PipelineConfig): TuningMetric {
  return seriesMetric(config.metric);
}

/** Per segment, per trainer: the trainer's backtest from the train step, reused by evaluate. */
type TrainerBacktests = Record<string, Record<string, StoredSeriesBacktest[]>>;

interface PreparedSeries {
  id: string;
  store: string;
  product: string;
  category: string;
  start: string;
  y: number[];
}

interface SegmentChoice {
  segment: string;
  series: string[];
  model: string;
  params: Record<string, string | number | boolean>;
  /** What `score` and the candidates' scores are: the tuning metric (RMSSE under a WRMSSE config). */
  metric: TuningMetric;
  score: number;
  seasonalNaive: number;
  candidates: { model: string; score: number; trials: number }[];
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const configOf = (value: JsonValue) => parsePipelineConfig(value);

const snapshot = defineStep({
  name: 'snapshot',
  version: '1',
  description: "Queries the config's sales window into a Parquet snapshot named by its content hash.",
  inputs: { config: param('json'), dataFingerprint: param('string') },
  outputs: { sales: artifact('file', { format: 'parquet' }), hash: param('string') },
  async run({ config: raw }, { outputs, workDir, log }) {
    const config = configOf(raw);
    const db = await openDatabase();
    try {
      const [bounds] = await db.query<{ first: string | null; last: string | null }>(
        'SELECT min(sale_date)::text AS first, max(sale_date)::text AS last FROM sales',
      );
      const to = config.data.to ?? bounds?.last;
      if (!to)
        throw StepError.nonRetryable(
          'the database holds no sales; ingest sales (or run `shelfcast demo`) first',
          'NO_SALES',
        );
      const from =
        config.data.from ?? (config.data.days ? addDays(to, 1 - config.data.days) : (bounds?.first ?? to));
      const rows = await db.query<{
        store: string;
        product: string;
        category: string;
        day: string;
        units: number;
      }>(
        `SELECT st.store_code AS store, p.sku AS product, p.category, s.sale_date::text AS day, s.units::float8 AS units
           FROM sales s JOIN stores st ON st.store_id = s.store_id JOIN products p ON p.product_id = s.product_id
          WHERE s.sale_date BETWEEN $1::date AND $2::date
          ORDER BY st.store_code, p.sku, s.sale_date`,
        [from, to],
      );
      const stores = config.data.stores ? new Set(config.data.stores) : undefined;
      const categories = config.data.categories ? new Set(config.data.categories) : undefined;
      const kept = rows
        .filter((r) => (!stores || stores.has(r.store)) && (!categories || categories.has(r.category)))
        .map((r) => ({ ...r, units: Number(r.units) }));
      const info = writeSnapshot(
        workDir,
        {
          store: kept.map((r) => r.store),
          product: kept.map((r) => r.product),
          category: kept.map((r) => r.category),
          day: kept.map((r) => r.day),
          units: kept.map((r) => r.units),
        },
        { types: { store: 'STRING', product: 'STRING', category: 'STRING', day: 'STRING', units: 'DOUBLE' } },
      );
      writeFileSync(outputs.sales, readFileSync(info.path));
      log.info(`${info.rows} rows from ${from} to ${to}, snapshot ${info.hash}`);
      return { hash: info.hash };
    } finally {
      await db.close();
    }
  },
});

const validate = defineStep({
  name: 'validate',
  version: '1',
  description: 'Basic checks on the snapshot: rows, date range, share of missing store-product-days.',
  inputs: { sales: artifact('file', { format: 'parquet' }) },
  outputs: { report: param('json') },
  async run({ sales }) {
    const rows = await readSnapshot(sales);
    if (rows.length === 0)
      throw StepError.nonRetryable(
        "the sales snapshot has no rows; widen the config's data window or its store/category filters",
        'EMPTY_SNAPSHOT',
      );
    let first = String(rows[0]?.day);
    let last = first;
    const pairs = new Set<string>();
    for (const r of rows) {
      const day = String(r.day);
      if (day < first) first = day;
      if (day > last) last = day;
      pairs.add(`${r.store}/${r.product}`);
    }
    const days = daysBetween(first, last) + 1;
    const missingDayShare = 1 - rows.length / (days * pairs.size);
    return {
      report: { rows: rows.length, series: pairs.size, from: first, to: last, days, missingDayShare },
    };
  },
});

const prepare = defineStep({
  name: 'prepare',
  version: '1',
  description: 'One daily series per store × product, days without a sale filled with zero.',
  // `checked` orders prepare after validate: no series are built from a snapshot that failed its checks.
  inputs: { sales: artifact('file', { format: 'parquet' }), checked: param('json') },
  outputs: { series: artifact('file', { format: 'json' }) },
  async run({ sales }, { outputs }) {
    const rows = await readSnapshot(sales);
    let last = '';
    const byPair = new Map<
      string,
      { store: string; product: string; category: string; days: Map<string, number> }
    >();
    for (const r of rows) {
      const day = String(r.day);
      if (day > last) last = day;
      const id = `${r.store}/${r.product}`;
      let entry = byPair.get(id);
      if (!entry) {
        entry = {
          store: String(r.store),
          product: String(r.product),
          category: String(r.category),
          days: new Map(),
        };
        byPair.set(id, entry);
      }
      entry.days.set(day, (entry.days.get(day) ?? 0) + Number(r.units));
    }
    const series: PreparedSeries[] = [];
    for (const [id, e] of byPair) {
      // A series starts at its first sale: days before a product was stocked are unknown, not zero demand.
      const start = [...e.days.keys()].sort()[0] as string;
      const length = daysBetween(start, last) + 1;
      const y = Array.from({ length }, (_, i) => e.days.get(addDays(start, i)) ?? 0);
      series.push({ id, store: e.store, product: e.product, category: e.category, start, y });
    }
    writeFileSync(outputs.series, JSON.stringify(series));
    return undefined;
  },
});

const partition = defineStep({
  name: 'partition',
  version: '1',
  description: "Groups the series into segments by the config's partitionBy.",
  inputs: { series: artifact('file', { format: 'json' }), config: param('json') },
  outputs: { segments: param('json') },
  run({ series, config: raw }) {
    const config = configOf(raw);
    const segments: Record<string, string[]> = {};
    for (const s of readJson<PreparedSeries[]>(series)) {
      const key =
        config.partitionBy === 'category'
          ? s.category
          : config.partitionBy === 'store'
            ? s.store
            : config.partitionBy === 'demand_class'
              ? classifyDemand(s.y).demandClass
              : 'all';
      (segments[key] ??= []).push(s.id);
    }
    return { segments };
  },
});

function segmentSeries(all: PreparedSeries[], ids: readonly string[]): BacktestSeries[] {
  const byId = new Map(all.map((s) => [s.id, s]));
  return ids.map((id) => {
    const s = byId.get(id) as PreparedSeries;
    return { id, y: Float64Array.from(s.y), start: s.start };
  });
}

/** Series in a segment from which trials' backtests run on worker threads (below, start-up costs more). */
const WORKER_THRESHOLD = 64;

const train = defineStep({
  name: 'train',
  version: '3',
  description:
    'Tunes every configured algorithm and backtests every external trainer per segment, and keeps the best (seasonal naive always beside).',
  inputs: { series: artifact('file', { format: 'json' }), segments: param('json'), config: param('json') },
  outputs: { selection: param('json'), trainerBacktests: artifact('file', { format: 'json' }) },
  async run({ series, segments: rawSegments, config: raw }, { log, progress, outputs, runId, signal }) {
    const config = configOf(raw);
    const all = readJson<PreparedSeries[]>(series);
    const choices: SegmentChoice[] = [];
    const segmentEntries = Object.entries(rawSegments as Record<string, string[]>);
    const trainers = Object.keys(config.trainers);
    // Budgeted trials (a trainer's backtest counts as one); a model without searched parameters runs
    // one, so the bar may finish early.
    const budget =
      segmentEntries.length *
      (Object.values(config.algorithms).reduce((a, alg) => a + alg.trials, 0) + trainers.length);
    let trialsDone = 0;
    const trainerBacktests: TrainerBacktests = {};
    const workRoot = trainers.length > 0 ? trainerWorkRoot(runId, 'train') : '';
    const layout = {
      horizon: config.horizon,
      folds: config.backtest.folds,
      ...(config.backtest.step ? { step: config.backtest.step } : {}),
    };
    for (const [segment, ids] of segmentEntries) {
      const panel = segmentSeries(all, ids);
      const candidates: {
        model: string;
        score: number;
        trials: number;
        params?: Record<string, string | number | boolean>;
      }[] = [];
      let seasonalNaive = Number.NaN;
      for (const [model, algorithm] of Object.entries(config.algorithms)) {
        const [picked] = await selectPerSegment([{ name: segment, series: panel }], {
          models: [model],
          spaces: { [model]: toSearchSpaceConfig(algorithm) },
          maxTrials: algorithm.trials,
          sampler: algorithm.sampler,
          seed: 1,
          horizon: config.horizon,
          folds: config.backtest.folds,
          ...(config.backtest.step ? { step: config.backtest.step } : {}),
          seasonLength: config.seasonLength,
          freq: 'D',
          metric: tuningMetric(config),
          // Large segments spread each trial's backtest over worker threads.
          workers: panel.length >= WORKER_THRESHOLD ? availableParallelism() : 1,
          // A cancelled run stops the search between trials.
          ...(signal ? { signal } : {}),
          onTrial: (trial) => {
            trialsDone++;
            progress?.(
              Math.min(trialsDone, budget),
              budget,
              `${segment} · ${model} trial ${trial.number + 1}${trial.state === 'complete' ? '' : ` (${trial.state})`}`,
            );
          },
        });
        const best = picked?.candidates[0];
        seasonalNaive = picked?.seasonalNaive ?? seasonalNaive;
        candidates.push({
          model,
          score: best?.score ?? Number.NaN,
          trials: best?.trials ?? 0,
          ...(best?.params ? { params: best.params } : {}),
        });
      }
      if (Object.keys(config.algorithms).length === 0)
        seasonalNaive = await backtestScore(
          panel,
          SEASONAL_NAIVE,
          {},
          {
            ...layout,
            seasonLength: config.seasonLength,
            freq: 'D',
            metric: tuningMetric(config),
          },
        ).catch(() => Number.NaN);
      // Same folds, horizon and metric as the tuned models, so the scores compare.
      for (const name of trainers) {
        signal?.throwIfAborted();
        const results = await backtestTrainer(name, config, segment, panel, workRoot);
        const score = backtestScoreOf(results, panel, layout, tuningMetric(config));
        (trainerBacktests[segment] ??= {})[name] = results.map((r) => ({
          seriesId: r.seriesId,
          folds: r.folds.map((f) => ({
            origin: f.origin,
            metrics: { mase: f.metrics.mase, rmsse: f.metrics.rmsse },
          })),
        }));
        candidates.push({ model: externalModel(name), score, trials: 1, params: {} });
        trialsDone++;
        progress?.(Math.min(trialsDone, budget), budget, `${segment} · ${externalModel(name)} backtested`);
      }
      candidates.push({ model: SEASONAL_NAIVE, score: seasonalNaive, trials: 1, params: {} });
      candidates.sort(
        (a, b) =>
          (Number.isFinite(a.score) ? a.score : Infinity) - (Number.isFinite(b.score) ? b.score : Infinity),
      );
      const best = candidates[0] as (typeof candidates)[number];
      log.info(`${segment}: ${best.model} ${best.score} (seasonal naive ${seasonalNaive})`);
      choices.push({
        segment,
        series: ids,
        model: best.model,
        params: best.params ?? {},
        metric: tuningMetric(config),
        score: best.score,
        seasonalNaive,
        candidates: candidates.map(({ model, score, trials }) => ({ model, score, trials })),
      });
    }
    writeFileSync(outputs.trainerBacktests, JSON.stringify(trainerBacktests));
    // Kept when a trainer failed: the error names its log in there.
    if (workRoot) removeWorkRoot(workRoot);
    return { selection: JSON.parse(JSON.stringify(choices)) as JsonValue };
  },
});

interface Evaluation {
  metric: SelectionMetric;
  /**
   * MASE, RMSSE: the segments' scores weighted by their number of series. WRMSSE: per fold the
   * volume-weighted mean of every series' RMSSE across segments, averaged over folds.
   */
  overall: { chosen: number; seasonalNaive: number };
  segments: {
    segment: string;
    model: string;
    series: number;
    /** Score per fold, oldest first; null where no series of the segment holds the fold. */
    folds: number[];
    seasonalNaiveFolds: number[];
    chosen: number;
    seasonalNaive: number;
  }[];
}

/** A segment's model choice to backtest: what train chose, or the champion's choice on new data. */
interface ChoiceToScore {
  segment: string;
  series: string[];
  model: string;
  params: Record<string, string | number | boolean>;
}

/**
 * Backtests each choice against seasonal naive, fold by fold, in the config's metric, and pools them
 * into the overall score. Returns null for `overall` when no segment could be scored. A choice of an
 * external trainer is scored from the backtest train ran for it (`stored`); one not there scores NaN.
 */
async function scoreChoices(
  all: PreparedSeries[],
  choices: readonly ChoiceToScore[],
  config: PipelineConfig,
  stored: TrainerBacktests,
  log: { warn(message: string): void },
): Promise<Evaluation> {
  const layout = {
    horizon: config.horizon,
    folds: config.backtest.folds,
    ...(config.backtest.step ? { step: config.backtest.step } : {}),
  };
  const perSeries = seriesMetric(config.metric);
  const weighted = config.metric === 'wrmsse';
  const segments: Evaluation['segments'] = [];
  const pooled: { chosen: SeriesFoldScores[]; seasonalNaive: SeriesFoldScores[] } = {
    chosen: [],
    seasonalNaive: [],
  };
  for (const choice of choices) {
    const panel = segmentSeries(all, choice.series);
    const trainer = trainerOf(choice.model);
    // A trainer's backtest is the one train ran (same folds); rerunning it would only cost time.
    let report: BacktestReport | undefined;
    try {
      report = await runBacktest(panel, {
        models: trainer ? [SEASONAL_NAIVE] : [choice.model],
        ...layout,
        seasonLength: config.seasonLength,
        freq: 'D',
        quantiles: config.quantiles,
        params: trainer ? {} : { [choice.model]: choice.params },
        workers: panel.length >= WORKER_THRESHOLD ? availableParallelism() : 1,
      });
    } catch (error) {
      log.warn(`${choice.segment}: ${choice.model} could not be backtested (${(error as Error).message})`);
    }
    const ofModel = (model: string) => report?.series.filter((r) => r.model === model) ?? [];
    const chosenResults = trainer ? (stored[choice.segment]?.[trainer] ?? []) : ofModel(choice.model);
    const chosenScores = seriesFoldScores(chosenResults, panel, layout, perSeries);
    const naiveScores = seriesFoldScores(ofModel(SEASONAL_NAIVE), panel, layout, perSeries);
    const folds = foldScores(chosenScores, layout.folds, weighted);
    const naiveFolds = foldScores(naiveScores, layout.folds, weighted);
    const entry = {
      segment: choice.segment,
      model: choice.model,
      series: panel.length,
      folds,
      seasonalNaiveFolds: naiveFolds,
      chosen: meanOfFolds(folds),
      seasonalNaive: meanOfFolds(naiveFolds),
    };
    segments.push(entry);
    // A segment whose series are all too short for the backtest scores NaN and is left out of the overall.
    if (Number.isFinite(entry.chosen) && Number.isFinite(entry.seasonalNaive)) {
      pooled.chosen.push(...chosenScores);
      pooled.seasonalNaive.push(...naiveScores);
    }
  }
  const scored = segments.filter((s) => Number.isFinite(s.chosen) && Number.isFinite(s.seasonalNaive));
  const total = scored.reduce((a, s) => a + s.series, 0);
  const bySeries = (f: (s: Evaluation['segments'][number]) => number) =>
    total === 0 ? Number.NaN : scored.reduce((a, s) => a + f(s) * s.series, 0) / total;
  return {
    metric: config.metric,
    overall: weighted
      ? {
          chosen: meanOfFolds(foldScores(pooled.chosen, layout.folds, true)),
          seasonalNaive: meanOfFolds(foldScores(pooled.seasonalNaive, layout.folds, true)),
        }
      : { chosen: bySeries((s) => s.chosen), seasonalNaive: bySeries((s) => s.seasonalNaive) },
    segments,
  };
}

const evaluate = defineStep({
  name: 'evaluate',
  version: '3',
  description:
    "Backtests each segment's chosen model against seasonal naive, fold by fold, in the config's metric (WRMSSE weighted by unit volume).",
  inputs: {
    series: artifact('file', { format: 'json' }),
    selection: param('json'),
    config: param('json'),
    trainerBacktests: artifact('file', { format: 'json' }),
  },
  outputs: { evaluation: param('json') },
  async run({ series, selection, config: raw, trainerBacktests }, { log }) {
    const config = configOf(raw);
    const evaluation = await scoreChoices(
      readJson<PreparedSeries[]>(series),
      selection as unknown as SegmentChoice[],
      config,
      readJson<TrainerBacktests>(trainerBacktests),
      log,
    );
    if (!evaluation.segments.some((s) => Number.isFinite(s.chosen) && Number.isFinite(s.seasonalNaive)))
      throw StepError.nonRetryable(
        'no segment could be backtested: the series are shorter than folds × step + horizon; lower backtest.folds or horizon, or widen data',
        'BACKTEST_TOO_SHORT',
      );
    return { evaluation: JSON.parse(JSON.stringify(evaluation)) as JsonValue };
  },
});

/**
 * The champion's score on this run's backtest when its registered score came from other data (or
 * another backtest design), so the promotion policy compares both on one backtest. Null when there
 * is no champion, it was trained on this very snapshot, or one of its choices cannot be re-run here.
 */
async function rescoreChampion(
  db: Queryable,
  config: PipelineConfig,
  backtestId: string,
  snapshotHash: string,
  all: PreparedSeries[],
  selection: readonly SegmentChoice[],
  stored: TrainerBacktests,
  log: { info(message: string): void; warn(message: string): void },
): Promise<{ version: number; value: number } | null> {
  const champion = await championChoices(db, config.name);
  if (!champion) return null;
  if (champion.backtestId === backtestId && champion.dataSnapshotHash === snapshotHash) return null;
  const bySegment = new Map(champion.choices.map((c) => [c.segment, c]));
  const choices: ChoiceToScore[] = selection.map((current) => {
    const theirs = bySegment.get(current.segment);
    // A segment the champion never saw is what it would have forecast with its fallback.
    return {
      segment: current.segment,
      series: current.series,
      model: theirs?.model ?? SEASONAL_NAIVE,
      params: theirs?.params ?? {},
    };
  });
  const missing = choices.find((c) => {
    const trainer = trainerOf(c.model);
    return trainer !== undefined && !stored[c.segment]?.[trainer];
  });
  if (missing) {
    log.info(
      `champion v${champion.version} is not re-scored: its ${missing.segment} model ${missing.model} is not among this run's trainers`,
    );
    return null;
  }
  const evaluation = await scoreChoices(all, choices, config, stored, log);
  if (!Number.isFinite(evaluation.overall.chosen)) return null;
  log.info(
    `champion v${champion.version} re-scored on this backtest: ${config.metric} ${evaluation.overall.chosen}`,
  );
  return { version: champion.version, value: evaluation.overall.chosen };
}

const fit = defineStep({
  name: 'fit',
  version: '2',
  description:
    "Fits every series' segment model on its whole history into a model bundle, the artifact a registered version serves from (a segment won by an external trainer: its forecasts and model file).",
  inputs: { series: artifact('file', { format: 'json' }), selection: param('json'), config: param('json') },
  outputs: {
    bundle: artifact('file', { format: 'json' }),
    /** Trainer model files at their artifact paths (`model/trainers/<trainer>/<segment>/<file>`). */
    models: artifact('dir'),
    fallbacks: param('integer'),
  },
  async run({ series, selection, config: raw }, { outputs, log, runId }) {
    const config = configOf(raw);
    const prepared = readJson<PreparedSeries[]>(series);
    const all = new Map(prepared.map((s) => [s.id, s]));
    const fitted: BundleSeries[] = [];
    const modelFiles: BundleModelFile[] = [];
    let workRoot: string | undefined;
    let fallbacks = 0;
    for (const choice of selection as unknown as SegmentChoice[]) {
      const trainer = trainerOf(choice.model);
      if (trainer) {
        workRoot ??= trainerWorkRoot(runId, 'fit');
        const result = await fitTrainer(
          trainer,
          config,
          choice.segment,
          segmentSeries(prepared, choice.series),
          workRoot,
        );
        for (const note of result.notes) log.info(`${choice.segment} · ${choice.model}: ${note}`);
        for (const id of choice.series) {
          const s = all.get(id) as PreparedSeries;
          // The runner checked that every series has a row per forecast date and quantile.
          const forecast = result.forecasts.get(id);
          fitted.push({
            kind: 'precomputed',
            store: s.store,
            product: s.product,
            segment: choice.segment,
            lastDay: addDays(s.start, s.y.length - 1),
            algorithm: choice.model,
            mean: Array.from(forecast?.mean ?? []),
            quantiles: Object.fromEntries(
              config.quantiles.map((q) => [String(q), Array.from(forecast?.quantiles.get(q) ?? [])]),
            ),
          });
        }
        const file = config.trainers[trainer]?.modelFile ?? 'model.bin';
        const path = `model/trainers/${trainer}/${pathSegment(choice.segment)}/${file}`;
        mkdirSync(dirname(join(outputs.models, path)), { recursive: true });
        writeFileSync(join(outputs.models, path), result.model);
        modelFiles.push({
          trainer,
          segment: choice.segment,
          path,
          sha256: result.modelSha256,
          sizeBytes: result.model.byteLength,
        });
        log.info(
          `${choice.segment}: ${choice.model} forecast ${choice.series.length} series in ${result.durationMs} ms`,
        );
        continue;
      }
      for (const id of choice.series) {
        const s = all.get(id) as PreparedSeries;
        const entry = fitBundleSeries(modelCatalog, {
          store: s.store,
          product: s.product,
          segment: choice.segment,
          lastDay: addDays(s.start, s.y.length - 1),
          model: choice.model,
          params: choice.params,
          y: Float64Array.from(s.y),
          seasonLength: config.seasonLength,
        });
        if (entry.note) fallbacks++;
        fitted.push(entry);
      }
    }
    const bundle: ModelBundle = {
      format: MODEL_BUNDLE_FORMAT,
      freq: 'D',
      seasonLength: config.seasonLength,
      horizon: config.horizon,
      quantiles: [...config.quantiles],
      series: fitted,
      ...(modelFiles.length > 0 ? { modelFiles } : {}),
    };
    writeFileSync(outputs.bundle, JSON.stringify(bundle));
    if (workRoot) removeWorkRoot(workRoot);
    if (fallbacks > 0) log.info(`${fallbacks} series too short for their segment model used a simpler one`);
    return { fallbacks };
  },
});

const register = defineStep({
  name: 'register',
  version: '5',
  description: 'Tracks the run, registers a model version with its lineage and proposes its promotion.',
  inputs: {
    config: param('json'),
    configHash: param('string'),
    snapshotHash: param('string'),
    report: param('json'),
    selection: param('json'),
    evaluation: param('json'),
    bundle: artifact('file', { format: 'json' }),
    models: artifact('dir'),
    series: artifact('file', { format: 'json' }),
    trainerBacktests: artifact('file', { format: 'json' }),
  },
  outputs: { registration: param('json') },
  async run(
    {
      config: raw,
      configHash,
      snapshotHash,
      report,
      selection,
      evaluation: rawEvaluation,
      bundle,
      models,
      series,
      trainerBacktests,
    },
    ctx,
  ) {
    const config = configOf(raw);
    const evaluation = rawEvaluation as unknown as Evaluation;
    const db = await openDatabase();
    try {
      const run = await startRun(db, {
        experiment: config.name,
        name: `train ${ctx.runId}`,
        params: {
          ...(JSON.parse(JSON.stringify(config)) as Record<string, JsonValue>),
          configHash,
          snapshotHash,
        },
        tags: { pipeline: 'standard-demand-forecast', pipelineRunId: ctx.runId },
      });
      const metric = evaluation.metric;
      await logMetrics(
        db,
        run.runId,
        [
          { key: metric, value: evaluation.overall.chosen },
          { key: `seasonal_naive_${metric}`, value: evaluation.overall.seasonalNaive },
          // Per step: what validate saw, and every candidate's tuned score from train.
          ...Object.entries(report as Record<string, JsonValue>)
            .filter((e): e is [string, number] => typeof e[1] === 'number')
            .map(([key, value]) => ({ key: `validate.${key}`, value })),
          ...(selection as unknown as SegmentChoice[]).flatMap((c) =>
            c.candidates.map((m) => ({ key: `train.${c.segment}.${m.model}.${metric}`, value: m.score })),
          ),
          ...evaluation.segments.flatMap((s) => [
            ...s.folds.map((value, fold) => ({ key: `${s.segment}.${metric}`, value, fold })),
            ...s.seasonalNaiveFolds.map((value, fold) => ({
              key: `${s.segment}.seasonal_naive_${metric}`,
              value,
              fold,
            })),
          ]),
        ].filter((m) => Number.isFinite(m.value)),
      );
      await logParams(db, run.runId, { selection });
      // Trainer model files first, each under the run and by content, so the version's bundle (which
      // lists their hashes) never names a file the store lacks.
      const store = artifactStoreFromEnv();
      for (const file of parseModelBundle(readFileSync(bundle)).modelFiles ?? []) {
        const kept = await logArtifact(db, store, run.runId, file.path, { file: join(models, file.path) });
        if (kept.sha256 !== file.sha256)
          throw StepError.nonRetryable(
            `model file ${file.path} has SHA-256 ${kept.sha256}, the bundle says ${file.sha256}; rerun with --force`,
            'MODEL_FILE_CHANGED',
          );
      }
      // The bundle is stored by content: a version's artifact is exactly what serving loads.
      const stored = await logArtifact(db, store, run.runId, 'model/bundle.json', { file: bundle });
      const backtestId = `rolling-h${config.horizon}-f${config.backtest.folds}-s${config.backtest.step ?? config.horizon}-${metric}`;
      const version = await registerModelVersion(db, {
        model: config.name,
        signature: {
          features: [config.target],
          frequency: 'D',
          horizon: config.horizon,
          quantiles: [...config.quantiles],
        },
        metrics: {
          [metric]: evaluation.overall.chosen,
          [`seasonal_naive_${metric}`]: evaluation.overall.seasonalNaive,
        },
        lineage: { runId: run.runId, backtestId, dataSnapshotHash: snapshotHash, configHash },
        artifact: { sha256: stored.sha256, uri: store.uri(stored.sha256) },
        description: evaluation.segments.map((s) => `${s.segment}: ${s.model}`).join(', '),
      });
      const championRescore = await rescoreChampion(
        db,
        config,
        backtestId,
        snapshotHash as string,
        readJson<PreparedSeries[]>(series),
        selection as unknown as SegmentChoice[],
        readJson<TrainerBacktests>(trainerBacktests),
        ctx.log,
      );
      const decision = await proposePromotion(
        db,
        { model: config.name, version: version.version },
        { metric, margin: config.promotion.margin, ...(championRescore ? { championRescore } : {}) },
      );
      await endRun(db, run.runId);
      return {
        registration: {
          model: config.name,
          version: version.version,
          trackingRunId: run.runId,
          outcome: decision.outcome,
          promoted: decision.outcome === 'champion',
          reason: decision.reason,
        },
      };
    } finally {
      await db.close();
    }
  },
});

const batchForecast = defineStep({
  name: 'batch-forecast',
  version: '2',
  description: 'Forecasts every store × product from the model bundle into a Parquet file.',
  inputs: { bundle: artifact('file', { format: 'json' }), config: param('json') },
  outputs: { forecasts: artifact('file', { format: 'parquet' }), rows: param('integer') },
  run({ bundle: bundlePath, config: raw }, { outputs, workDir }) {
    const config = configOf(raw);
    const bundle = readJson<ModelBundle>(bundlePath);
    const columns: Record<string, (string | number)[]> = {
      store: [],
      product: [],
      day: [],
      model: [],
      mean: [],
    };
    const qName = (q: number) => `q${String(Math.round(q * 100)).padStart(2, '0')}`;
    for (const q of config.quantiles) columns[qName(q)] = [];
    for (const s of bundle.series) {
      const forecast = predictBundleSeries(
        s,
        { horizon: config.horizon, quantiles: config.quantiles },
        modelCatalog,
      );
      for (let h = 0; h < config.horizon; h++) {
        columns.store?.push(s.store);
        columns.product?.push(s.product);
        columns.day?.push(forecast.dates[h] as string);
        columns.model?.push(forecast.algorithm);
        columns.mean?.push(forecast.mean[h] ?? Number.NaN);
        for (const q of config.quantiles)
          columns[qName(q)]?.push(forecast.quantiles.get(q)?.[h] ?? Number.NaN);
      }
    }
    const info = writeSnapshot(workDir, columns);
    writeFileSync(outputs.forecasts, readFileSync(info.path));
    return { rows: info.rows };
  },
});

/**
 * The standard pipeline. Parameters: `config` (a validated config as JSON), `configHash`, and
 * `dataFingerprint` (changes when the sales table changes, so the snapshot is taken again).
 *
 * @example
 * const result = await runPipeline(standardPipeline, {
 *   home: '.shelfcast',
 *   params: { config: JSON.parse(JSON.stringify(config)), configHash: configHash(config), dataFingerprint },
 * });
 */
export const standardPipeline = definePipeline({
  name: 'standard-demand-forecast',
  params: { config: param('json'), configHash: param('string'), dataFingerprint: param('string') },
  steps: [
    {
      step: snapshot,
      inputs: { config: fromParam('config'), dataFingerprint: fromParam('dataFingerprint') },
    },
    { step: validate, inputs: { sales: fromStep('snapshot', 'sales') } },
    {
      step: prepare,
      inputs: { sales: fromStep('snapshot', 'sales'), checked: fromStep('validate', 'report') },
    },
    { step: partition, inputs: { series: fromStep('prepare', 'series'), config: fromParam('config') } },
    {
      step: train,
      inputs: {
        series: fromStep('prepare', 'series'),
        segments: fromStep('partition', 'segments'),
        config: fromParam('config'),
      },
    },
    {
      step: evaluate,
      inputs: {
        series: fromStep('prepare', 'series'),
        selection: fromStep('train', 'selection'),
        config: fromParam('config'),
        trainerBacktests: fromStep('train', 'trainerBacktests'),
      },
    },
    {
      step: fit,
      inputs: {
        series: fromStep('prepare', 'series'),
        selection: fromStep('train', 'selection'),
        config: fromParam('config'),
      },
    },
    {
      step: register,
      inputs: {
        config: fromParam('config'),
        configHash: fromParam('configHash'),
        snapshotHash: fromStep('snapshot', 'hash'),
        report: fromStep('validate', 'report'),
        selection: fromStep('train', 'selection'),
        evaluation: fromStep('evaluate', 'evaluation'),
        bundle: fromStep('fit', 'bundle'),
        models: fromStep('fit', 'models'),
        series: fromStep('prepare', 'series'),
        trainerBacktests: fromStep('train', 'trainerBacktests'),
      },
    },
    {
      step: batchForecast,
      name: 'batch-forecast',
      inputs: { bundle: fromStep('fit', 'bundle'), config: fromParam('config') },
    },
  ],
});
