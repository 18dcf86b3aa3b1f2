/**
 * @module models/gbdt-global
 * The gradient-boosted global model: one histogram GBDT fitted across every series of a panel,
 * on calendar, holiday, lag, rolling, price/promotion and store/product attribute features.
 *
 * Strategy: direct multi-horizon with the step as a feature. Each training row is (series,
 * origin o, step h) with target y[o + h] and features that read y only up to o (see
 * features/feature-builder). One booster serves every step: unlike recursive forecasting, no
 * forecast is fed back as an input, so errors do not compound over the horizon, serving builds
 * each row exactly as training did (no simulated lags), and unlike one booster per step the
 * steps share what they learn. Lags shorter than the step are missing for that row, which the
 * trees handle by their learned default direction.
 *
 * Targets and y-features are divided by each row's level (mean of the last values up to the
 * origin), so one model fits series of any size. The most recent `horizon` periods of each
 * series are held out: they drive early stopping and give the residuals for the quantiles.
 *
 * Quantiles: split-conformal, from the held-out residuals (in level units) per step:
 * quantile q at step h = max(0, (prediction + q-quantile of the step's residuals) × level). One
 * booster serves every level, the bands widen with the step as the residuals do, and the levels
 * never cross. The residuals come from the same held-out window that picked the number of trees,
 * so coverage can be slightly optimistic.
 *
 * Cold start: a series without history gets a level from its attributes (the median level of
 * the training series sharing each known attribute value, combined geometrically) and is
 * forecast from calendar, covariates and attributes; training includes such rows (the first
 * periods of every series, as if it were new). A series with no history and no attribute value
 * known to the model raises {@link ColdStartError}.
 */

import {
  buildFeatures,
  type FeatureConfig,
  type FeatureRows,
  type FeatureSpec,
  fitFeatureSpec,
  servingRows,
} from '../features/feature-builder.js';
import { type BoosterModel, parseBoosterModel, predictBooster, trainBooster } from './gbdt/booster.js';
import type { ObjectiveName } from './gbdt/objectives.js';
import {
  type FittedModel,
  type Forecast,
  type Frequency,
  type GlobalFitInput,
  type GlobalModel,
  type HyperParameterSpec,
  type Json,
  type PanelSeries,
  withDefaults,
} from './model.js';

/** Raised when a series has neither history nor any attribute the model knows. */
export class ColdStartError extends Error {
  override readonly name = 'ColdStartError';
  readonly code = 'COLD_START';
  constructor(readonly seriesId: string) {
    super(
      `series '${seriesId}' has no sales history and none of its attributes (store, category, country, ...) ` +
        'were seen in training, so the global model cannot place it. Fall back to a reference forecast: ' +
        'the average of similar series chosen by hand, or a naive forecast once the first sales arrive; ' +
        'or give the series attributes shared with trained series.',
    );
  }
}

