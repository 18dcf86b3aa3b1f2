/**
 * @module models/gbdt/tree-grower
 * Grows one regression tree on binned rows from gradients and hessians: gradient/hessian histograms
 * per node, the sibling's histogram by subtraction from the parent's, exact search over bin
 * boundaries with a learned direction for missing values, and depth-wise or leaf-wise growth.
 */

/** Bins per feature slot in a histogram: bin 0 = missing, 1..255 = values. */
const SLOTS = 256;

/** Binned training rows plus this round's derivatives. */
export interface GrowerData {
  /** Row-major bins, row r feature f at `r * nFeatures + f`. */
  bins: Uint8Array;
  nFeatures: number;
  /** Number of value bins (cuts) per feature. */
  nBins: Uint16Array;
  grad: Float64Array;
  hess: Float64Array;
}

export interface GrowerParams {
  /** Deepest level a leaf may sit at; 0 or less = no limit. */
  maxDepth: number;
  /** Most leaves in the tree. */
  maxLeaves: number;
  /** `depthwise` splits level by level (XGBoost); `lossguide` splits the best leaf first (LightGBM). */
  growPolicy: 'depthwise' | 'lossguide';
  minDataInLeaf: number;
  minChildWeight: number;
  lambda: number;
  minSplitGain: number;
  learningRate: number;
}

/** A grown tree; split thresholds are bins here, the booster turns them into raw values. */
export interface GrownTree {
  feature: number[];
  thresholdBin: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
  /** Leaves and the range of `rows` (as permuted by the grower) that fell into each. */
  leaves: { node: number; start: number; end: number }[];
}

interface Candidate {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  bestGain: number;
  bestFeature: number;
  bestBin: number;
  bestDefaultLeft: boolean;
}

/** Reusable buffers, so growing hundreds of trees allocates almost nothing. */
export class GrowerScratch {
  readonly #pool: Float64Array[] = [];
  readonly #histSize: number;
  partitionBuffer: Int32Array;
  constructor(nFeatures: number, nRows: number) {
    this.#histSize = nFeatures * SLOTS * 2;
    this.partitionBuffer = new Int32Array(nRows);
  }
  take(): Float64Array {
    return this.#pool.pop() ?? new Float64Array(this.#histSize);
  }
  give(h: Float64Array): void {
    this.#pool.push(h);
  }
}

function buildHistogram(
  hist: Float64Array,
  data: GrowerData,
  features: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  hist.fill(0);
  const { bins, grad, hess, nFeatures } = data;
  const nSel = features.length;
  if (nSel === nFeatures) {
    const f4 = nFeatures & ~3;
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const g = grad[r]!;
      const h = hess[r]!;
      const base = r * nFeatures;
      let f = 0;
      // Unrolled by four: V8 then overlaps the independent read-add-write chains (about 2x faster).
      // Slot (f * 256 + bin) * 2 holds the gradient sum, the next one the hessian sum.
      for (; f < f4; f += 4) {
        const b = base + f;
        const o0 = ((f << 8) + bins[b]!) << 1;
        const o1 = (((f + 1) << 8) + bins[b + 1]!) << 1;
        const o2 = (((f + 2) << 8) + bins[b + 2]!) << 1;
        const o3 = (((f + 3) << 8) + bins[b + 3]!) << 1;
        hist[o0]! += g;
        hist[o0 + 1]! += h;
        hist[o1]! += g;
        hist[o1 + 1]! += h;
        hist[o2]! += g;
        hist[o2 + 1]! += h;
        hist[o3]! += g;
        hist[o3 + 1]! += h;
      }
      for (; f < nFeatures; f++) {
        const o = ((f << 8) + bins[base + f]!) << 1;
        hist[o]! += g;
        hist[o + 1]! += h;
      }
    }
  } else {
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const g = grad[r]!;
      const h = hess[r]!;
      const base = r * nFeatures;
      for (let j = 0; j < nSel; j++) {
        const f = features[j]!;
        const o = ((f << 8) + bins[base + f]!) << 1;
        hist[o]! += g;
        hist[o + 1]! += h;
      }
    }
  }
}

