/**
 * @module models/gbdt/booster
 * Histogram gradient boosting (in the manner of LightGBM and XGBoost `hist`): training with row and
 * column subsampling and early stopping, prediction on raw feature columns, feature importance, and
 * a model that is plain JSON (trees as parallel arrays), so a stored model predicts bit-for-bit the
 * same after reloading.
 */

import { binRowMajor, computeBinCuts, MAX_VALUE_BINS } from './binning.js';
import { GbdtError } from './gbdt-error.js';
import { createObjective, type ObjectiveName, quantileOf } from './objectives.js';
import { seededRandom } from './random.js';
import { type GrowerData, GrowerScratch, type GrownTree, growTree } from './tree-grower.js';

/** Every knob of the booster. See {@link DEFAULT_BOOSTER_PARAMS} for the defaults. */
export interface BoosterParams {
  objective: ObjectiveName;
  numRounds: number;
  learningRate: number;
  /** Deepest level of a leaf; 0 = no limit (then `numLeaves` bounds the tree). */
  maxDepth: number;
  /** Most leaves per tree (used by both policies; depth-wise trees are usually bounded by maxDepth). */
  numLeaves: number;
  growPolicy: 'depthwise' | 'lossguide';
  minDataInLeaf: number;
  /** Least hessian sum in a child (XGBoost `min_child_weight`). */
  minChildWeight: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Least loss reduction for a split (XGBoost `gamma`). */
  minSplitGain: number;
  /** Share of features drawn (without replacement) for each tree. */
  featureFraction: number;
  /** Share of rows drawn (Bernoulli) for each tree. */
  baggingFraction: number;
  seed: number;
  /** Value bins per feature (missing values get one more). */
  maxBins: number;
  tweedieVariancePower: number;
  quantileAlpha: number;
  /** Stop when the validation metric has not improved for this many rounds; 0 = never. */
  earlyStoppingRounds: number;
}

export const DEFAULT_BOOSTER_PARAMS: Readonly<BoosterParams> = Object.freeze({
  objective: 'squared',
  numRounds: 100,
  learningRate: 0.1,
  maxDepth: 6,
  numLeaves: 63,
  growPolicy: 'depthwise',
  minDataInLeaf: 20,
  minChildWeight: 1e-3,
  lambda: 1,
  minSplitGain: 0,
  featureFraction: 1,
  baggingFraction: 1,
  seed: 1,
  maxBins: MAX_VALUE_BINS,
  tweedieVariancePower: 1.5,
  quantileAlpha: 0.5,
  earlyStoppingRounds: 0,
});

/** One tree as parallel arrays; node 0 is the root, `feature[i] < 0` marks a leaf. */
export interface TreeJson {
  feature: number[];
  /** A row goes left when `value <= threshold`. */
  threshold: number[];
  /** 1 when missing values go left. */
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** A trained booster; plain JSON. */
export interface BoosterModel {
  format: 'shelfcast-gbdt';
  version: 1;
  params: BoosterParams;
  /** Raw score before any tree (in the link space of the objective). */
  baseScore: number;
  featureNames: string[];
  trees: TreeJson[];
  /** Total gain and number of splits per feature, over the kept trees. */
  importance: { gain: number[]; split: number[] };
  /** Validation metric after each round (empty without a validation set). */
  validHistory: number[];
  /** Round (1-based tree count) with the best validation metric, or the number of trees. */
  bestRounds: number;
}

export interface TrainData {
  /** Column-major features, one Float32Array per feature, NaN = missing. */
  columns: readonly Float32Array[];
  y: ArrayLike<number>;
}

export interface TrainOptions {
  params?: Partial<BoosterParams>;
  featureNames?: readonly string[];
  /** Held-out rows for early stopping (metric = the objective's loss). */
  valid?: TrainData;
}

function checkParams(p: BoosterParams): void {
  const bad = (msg: string) => new GbdtError('GBDT_BAD_PARAM', msg);
  if (!(Number.isInteger(p.numRounds) && p.numRounds >= 1)) throw bad(`numRounds must be an integer >= 1`);
  if (!(p.learningRate > 0 && p.learningRate <= 1)) throw bad('learningRate must be in (0, 1]');
  if (!(p.numLeaves >= 2)) throw bad('numLeaves must be >= 2');
  if (!(p.lambda >= 0)) throw bad('lambda must be >= 0');
  if (!(p.featureFraction > 0 && p.featureFraction <= 1)) throw bad('featureFraction must be in (0, 1]');
  if (!(p.baggingFraction > 0 && p.baggingFraction <= 1)) throw bad('baggingFraction must be in (0, 1]');
  if (p.growPolicy !== 'depthwise' && p.growPolicy !== 'lossguide')
    throw bad('growPolicy must be depthwise or lossguide');
  if (p.growPolicy === 'depthwise' && p.maxDepth <= 0) throw bad('depthwise growth needs maxDepth >= 1');
}

function checkData(d: TrainData, nFeatures: number, what: string): number {
  const n = d.y.length;
  if (d.columns.length !== nFeatures) {
    throw new GbdtError(
      'GBDT_BAD_INPUT',
      `${what} has ${d.columns.length} feature columns, expected ${nFeatures}`,
    );
  }
  for (const [f, col] of d.columns.entries()) {
    if (col.length !== n) {
      throw new GbdtError('GBDT_BAD_INPUT', `${what} column ${f} has ${col.length} rows but y has ${n}`);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d.y[i]!))
      throw new GbdtError('GBDT_BAD_INPUT', `${what} y[${i}] is not a finite number`);
  }
  return n;
}