const HYPERPARAMETERS: readonly HyperParameterSpec[] = [
  {
    name: 'horizon',
    type: 'int',
    min: 1,
    max: 400,
    default: 28,
    help: 'Longest step trained for (direct strategy); request at most this many.',
  },
  {
    name: 'num_rounds',
    type: 'int',
    min: 20,
    max: 3000,
    log: true,
    default: 400,
    help: 'Most boosting rounds (early stopping may use fewer).',
  },
  {
    name: 'learning_rate',
    type: 'float',
    min: 0.005,
    max: 0.3,
    log: true,
    default: 0.05,
    help: 'Shrinkage of each tree.',
  },
  {
    name: 'max_depth',
    type: 'int',
    min: 0,
    max: 16,
    default: 0,
    help: 'Deepest leaf; 0 = unlimited (num_leaves bounds lossguide trees).',
  },
  {
    name: 'num_leaves',
    type: 'int',
    min: 4,
    max: 255,
    log: true,
    default: 31,
    help: 'Most leaves per tree.',
  },
  {
    name: 'grow_policy',
    type: 'categorical',
    choices: ['lossguide', 'depthwise'],
    default: 'lossguide',
    help: 'Leaf-wise (LightGBM) or level-wise (XGBoost) growth.',
  },
  {
    name: 'min_data_in_leaf',
    type: 'int',
    min: 1,
    max: 1000,
    log: true,
    default: 20,
    help: 'Fewest rows in a leaf.',
  },
  {
    name: 'min_child_weight',
    type: 'float',
    min: 0.0001,
    max: 10,
    log: true,
    default: 0.001,
    help: 'Least hessian sum in a leaf.',
  },
  { name: 'lambda', type: 'float', min: 0, max: 20, default: 1, help: 'L2 penalty on leaf values.' },
  {
    name: 'feature_fraction',
    type: 'float',
    min: 0.3,
    max: 1,
    default: 0.8,
    help: 'Share of features per tree.',
  },
  {
    name: 'bagging_fraction',
    type: 'float',
    min: 0.3,
    max: 1,
    default: 0.8,
    help: 'Share of rows per tree.',
  },
  {
    name: 'objective',
    type: 'categorical',
    choices: ['tweedie', 'poisson', 'squared'],
    default: 'tweedie',
    help: 'Loss: Tweedie and Poisson (log link) suit sparse counts.',
  },
  {
    name: 'tweedie_variance_power',
    type: 'float',
    min: 1.01,
    max: 1.99,
    default: 1.3,
    help: 'Tweedie p: near 1 Poisson-like, near 2 Gamma-like.',
  },
  {
    name: 'lags',
    type: 'categorical',
    choices: ['auto', '1,7,14,28', '7,14,28', '1,2,3,7,14,21,28', '1,2,4,13,52', '1,2,3,12'],
    default: 'auto',
    help: 'Target-relative lags; auto picks by frequency.',
  },
  {
    name: 'rolling_windows',
    type: 'categorical',
    choices: ['auto', '7,28', '7,28,91', '4,13', '3,12'],
    default: 'auto',
    help: 'Rolling mean/std windows ending at the origin; auto picks by frequency.',
  },
  {
    name: 'early_stopping_rounds',
    type: 'int',
    min: 0,
    max: 500,
    default: 50,
    help: 'Stop after this many rounds without validation gain; 0 = off.',
  },
  {
    name: 'max_training_rows',
    type: 'int',
    min: 10_000,
    max: 5_000_000,
    log: true,
    default: 1_000_000,
    help: 'Origins are thinned evenly to stay under this many rows.',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    max: 2_147_483_647,
    default: 1,
    help: 'Seed of row and feature subsampling.',
  },
];

const AUTO_LAGS: Record<Frequency, number[]> = {
  D: [1, 2, 3, 7, 14, 21, 28],
  W: [1, 2, 4, 13, 52],
  M: [1, 2, 3, 12],
  Q: [1, 2, 4],
  Y: [1, 2, 3],
};
const AUTO_WINDOWS: Record<Frequency, number[]> = {
  D: [7, 28],
  W: [4, 13],
  M: [3, 12],
  Q: [2, 4],
  Y: [2, 3],
};
const AUTO_SCALE_WINDOW: Record<Frequency, number> = { D: 28, W: 8, M: 6, Q: 4, Y: 3 };

/** Residuals kept per step: enough for any quantile level between 0.01 and 0.99. */
const MAX_RESIDUALS_PER_STEP = 1000;
/** Fewer held-out residuals than this at a step and the pooled residuals of all steps are used. */
const MIN_RESIDUALS_PER_STEP = 30;

interface GlobalState {
  spec: FeatureSpec;
  booster: BoosterModel;
  horizon: number;
  /** Rows the booster was trained on (for reports). */
  trainingRows: number;
  /** Sorted held-out residuals (in level units) per step, and pooled over steps. */
  residuals: number[][];
  pooledResiduals: number[];
  /** Attribute → value → median level of training series with that value. */
  attributeLevels: Record<string, Record<string, number>>;
}

