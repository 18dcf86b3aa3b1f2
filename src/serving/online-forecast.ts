/**
 * @module serving/online-forecast
 * Online forecasts: a request names store × SKU pairs, a horizon and quantile levels, and is answered
 * from the champion held by a {@link ModelCache}; no database access on the way (the cache re-reads
 * aliases in the background) and no refitting.
 *
 * Training and serving cannot drift apart in their features: for the built-in local models the
 * "features" of a series are its own history, and what a registered version holds per series is the
 * state training fitted on that history (the model bundle). Serving only calls the model's `predict`
 * on that state through `predictBundleSeries`, the same function the pipeline's batch-forecast step
 * and {@link runBatchForecasts} call, so online, batch and training-time forecasts of a version are
 * the same numbers. Forecasts from external trainers are served as the trainer wrote them.
 */
import type { ModelCache } from './model-cache.js';
import type { ForecastShape } from './series-predictor.js';
import type { PairForecast, ServedModel } from './served-model.js';
import { shapeKey } from './served-model.js';
import { type RequestProblem, ServingError } from './serving-error.js';

export type { ForecastPoint, PairForecast } from './served-model.js';

export interface OnlineForecastRequest {
  /** Default: the one model that has a champion. */
  model?: string;
  pairs: { store: string; sku: string }[];
  /** Days ahead, 1..365. */
  horizon: number;
  /** Levels in (0, 1); default: the levels the version was trained for. */
  quantiles?: number[];
}

export interface OnlineForecastResponse {
  model: string;
  version: number;
  forecasts: PairForecast[];
}

/** Most pairs one request may ask for. */
export const MAX_PAIRS = 1000;
/** Longest horizon, in days. */
export const MAX_HORIZON = 365;
/** Most quantile levels one request may ask for. */
export const MAX_QUANTILES = 20;
/** Problems listed in one INVALID_REQUEST before the rest are summarised. */
const MAX_PROBLEMS = 20;

interface ValidRequest {
  model?: string;
  pairs: { store: string; sku: string }[];
  horizon: number;
  quantiles: number[] | null;
}

/**
 * Checks a request whatever its source (parsed JSON is not trusted to match the type); throws
 * INVALID_REQUEST listing each bad field. Quantiles come back ascending and without repeats.
 */