/** Adds a grown tree's outputs to `out` for every row, routing rows by their bins. */
function addTreeBinned(t: GrownTree, bins: Uint8Array, nFeatures: number, out: Float64Array): void {
  const feature = Int32Array.from(t.feature);
  const thr = Int32Array.from(t.thresholdBin);
  const dl = Uint8Array.from(t.defaultLeft);
  const left = Int32Array.from(t.left);
  const right = Int32Array.from(t.right);
  const value = Float64Array.from(t.value);
  for (let r = 0, base = 0; r < out.length; r++, base += nFeatures) {
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const b = bins[base + f]!;
      node = (b === 0 ? dl[node] === 1 : b <= thr[node]!) ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    out[r]! += value[node]!;
  }
}

/**
 * Trains a booster on column-major features.
 *
 * @example
 * const model = trainBooster({ columns: [x0, x1], y }, { params: { numRounds: 200, maxDepth: 4 } });
 * const yhat = predictBooster(model, [x0, x1]);
 */
export function trainBooster(train: TrainData, options: TrainOptions = {}): BoosterModel {
  const p: BoosterParams = { ...DEFAULT_BOOSTER_PARAMS, ...options.params };
  checkParams(p);
  const nFeatures = train.columns.length;
  if (nFeatures === 0) throw new GbdtError('GBDT_BAD_INPUT', 'no feature columns given');
  const n = checkData(train, nFeatures, 'training set');
  if (n === 0) throw new GbdtError('GBDT_BAD_INPUT', 'the training set has no rows');
  const featureNames = options.featureNames
    ? [...options.featureNames]
    : train.columns.map((_, i) => `f${i}`);
  if (featureNames.length !== nFeatures) {
    throw new GbdtError('GBDT_BAD_INPUT', `${featureNames.length} feature names for ${nFeatures} columns`);
  }
  const objective = createObjective(p.objective, p);
  const y = Float64Array.from(train.y);
  const cuts = computeBinCuts(train.columns, p.maxBins);
  const data: GrowerData = {
    bins: binRowMajor(train.columns, cuts, n),
    nFeatures,
    nBins: Uint16Array.from(cuts, (c) => c.length),
    grad: new Float64Array(n),
    hess: new Float64Array(n),
  };
  const baseScore = objective.baseScore(y);
  const raw = new Float64Array(n).fill(baseScore);

  const valid = options.valid;
  let validBins: Uint8Array | undefined;
  let validRaw: Float64Array | undefined;
  let validY: Float64Array | undefined;
  if (valid) {
    const nv = checkData(valid, nFeatures, 'validation set');
    validBins = binRowMajor(valid.columns, cuts, nv);
    validRaw = new Float64Array(nv).fill(baseScore);
    validY = Float64Array.from(valid.y);
  }

  const rand = seededRandom(p.seed);
  const rows = new Int32Array(n);
  const scratch = new GrowerScratch(nFeatures, n);
  const allFeatures = Int32Array.from({ length: nFeatures }, (_, i) => i);
  const growerParams = {
    maxDepth: p.maxDepth,
    maxLeaves:
      p.growPolicy === 'depthwise' && p.maxDepth > 0 ? Math.min(p.numLeaves, 2 ** p.maxDepth) : p.numLeaves,
    growPolicy: p.growPolicy,
    minDataInLeaf: p.minDataInLeaf,
    minChildWeight: p.minChildWeight,
    lambda: p.lambda,
    minSplitGain: p.minSplitGain,
    learningRate: p.learningRate,
  };
  const trees: TreeJson[] = [];
  const gains: number[][] = [];
  const validHistory: number[] = [];
  let bestRounds = 0;
  let bestMetric = Number.POSITIVE_INFINITY;

  for (let round = 0; round < p.numRounds; round++) {
    objective.gradients(y, raw, data.grad, data.hess);
    let m = n;
    if (p.baggingFraction < 1) {
      m = 0;
      for (let i = 0; i < n; i++) if (rand() < p.baggingFraction) rows[m++] = i;
      if (m === 0) rows[m++] = Math.floor(rand() * n);
    } else {
      for (let i = 0; i < n; i++) rows[i] = i;
    }
    let features = allFeatures;
    if (p.featureFraction < 1) {
      const k = Math.max(1, Math.round(nFeatures * p.featureFraction));
      const pool = Array.from(allFeatures);
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(rand() * (nFeatures - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      features = Int32Array.from(pool.slice(0, k)).sort();
    }
    const tree = growTree(data, rows, m, features, growerParams, scratch);
    if (objective.renewLeavesAtQuantile !== undefined) {
      const alpha = objective.renewLeavesAtQuantile;
      for (const leaf of tree.leaves) {
        const res = new Float64Array(leaf.end - leaf.start);
        for (let k = leaf.start; k < leaf.end; k++) res[k - leaf.start] = y[rows[k]!]! - raw[rows[k]!]!;
        tree.value[leaf.node] = p.learningRate * quantileOf(res, alpha);
      }
    }
    if (m === n) {
      // Without bagging every row sits in exactly one leaf range: no need to walk the tree.
      for (const leaf of tree.leaves) {
        const v = tree.value[leaf.node]!;
        for (let k = leaf.start; k < leaf.end; k++) raw[rows[k]!]! += v;
      }
    } else {
      addTreeBinned(tree, data.bins, nFeatures, raw);
    }
    trees.push({
      feature: tree.feature,
      threshold: tree.feature.map((f, i) => (f >= 0 ? cuts[f]![tree.thresholdBin[i]! - 1]! : 0)),
      defaultLeft: tree.defaultLeft,
      left: tree.left,
      right: tree.right,
      value: tree.value,
    });
    gains.push(tree.gain);
    if (validBins && validRaw && validY) {
      addTreeBinned(tree, validBins, nFeatures, validRaw);
      const metric = objective.metric(validY, validRaw);
      validHistory.push(metric);
      if (metric < bestMetric) {
        bestMetric = metric;
        bestRounds = round + 1;
      } else if (p.earlyStoppingRounds > 0 && round + 1 - bestRounds >= p.earlyStoppingRounds) {
        break;
      }
    } else {
      bestRounds = round + 1;
    }
  }
  // With early stopping the model keeps only the trees up to the best validation round.
  const kept = valid && p.earlyStoppingRounds > 0 ? bestRounds : trees.length;
  trees.length = kept;
  const importance = {
    gain: new Array<number>(nFeatures).fill(0),
    split: new Array<number>(nFeatures).fill(0),
  };
  for (let t = 0; t < kept; t++) {
    const tree = trees[t]!;
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i]!;
      if (f < 0) continue;
      importance.gain[f]! += gains[t]![i]!;
      importance.split[f]! += 1;
    }
  }
  return {
    format: 'shelfcast-gbdt',
    version: 1,
    params: p,
    baseScore,
    featureNames,
    trees,
    importance,
    validHistory,
    bestRounds: kept,
  };
}