function parseList(value: string | number | boolean | undefined, auto: number[]): number[] {
  if (value === undefined || value === 'auto') return auto;
  return String(value)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((v) => Number.isInteger(v) && v > 0);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean absolute value of the last `window` observed values (the level a series ends at). */
function endLevel(y: Float64Array, window: number): number {
  let s = 0;
  let c = 0;
  for (let i = y.length - 1; i >= 0 && c < window; i--) {
    if (!Number.isNaN(y[i]!)) {
      s += Math.abs(y[i]!);
      c++;
    }
  }
  return c > 0 ? s / c : Number.NaN;
}

function levelFromAttributes(s: PanelSeries, levels: GlobalState['attributeLevels']): number {
  let logSum = 0;
  let n = 0;
  for (const [attr, byValue] of Object.entries(levels)) {
    const v = s.attributes[attr];
    const level = v === undefined ? undefined : byValue[String(v)];
    if (level !== undefined && level > 0) {
      logSum += Math.log(level);
      n++;
    }
  }
  return n > 0 ? Math.exp(logSum / n) : Number.NaN;
}

function sortedSample(values: number[], max: number): number[] {
  const s = [...values].sort((a, b) => a - b);
  if (s.length <= max) return s;
  return Array.from({ length: max }, (_, i) => s[Math.round((i * (s.length - 1)) / (max - 1))]!);
}

function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

class RowCollector {
  series: number[] = [];
  origin: number[] = [];
  step: number[] = [];
  push(s: number, o: number, h: number): void {
    this.series.push(s);
    this.origin.push(o);
    this.step.push(h);
  }
  rows(): FeatureRows {
    return {
      series: Int32Array.from(this.series),
      origin: Int32Array.from(this.origin),
      step: Int32Array.from(this.step),
    };
  }
}

function fit(input: GlobalFitInput): FittedModel {
  const params = withDefaults(HYPERPARAMETERS, input.params);
  const H = Number(params.horizon);
  const config: FeatureConfig = {
    freq: input.freq,
    seasonLength: input.seasonLength,
    lags: parseList(params.lags, AUTO_LAGS[input.freq]),
    rollingWindows: parseList(params.rolling_windows, AUTO_WINDOWS[input.freq]),
    scaleWindow: AUTO_SCALE_WINDOW[input.freq],
    countryAttribute: 'country',
  };
  const series = input.series;
  const spec = fitFeatureSpec(series, config, input.holidays);

  const attributeLevels: GlobalState['attributeLevels'] = {};
  for (const attr of spec.categoricalAttributes) {
    const groups = new Map<string, number[]>();
    for (const s of series) {
      const v = s.attributes[attr];
      const level = endLevel(s.y, config.scaleWindow);
      if (v === undefined || !(level > 0)) continue;
      const list = groups.get(String(v)) ?? [];
      list.push(level);
      groups.set(String(v), list);
    }
    attributeLevels[attr] = Object.fromEntries([...groups].map(([v, l]) => [v, median(l)]));
  }
  const coldScale = Float64Array.from(series, (s) => levelFromAttributes(s, attributeLevels));

  // Validation origin: the last H periods of a long enough series are held out.
  const validOrigin = series.map((s) => (s.y.length - 1 - H >= 1 ? s.y.length - 1 - H : -2));
  const lastTrainTarget = series.map((s, i) => (validOrigin[i]! >= 1 ? validOrigin[i]! : s.y.length - 1));
  let candidates = 0;
  for (const t of lastTrainTarget) candidates += Math.max(0, t) * H;
  const maxRows = Number(params.max_training_rows);
  const stride = Math.max(1, Math.ceil(candidates / maxRows));

  const train = new RowCollector();
  const valid = new RowCollector();
  for (const [s, ser] of series.entries()) {
    const y = ser.y;
    const last = lastTrainTarget[s]!;
    // Origins counted back from the last one, so the most recent are always in.
    for (let o = last - 1; o >= 0; o -= stride) {
      for (let h = 1; h <= H && o + h <= last; h++) if (!Number.isNaN(y[o + h]!)) train.push(s, o, h);
    }
    // The series' first periods as if it were new: teaches the model the cold start.
    if (coldScale[s]! > 0) {
      for (let h = 1; h <= H && h - 1 <= last; h++) if (!Number.isNaN(y[h - 1]!)) train.push(s, -1, h);
    }
    const vo = validOrigin[s]!;
    if (vo >= 1) for (let h = 1; h <= H; h++) if (!Number.isNaN(y[vo + h]!)) valid.push(s, vo, h);
  }
  const trainMatrix = buildFeatures(spec, series, train.rows(), coldScale);
  const validMatrix = buildFeatures(spec, series, valid.rows(), coldScale);
  const booster = trainBooster(
    { columns: trainMatrix.columns, y: trainMatrix.target },
    {
      featureNames: spec.featureNames,
      ...(validMatrix.nRows > 0 ? { valid: { columns: validMatrix.columns, y: validMatrix.target } } : {}),
      params: {
        objective: String(params.objective) as ObjectiveName,
        numRounds: Number(params.num_rounds),
        learningRate: Number(params.learning_rate),
        maxDepth: Number(params.max_depth),
        numLeaves: Number(params.num_leaves),
        growPolicy: params.grow_policy === 'depthwise' ? 'depthwise' : 'lossguide',
        minDataInLeaf: Number(params.min_data_in_leaf),
        minChildWeight: Number(params.min_child_weight),
        lambda: Number(params.lambda),
        featureFraction: Number(params.feature_fraction),
        baggingFraction: Number(params.bagging_fraction),
        tweedieVariancePower: Number(params.tweedie_variance_power),
        earlyStoppingRounds: validMatrix.nRows > 0 ? Number(params.early_stopping_rounds) : 0,
        seed: Number(params.seed),
      },
    },
  );

  // Conformal residuals from the held-out window (the training rows when nothing was held out).
  const calib = validMatrix.nRows > 0 ? validMatrix : trainMatrix;
  const calibSteps = validMatrix.nRows > 0 ? valid.step : train.step;
  const pred = predictBooster(booster, calib.columns);
  const perStep: number[][] = Array.from({ length: H }, () => []);
  const pooled: number[] = [];
  for (let r = 0; r < calib.nRows; r++) {
    const res = calib.target[r]! - Math.max(0, pred[r]!);
    perStep[calibSteps[r]! - 1]!.push(res);
    pooled.push(res);
  }
  const state: GlobalState = {
    spec,
    booster,
    horizon: H,
    trainingRows: trainMatrix.nRows,
    residuals: perStep.map((r) => sortedSample(r, MAX_RESIDUALS_PER_STEP)),
    pooledResiduals: sortedSample(pooled, MAX_RESIDUALS_PER_STEP),
    attributeLevels,
  };
  return { model: 'gbdt-global', params, state: state as unknown as Json };
}

function predict(
  fitted: FittedModel,
  series: readonly PanelSeries[],
  request: { horizon: number; quantiles: readonly number[] },
): Map<string, Forecast> {
  const state = fitted.state as unknown as GlobalState;
  const booster = parseBoosterModel(state.booster);
  const H = request.horizon;
  const coldScale = Float64Array.from(series, (s) => {
    const hasHistory = s.y.some((v) => !Number.isNaN(v));
    if (hasHistory) return Number.NaN;
    const level = levelFromAttributes(s, state.attributeLevels);
    if (!(level > 0)) throw new ColdStartError(s.id);
    return level;
  });
  const rows = servingRows(series, H);
  const matrix = buildFeatures(state.spec, series, rows, coldScale);
  const pred = predictBooster(booster, matrix.columns);
  const out = new Map<string, Forecast>();
  for (const [s, ser] of series.entries()) {
    const mean = new Float64Array(H);
    const quantiles = new Map<number, Float64Array>(request.quantiles.map((q) => [q, new Float64Array(H)]));
    for (let h = 1; h <= H; h++) {
      const r = s * H + h - 1;
      const p = Math.max(0, pred[r]!);
      const scale = matrix.scale[r]!;
      mean[h - 1] = p * scale;
      const stepResiduals = state.residuals[Math.min(h, state.horizon) - 1] ?? [];
      const residuals =
        stepResiduals.length >= MIN_RESIDUALS_PER_STEP ? stepResiduals : state.pooledResiduals;
      for (const [q, values] of quantiles)
        values[h - 1] = Math.max(0, (p + quantileSorted(residuals, q)) * scale);
    }
    out.set(ser.id, { mean, quantiles });
  }
  return out;
}

/**
 * The gradient-boosted global model.
 *
 * @example
 * const fitted = gbdtGlobalModel.fit({ series, freq: 'D', seasonLength: 7, params: { horizon: 28 }, holidays });
 * const forecasts = gbdtGlobalModel.predict(fitted, series, { horizon: 28, quantiles: [0.1, 0.5, 0.9] });
 */
export const gbdtGlobalModel: GlobalModel = {
  kind: 'global',
  name: 'gbdt-global',
  description:
    'Histogram gradient boosting across all series (direct multi-horizon) on calendar, holiday, lag, rolling, price/promotion and attribute features; conformal quantiles; cold start from attributes.',
  hyperparameters: HYPERPARAMETERS,
  fit,
  predict,
};
