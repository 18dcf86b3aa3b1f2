/**
 * @module models/model-bundle
 * What a registered model version is: one fitted state per store × product series (plain JSON, so it
 * reloads bit for bit), or forecasts an external trainer produced for a series. Training writes it
 * once; batch forecasts and online serving only predict from it, so both answer with the same
 * numbers and neither refits on a request.
 */
import type { FittedModel } from './model.js';
import type { ModelCatalog } from './model-catalog.js';

export const MODEL_BUNDLE_FORMAT = 'shelfcast.model-bundle/1';

/** A series' model fitted by a built-in local model. */
export interface FittedBundleSeries {
  kind: 'fitted';
  store: string;
  product: string;
  segment: string;
  /** Last day of the training history; forecasts start the day after. */
  lastDay: string;
  fitted: FittedModel;
  /** Set when the chosen model could not fit this series and a simpler one was used. */
  note?: string;
}

/** Forecasts written by an external trainer (its model file is stored beside the bundle). */
export interface PrecomputedBundleSeries {
  kind: 'precomputed';
  store: string;
  product: string;
  segment: string;
  lastDay: string;
  algorithm: string;
  mean: number[];
  /** Quantile level as text ("0.1") → values per day. */
  quantiles: Record<string, number[]>;
}

export type BundleSeries = FittedBundleSeries | PrecomputedBundleSeries;

/** A model file an external trainer wrote for a segment, stored in the artifact store beside the bundle. */
export interface BundleModelFile {
  /** Trainer name from the pipeline config (its series carry `algorithm: external:<trainer>`). */
  trainer: string;
  segment: string;
  /** Artifact path under the version's tracking run, e.g. `model/trainers/r-forecast/smooth/model.rds`. */
  path: string;
  /** Content hash: the file's address in the artifact store. */
  sha256: string;
  sizeBytes: number;
}

export interface ModelBundle {
  format: typeof MODEL_BUNDLE_FORMAT;
  freq: 'D';
  seasonLength: number;
  /** The horizon the version was evaluated on; longer requests are allowed for fitted series. */
  horizon: number;
  quantiles: number[];
  series: BundleSeries[];
  /** Model files of the external trainers whose forecasts are in `series` (absent when none won a segment). */
  modelFiles?: BundleModelFile[];
}

export interface BundleForecast {
  algorithm: string;
  /** ISO dates, one per step. */
  dates: string[];
  mean: number[];
  /** Quantile level → values per step. */
  quantiles: Map<number, number[]>;
}

export class ModelBundleError extends Error {
  constructor(
    readonly code: 'INVALID_BUNDLE' | 'HORIZON_TOO_LONG' | 'QUANTILE_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ModelBundleError';
  }
}

const DAY_MS = 86_400_000;
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The key bundles use for a series. */
export function bundleKey(store: string, product: string): string {
  return `${store}\u0000${product}`;
}

/** Parses and checks a bundle read from the artifact store. */
export function parseModelBundle(bytes: Uint8Array | string): ModelBundle {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelBundleError('INVALID_BUNDLE', `the model bundle is not JSON: ${(error as Error).message}`);
  }
  const b = value as Partial<ModelBundle>;
  if (b?.format !== MODEL_BUNDLE_FORMAT || !Array.isArray(b.series) || !Array.isArray(b.quantiles))
    throw new ModelBundleError(
      'INVALID_BUNDLE',
      `the artifact is not a ${MODEL_BUNDLE_FORMAT} model bundle (format: ${String(b?.format)})`,
    );
  return b as ModelBundle;
}

/**
 * Forecasts one bundle series `horizon` days past its last training day.
 *
 * @example
 * const f = predictBundleSeries(bundle.series[0], { horizon: 28, quantiles: [0.1, 0.9] }, modelCatalog);
 * f.dates[0]; // the day after the series' last training day
 */
export function predictBundleSeries(
  series: BundleSeries,
  request: { horizon: number; quantiles: readonly number[] },
  catalog: ModelCatalog,
): BundleForecast {
  const dates = Array.from({ length: request.horizon }, (_, h) => addDays(series.lastDay, h + 1));
  if (series.kind === 'precomputed') {
    if (request.horizon > series.mean.length)
      throw new ModelBundleError(
        'HORIZON_TOO_LONG',
        `${series.algorithm} forecasts for ${series.store}/${series.product} cover ${series.mean.length} days; ask for at most that`,
      );
    const quantiles = new Map<number, number[]>();
    for (const q of request.quantiles) {
      const values = series.quantiles[String(q)];
      if (!values)
        throw new ModelBundleError(
          'QUANTILE_UNAVAILABLE',
          `${series.algorithm} wrote quantiles ${Object.keys(series.quantiles).join(', ') || 'none'}; ${q} is not among them`,
        );
      quantiles.set(q, values.slice(0, request.horizon));
    }
    return { algorithm: series.algorithm, dates, mean: series.mean.slice(0, request.horizon), quantiles };
  }
  const model = catalog.local(series.fitted.model);
  const forecast = model.predict(series.fitted, { horizon: request.horizon, quantiles: request.quantiles });
  const quantiles = new Map<number, number[]>();
  for (const q of request.quantiles) quantiles.set(q, Array.from(forecast.quantiles.get(q) ?? []));
  return { algorithm: series.fitted.model, dates, mean: Array.from(forecast.mean), quantiles };
}

/** Fits `model` (with fallback) on one series for a bundle. */
export function fitBundleSeries(
  catalog: ModelCatalog,
  input: {
    store: string;
    product: string;
    segment: string;
    lastDay: string;
    model: string;
    params: Record<string, string | number | boolean>;
    y: Float64Array;
    seasonLength: number;
  },
): FittedBundleSeries {
  const model = catalog.local(input.model);
  const outcome = catalog.fitWithFallback(model, {
    y: input.y,
    seasonLength: input.seasonLength,
    freq: 'D',
    params: input.params,
  });
  return {
    kind: 'fitted',
    store: input.store,
    product: input.product,
    segment: input.segment,
    lastDay: input.lastDay,
    fitted: JSON.parse(JSON.stringify(outcome.fitted)) as FittedModel,
    ...(outcome.note ? { note: outcome.note } : {}),
  };
}