export interface PredictOptions {
  /** Return raw scores (link space) instead of predictions on the scale of y. */
  raw?: boolean;
  /** Use only the first n trees. */
  nTrees?: number;
}

/**
 * Predicts for column-major features (NaN = missing), in the order the model was trained with.
 *
 * @example
 * const yhat = predictBooster(model, columns); // Float64Array, one value per row
 */
export function predictBooster(
  model: BoosterModel,
  columns: readonly Float32Array[],
  options: PredictOptions = {},
): Float64Array {
  if (columns.length !== model.featureNames.length) {
    throw new GbdtError(
      'GBDT_BAD_INPUT',
      `the model needs ${model.featureNames.length} feature columns (${model.featureNames.join(', ')}), got ${columns.length}`,
    );
  }
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n).fill(model.baseScore);
  const nTrees = Math.min(options.nTrees ?? model.trees.length, model.trees.length);
  for (let t = 0; t < nTrees; t++) {
    const tree = model.trees[t]!;
    const feature = Int32Array.from(tree.feature);
    const thr = Float64Array.from(tree.threshold);
    const dl = Uint8Array.from(tree.defaultLeft);
    const left = Int32Array.from(tree.left);
    const right = Int32Array.from(tree.right);
    const value = Float64Array.from(tree.value);
    for (let r = 0; r < n; r++) {
      let node = 0;
      let f = feature[0]!;
      while (f >= 0) {
        const v = columns[f]![r]!;
        node = (Number.isNaN(v) ? dl[node] === 1 : v <= thr[node]!) ? left[node]! : right[node]!;
        f = feature[node]!;
      }
      out[r]! += value[node]!;
    }
  }
  if (!options.raw) {
    const objective = createObjective(model.params.objective, model.params);
    for (let r = 0; r < n; r++) out[r] = objective.transform(out[r]!);
  }
  return out;
}