export function validateOnlineRequest(request: unknown): ValidRequest {
  const problems: RequestProblem[] = [];
  const bad = (path: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ in: 'body', path, message });
  };
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw invalid([{ in: 'body', path: '', message: 'send an object with pairs, horizon and quantiles' }]);
  }
  const r = request as Record<string, unknown>;
  if (r.model !== undefined && (typeof r.model !== 'string' || r.model.trim() === ''))
    bad('model', 'a model name (text), or leave it out to use the one model with a champion');
  const pairs: { store: string; sku: string }[] = [];
  if (!Array.isArray(r.pairs) || r.pairs.length === 0) {
    bad('pairs', 'a list of 1 to 1,000 { store, sku } objects');
  } else if (r.pairs.length > MAX_PAIRS) {
    bad('pairs', `at most ${MAX_PAIRS} pairs per request, got ${r.pairs.length}; split the request`);
  } else {
    r.pairs.forEach((p: unknown, i) => {
      const pair = (p ?? {}) as Record<string, unknown>;
      const store = pair.store;
      const sku = pair.sku;
      if (typeof store !== 'string' || store === '') bad(`pairs[${i}].store`, 'a store code (text)');
      if (typeof sku !== 'string' || sku === '') bad(`pairs[${i}].sku`, 'a SKU (text)');
      if (typeof store === 'string' && typeof sku === 'string') pairs.push({ store, sku });
    });
  }
  const horizon = r.horizon;
  if (typeof horizon !== 'number' || !Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON)
    bad('horizon', `a whole number of days from 1 to ${MAX_HORIZON}, got ${JSON.stringify(horizon)}`);
  let quantiles: number[] | null = null;
  if (r.quantiles !== undefined) {
    if (!Array.isArray(r.quantiles) || r.quantiles.length === 0 || r.quantiles.length > MAX_QUANTILES) {
      bad('quantiles', `a list of 1 to ${MAX_QUANTILES} levels between 0 and 1, e.g. [0.1, 0.5, 0.9]`);
    } else {
      r.quantiles.forEach((q: unknown, i) => {
        if (typeof q !== 'number' || !(q > 0 && q < 1))
          bad(`quantiles[${i}]`, `a level strictly between 0 and 1, got ${JSON.stringify(q)}`);
      });
      quantiles = [...new Set(r.quantiles as number[])].sort((a, b) => a - b);
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return {
    ...(typeof r.model === 'string' ? { model: r.model } : {}),
    pairs,
    horizon: horizon as number,
    quantiles,
  };
}

function invalid(problems: RequestProblem[]): ServingError {
  const first = problems[0] as RequestProblem;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ServingError(
    'INVALID_REQUEST',
    `the forecast request is invalid: ${first.path || 'body'}: ${first.message}${more}`,
    problems,
  );
}

/**
 * Forecasts the requested pairs from the current champion; the whole response comes from one
 * version. Throws a ServingError: INVALID_REQUEST, NO_CHAMPION, UNKNOWN_PAIR (naming the pairs the
 * version has no series for) or MODEL_ARTIFACT_MISSING.
 *
 * @example
 * const cache = new ModelCache(db);
 * const res = await forecastOnline(cache, {
 *   pairs: [{ store: 'BER-01', sku: 'SOAP-OLIVE-250' }],
 *   horizon: 28,
 *   quantiles: [0.1, 0.5, 0.9],
 * });
 * res.forecasts[0].points[0]; // { date: '2026-07-01', mean: 4.2, quantiles: { '0.1': 1.3, '0.5': 4.0, '0.9': 7.5 } }
 */
export async function forecastOnline(
  cache: ModelCache,
  request: OnlineForecastRequest,
): Promise<OnlineForecastResponse> {
  const { served, forecasts } = await answer(cache, request);
  return { model: served.model, version: served.version, forecasts };
}

/**
 * {@link forecastOnline}'s response as JSON text, the same text `JSON.stringify` gives for it. Each
 * pair's forecast is serialised once per version and then reused, which saves most of a request's
 * cost where the response is sent as text.
 *
 * @example
 * reply.type('application/json').send(await forecastOnlineJson(cache, body));
 */
export async function forecastOnlineJson(cache: ModelCache, request: OnlineForecastRequest): Promise<string> {
  const { served, forecasts } = await answer(cache, request);
  // The common one-pair request returns the same string object each time, so whatever keys on the
  // text downstream (the server's checked-response set) hashes it once, not per request.
  const only = forecasts.length === 1 ? (forecasts[0] as PairForecast) : undefined;
  const kept = only && singleResponse.get(only);
  if (kept) return kept;
  let text = `{"model":${JSON.stringify(served.model)},"version":${served.version},"forecasts":[`;
  for (let i = 0; i < forecasts.length; i++)
    text += (i > 0 ? ',' : '') + pairJson(forecasts[i] as PairForecast);
  text = `${text}]}`;
  // A pair's answer belongs to one served version, so it also fixes the response's model and version.
  if (only) singleResponse.set(only, text);
  return text;
}

const singleResponse = new WeakMap<PairForecast, string>();

/** Answers are frozen and shared, so their JSON text can be kept beside them. */
const jsonText = new WeakMap<PairForecast, string>();

function pairJson(forecast: PairForecast): string {
  let text = jsonText.get(forecast);
  if (text === undefined) {
    text = JSON.stringify(forecast);
    jsonText.set(forecast, text);
  }
  return text;
}

async function answer(
  cache: ModelCache,
  request: OnlineForecastRequest,
): Promise<{ served: ServedModel; forecasts: PairForecast[] }> {
  const valid = validateOnlineRequest(request);
  const served = await cache.champion(valid.model);
  const shape: ForecastShape = {
    horizon: valid.horizon,
    quantiles: valid.quantiles ?? served.defaultShape.quantiles,
  };
  const unknown = valid.pairs.filter((p) => !served.has(p.store, p.sku));
  if (unknown.length > 0) {
    const named = unknown
      .slice(0, 5)
      .map((p) => `${p.store}/${p.sku}`)
      .join(', ');
    const rest = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
    throw new ServingError(
      'UNKNOWN_PAIR',
      `${served.model} v${served.version} has no forecast for ${named}${rest}: no such store × SKU was in its training data; check the codes`,
      { model: served.model, version: served.version, pairs: unknown.slice(0, 100) },
    );
  }
  const key = shapeKey(shape);
  return { served, forecasts: valid.pairs.map((p) => served.forecast(p.store, p.sku, shape, key)) };
}
