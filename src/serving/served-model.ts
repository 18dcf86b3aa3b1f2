/**
 * @module serving/served-model
 * One loaded model version as serving holds it: the parsed bundle, its series indexed by store and
 * SKU, and ready answers. A version's forecasts are a pure function of its fitted states and the
 * request shape (simulated intervals are seeded), so each answer is computed once and then reused:
 * the bundle's own shape (its horizon and quantiles, what clients ask for most) is predicted for
 * every series before the version starts serving, other shapes are remembered as they are asked for
 * (up to a bound). Answers are frozen because many responses share them.
 */
import { type BundleSeries, bundleKey, type ModelBundle } from '../models/model-bundle.js';
import { type ForecastShape, predictSeries, type SeriesPrediction } from './series-predictor.js';
import { ServingError } from './serving-error.js';

/** One forecast day. */
export interface ForecastPoint {
  date: string;
  mean: number;
  /** Quantile level as text ("0.1") → value. */
  quantiles: Record<string, number>;
}

/** The forecast of one store × SKU, as online responses carry it. */
export interface PairForecast {
  store: string;
  sku: string;
  algorithm: string;
  points: ForecastPoint[];
}

type Answer = PairForecast | { failed: string };

/** Remembered answers for shapes other than the bundle's own, beyond which the oldest are dropped. */
export const DEFAULT_MEMO_LIMIT = 20_000;

/** The key of a request shape; quantiles must already be ascending and distinct. */
export function shapeKey(shape: ForecastShape): string {
  return `${shape.horizon}|${shape.quantiles.join(',')}`;
}

/** The bundle's own shape: its horizon and its quantiles, ascending and distinct. */
export function bundleShape(bundle: ModelBundle): ForecastShape {
  return { horizon: bundle.horizon, quantiles: [...new Set(bundle.quantiles)].sort((a, b) => a - b) };
}

export class ServedModel {
  readonly model: string;
  readonly version: number;
  readonly loadedAt: string;
  readonly artifactSha256: string;
  readonly bundle: ModelBundle;
  /** The bundle's own shape, answered for every series before serving starts. */
  readonly defaultShape: ForecastShape;
  readonly #series: Map<string, BundleSeries>;
  readonly #defaultKey: string;
  readonly #ready: Map<string, Answer>;
  readonly #memo = new Map<string, Answer>();
  readonly #memoLimit: number;

  /**
   * @param ready predictions of every bundle series for {@link bundleShape}, in bundle order (from
   * `predictAllSeries`), or null to compute them on demand.
   */
  constructor(input: {
    model: string;
    version: number;
    artifactSha256: string;
    bundle: ModelBundle;
    ready: readonly SeriesPrediction[] | null;
    memoLimit?: number;
  }) {
    this.model = input.model;
    this.version = input.version;
    this.artifactSha256 = input.artifactSha256;
    this.bundle = input.bundle;
    this.loadedAt = new Date().toISOString();
    this.defaultShape = bundleShape(input.bundle);
    this.#defaultKey = shapeKey(this.defaultShape);
    this.#memoLimit = input.memoLimit ?? DEFAULT_MEMO_LIMIT;
    this.#series = new Map();
    this.#ready = new Map();
    input.bundle.series.forEach((s, i) => {
      const key = bundleKey(s.store, s.product);
      if (this.#series.has(key)) return;
      this.#series.set(key, s);
      const prediction = input.ready?.[i];
      if (prediction) this.#ready.set(key, toAnswer(s, prediction, this.defaultShape));
    });
  }

  /** How many store × SKU series the version serves. */
  get seriesCount(): number {
    return this.#series.size;
  }

  has(store: string, sku: string): boolean {
    return this.#series.has(bundleKey(store, sku));
  }

  /**
   * The forecast of one series for a shape (quantiles ascending and distinct; `key` is its
   * {@link shapeKey}). Throws UNKNOWN_PAIR for a series the version does not hold and
   * INVALID_REQUEST when the series cannot answer the shape.
   */
  forecast(store: string, sku: string, shape: ForecastShape, key: string): PairForecast {
    const seriesKey = bundleKey(store, sku);
    let answer: Answer | undefined;
    if (key === this.#defaultKey) {
      answer = this.#ready.get(seriesKey);
      if (answer === undefined) {
        const series = this.#requireSeries(store, sku, seriesKey);
        answer = toAnswer(series, predictSeries(series, shape), shape);
        this.#ready.set(seriesKey, answer);
      }
    } else {
      const memoKey = `${key}\u0001${seriesKey}`;
      answer = this.#memo.get(memoKey);
      if (answer === undefined) {
        const series = this.#requireSeries(store, sku, seriesKey);
        answer = toAnswer(series, predictSeries(series, shape), shape);
        // Map keeps insertion order: the first key is the oldest.
        if (this.#memo.size >= this.#memoLimit) this.#memo.delete(this.#memo.keys().next().value as string);
        this.#memo.set(memoKey, answer);
      }
    }
    if ('failed' in answer) {
      throw new ServingError('INVALID_REQUEST', `${store}/${sku}: ${answer.failed}`, [
        { in: 'body', path: 'pairs', message: answer.failed },
      ]);
    }
    return answer;
  }

  #requireSeries(store: string, sku: string, key: string): BundleSeries {
    const series = this.#series.get(key);
    if (!series) {
      throw new ServingError(
        'UNKNOWN_PAIR',
        `${this.model} v${this.version} has no forecast for store '${store}' and SKU '${sku}'; the pair was not in its training data`,
        { model: this.model, version: this.version, pairs: [{ store, sku }] },
      );
    }
    return series;
  }
}

function toAnswer(series: BundleSeries, prediction: SeriesPrediction, shape: ForecastShape): Answer {
  if (!prediction.ok) return { failed: prediction.message };
  const levels = shape.quantiles.map(String);
  const points: ForecastPoint[] = prediction.dates.map((date, h) => {
    const quantiles: Record<string, number> = {};
    levels.forEach((level, i) => {
      quantiles[level] = prediction.quantiles[i]?.[h] as number;
    });
    return Object.freeze({ date, mean: prediction.mean[h] as number, quantiles: Object.freeze(quantiles) });
  });
  return Object.freeze({
    store: series.store,
    sku: series.product,
    algorithm: prediction.algorithm,
    points: Object.freeze(points) as ForecastPoint[],
  });
}