/**
 * Features ranked by total split gain (or by number of splits), largest first.
 *
 * @example
 * featureImportance(model, 'gain')[0]; // { name: 'price', value: 1234.5 }
 */
export function featureImportance(
  model: BoosterModel,
  kind: 'gain' | 'split' = 'gain',
): { feature: number; name: string; value: number }[] {
  return model.importance[kind]
    .map((value, feature) => ({ feature, name: model.featureNames[feature] ?? `f${feature}`, value }))
    .sort((a, b) => b.value - a.value || a.feature - b.feature);
}

/**
 * Checks that a parsed JSON value is a booster model, so a corrupt file fails loudly on load
 * rather than predicting nonsense.
 *
 * @example
 * const model = parseBoosterModel(JSON.parse(readFileSync('model.json', 'utf8')));
 */
export function parseBoosterModel(json: unknown): BoosterModel {
  const bad = (why: string) =>
    new GbdtError('GBDT_BAD_MODEL', `not a shelfcast GBDT model: ${why}; retrain or restore it`);
  if (typeof json !== 'object' || json === null) throw bad('not an object');
  const m = json as Partial<BoosterModel>;
  if (m.format !== 'shelfcast-gbdt' || m.version !== 1) throw bad('unknown format or version');
  if (!Array.isArray(m.trees) || !Array.isArray(m.featureNames) || typeof m.baseScore !== 'number') {
    throw bad('trees, featureNames or baseScore missing');
  }
  const nFeatures = m.featureNames.length;
  for (const [t, tree] of m.trees.entries()) {
    const len = tree.feature?.length;
    const keys = ['threshold', 'defaultLeft', 'left', 'right', 'value'] as const;
    if (!Array.isArray(tree.feature) || keys.some((k) => !Array.isArray(tree[k]) || tree[k].length !== len)) {
      throw bad(`tree ${t} has arrays of different lengths`);
    }
    for (let i = 0; i < len; i++) {
      const f = tree.feature[i]!;
      if (f >= nFeatures) throw bad(`tree ${t} splits on feature ${f} of ${nFeatures}`);
      if (
        f >= 0 &&
        !(tree.left[i]! > i && tree.right[i]! > i && tree.right[i]! < len && tree.left[i]! < len)
      ) {
        throw bad(`tree ${t} node ${i} has bad children`);
      }
    }
  }
  return m as BoosterModel;
}