/** In place: parent histogram minus the smaller child's becomes the larger child's. */
function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array): void {
  for (let j = 0; j < features.length; j++) {
    const from = features[j]! << 9;
    const to = from + SLOTS * 2;
    for (let o = from; o < to; o++) parent[o]! -= child[o]!;
  }
}

function findBestSplit(c: Candidate, data: GrowerData, features: Int32Array, p: GrowerParams): void {
  const { hist, g: G, h: H } = c;
  const count = c.end - c.start;
  // Counts are estimated from hessians (LightGBM does the same); exact when the hessian is constant.
  const countPerHess = H > 0 ? count / H : 0;
  const minCount = Math.max(1, p.minDataInLeaf) - 1e-9;
  const minHess = Math.max(p.minChildWeight, 1e-12);
  const lambda = p.lambda;
  const parentScore = (G * G) / (H + lambda);
  let bestGain = p.minSplitGain > 0 ? p.minSplitGain : 1e-12;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = false;
  for (let j = 0; j < features.length; j++) {
    const f = features[j]!;
    const base = f << 9;
    const gm = hist[base]!;
    const hm = hist[base + 1]!;
    const hasMissing = hm > 0;
    const nb = data.nBins[f]!;
    let gl = 0;
    let hl = 0;
    for (let b = 1; b <= nb; b++) {
      const hb = hist[base + 2 * b + 1]!;
      if (hb === 0) continue;
      gl += hist[base + 2 * b]!;
      hl += hb;
      // Missing values go right.
      let hr = H - hl;
      if (hl >= minHess && hr >= minHess && hl * countPerHess >= minCount && hr * countPerHess >= minCount) {
        const gr = G - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          bestDefaultLeft = false;
        }
      }
      if (hasMissing) {
        // Missing values go left.
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        hr = H - hl2;
        if (
          hl2 >= minHess &&
          hr >= minHess &&
          hl2 * countPerHess >= minCount &&
          hr * countPerHess >= minCount
        ) {
          const gr = G - gl2;
          const gain = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestBin = b;
            bestDefaultLeft = true;
          }
        }
      }
    }
  }
  c.bestGain = bestFeature >= 0 ? bestGain : 0;
  c.bestFeature = bestFeature;
  c.bestBin = bestBin;
  c.bestDefaultLeft = bestDefaultLeft;
}

/** Stable partition of rows[start, end) by the split; returns the first index of the right child. */
function partition(
  data: GrowerData,
  rows: Int32Array,
  start: number,
  end: number,
  feature: number,
  bin: number,
  defaultLeft: boolean,
  buffer: Int32Array,
): number {
  const { bins, nFeatures } = data;
  let l = start;
  let t = 0;
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const b = bins[r * nFeatures + feature]!;
    if (b === 0 ? defaultLeft : b <= bin) rows[l++] = r;
    else buffer[t++] = r;
  }
  rows.set(buffer.subarray(0, t), l);
  return l;
}

/**
 * Grows one tree over the rows `rows[0, nRows)`, which it permutes so each leaf's rows are contiguous.
 *
 * @example
 * const tree = growTree(data, rows, rows.length, allFeatures, params, new GrowerScratch(F, rows.length));
 */
