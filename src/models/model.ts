/**
 * @module models/model
 * The one contract every forecasting algorithm implements. Models know nothing of the database:
 * they take arrays in and give plain, JSON-serialisable state out, so a stored model version
 * reloads bit-for-bit and a search can treat every algorithm alike.
 */

/** Sampling frequency of a series. */
export type Frequency = 'D' | 'W' | 'M' | 'Q' | 'Y';

/** A JSON value: what model state and hyperparameters are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One declared hyperparameter, so a search (grid, random, TPE) can explore it. */
export type HyperParameterSpec =
  | { name: string; type: 'int'; min: number; max: number; log?: boolean; default: number; help: string }
  | { name: string; type: 'float'; min: number; max: number; log?: boolean; default: number; help: string }
  | {
      name: string;
      type: 'categorical';
      choices: readonly (string | number | boolean)[];
      default: string | number | boolean;
      help: string;
    };

export type HyperParameters = Record<string, string | number | boolean>;

/** Point forecast plus one array per requested quantile level (keyed by the level, e.g. 0.1). */
export interface Forecast {
  /** Mean (point) forecast, one value per step; never negative for demand. */
  mean: Float64Array;
  /** Quantile level → values per step. Levels are those requested, in (0, 1). */
  quantiles: Map<number, Float64Array>;
}

/** What a local model sees when it is fitted: one series, evenly spaced, NaN where missing. */
export interface LocalFitInput {
  y: Float64Array;
  /** Season length in periods (7 for daily data with a weekly cycle, 52 for weekly, 12 monthly, 1 = none). */
  seasonLength: number;
  freq: Frequency;
  params: HyperParameters;
}

/** Serialised result of fitting: the model name, its hyperparameters and plain state. */
export interface FittedModel {
  model: string;
  params: HyperParameters;
  state: Json;
}

/**
 * A model fitted per series (naive, ETS, ARIMA, Croston, ...).
 *
 * @example
 * const fitted = ets.fit({ y, seasonLength: 7, freq: 'D', params: {} });
 * const fc = ets.predict(fitted, { horizon: 28, quantiles: [0.1, 0.5, 0.9] });
 */
export interface LocalModel {
  readonly kind: 'local';
  readonly name: string;
  readonly description: string;
  readonly hyperparameters: readonly HyperParameterSpec[];
  /** Fewest non-missing observations the model needs; shorter series fall back to a simpler model. */
  minLength(seasonLength: number, params: HyperParameters): number;
  fit(input: LocalFitInput): FittedModel;
  predict(fitted: FittedModel, request: ForecastRequest): Forecast;
}

export interface ForecastRequest {
  horizon: number;
  /** Quantile levels in (0, 1), e.g. [0.1, 0.5, 0.9]. */
  quantiles: readonly number[];
}

/** A panel of series for a global model: one row per series and period, with features. */
export interface PanelSeries {
  id: string;
  /** ISO date (YYYY-MM-DD) of the first value. */
  start: string;
  y: Float64Array;
  /** Static attributes of the series (store format, product category, country, ...). */
  attributes: Record<string, string | number>;
  /** Known-in-advance covariates aligned with y and extended `horizon` steps past its end (price, promotion). */
  covariates?: Record<string, Float64Array>;
}

export interface GlobalFitInput {
  series: readonly PanelSeries[];
  freq: Frequency;
  seasonLength: number;
  params: HyperParameters;
  /** Public holiday dates (YYYY-MM-DD) per country; a series' country is `attributes.country`. */
  holidays?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A model fitted across many series at once (the gradient-boosted global model). */
export interface GlobalModel {
  readonly kind: 'global';
  readonly name: string;
  readonly description: string;
  readonly hyperparameters: readonly HyperParameterSpec[];
  fit(input: GlobalFitInput): FittedModel;
  predict(
    fitted: FittedModel,
    series: readonly PanelSeries[],
    request: ForecastRequest,
  ): Map<string, Forecast>;
}

export type Model = LocalModel | GlobalModel;

/** Fills hyperparameters the caller left out with each spec's default. */
export function withDefaults(specs: readonly HyperParameterSpec[], params: HyperParameters): HyperParameters {
  const out: HyperParameters = {};
  for (const spec of specs) out[spec.name] = params[spec.name] ?? spec.default;
  return out;
}