export function growTree(
  data: GrowerData,
  rows: Int32Array,
  nRows: number,
  features: Int32Array,
  p: GrowerParams,
  scratch: GrowerScratch,
): GrownTree {
  const tree: GrownTree = {
    feature: [],
    thresholdBin: [],
    defaultLeft: [],
    left: [],
    right: [],
    value: [],
    gain: [],
    leaves: [],
  };
  const addNode = (): number => {
    tree.feature.push(-1);
    tree.thresholdBin.push(0);
    tree.defaultLeft.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    tree.gain.push(0);
    return tree.feature.length - 1;
  };
  const makeLeaf = (c: Candidate): void => {
    tree.value[c.node] = (-c.g / (c.h + p.lambda)) * p.learningRate;
    tree.leaves.push({ node: c.node, start: c.start, end: c.end });
    scratch.give(c.hist);
  };
  const sums = (hist: Float64Array): [number, number] => {
    // Every row sits in exactly one bin of any feature, so one feature's bins sum to the node totals.
    const f0 = features[0]! << 9;
    let g = 0;
    let h = 0;
    for (let o = f0; o < f0 + SLOTS * 2; o += 2) {
      g += hist[o]!;
      h += hist[o + 1]!;
    }
    return [g, h];
  };
  const canSplit = (depth: number, count: number): boolean =>
    (p.maxDepth <= 0 || depth < p.maxDepth) && count >= 2 * Math.max(1, p.minDataInLeaf);

  const rootHist = scratch.take();
  buildHistogram(rootHist, data, features, rows, 0, nRows);
  const [g0, h0] = sums(rootHist);
  const root: Candidate = {
    node: addNode(),
    start: 0,
    end: nRows,
    depth: 0,
    g: g0,
    h: h0,
    hist: rootHist,
    bestGain: 0,
    bestFeature: -1,
    bestBin: 0,
    bestDefaultLeft: false,
  };
  const open: Candidate[] = [];
  if (canSplit(0, nRows) && features.length > 0) {
    findBestSplit(root, data, features, p);
    open.push(root);
  } else {
    makeLeaf(root);
  }
  let nLeaves = 1;
  while (open.length > 0) {
    let pick = 0;
    if (p.growPolicy === 'lossguide') {
      for (let i = 1; i < open.length; i++) if (open[i]!.bestGain > open[pick]!.bestGain) pick = i;
    }
    const c = open.splice(pick, 1)[0]!;
    if (c.bestFeature < 0 || nLeaves >= p.maxLeaves) {
      makeLeaf(c);
      continue;
    }
    const mid = partition(
      data,
      rows,
      c.start,
      c.end,
      c.bestFeature,
      c.bestBin,
      c.bestDefaultLeft,
      scratch.partitionBuffer,
    );
    tree.feature[c.node] = c.bestFeature;
    tree.thresholdBin[c.node] = c.bestBin;
    tree.defaultLeft[c.node] = c.bestDefaultLeft ? 1 : 0;
    tree.gain[c.node] = c.bestGain;
    const leftNode = addNode();
    const rightNode = addNode();
    tree.left[c.node] = leftNode;
    tree.right[c.node] = rightNode;
    nLeaves++;
    const leftSmaller = mid - c.start <= c.end - mid;
    const small = scratch.take();
    if (leftSmaller) buildHistogram(small, data, features, rows, c.start, mid);
    else buildHistogram(small, data, features, rows, mid, c.end);
    subtractHistogram(c.hist, small, features);
    const leftHist = leftSmaller ? small : c.hist;
    const rightHist = leftSmaller ? c.hist : small;
    const [gl, hl] = sums(leftHist);
    const children: Candidate[] = [
      {
        node: leftNode,
        start: c.start,
        end: mid,
        depth: c.depth + 1,
        g: gl,
        h: hl,
        hist: leftHist,
      } as Candidate,
      {
        node: rightNode,
        start: mid,
        end: c.end,
        depth: c.depth + 1,
        g: c.g - gl,
        h: c.h - hl,
        hist: rightHist,
      } as Candidate,
    ];
    for (const child of children) {
      child.bestGain = 0;
      child.bestFeature = -1;
      child.bestBin = 0;
      child.bestDefaultLeft = false;
      if (canSplit(child.depth, child.end - child.start)) {
        findBestSplit(child, data, features, p);
        open.push(child);
      } else {
        makeLeaf(child);
      }
    }
  }
  return tree;
}
