/**
 * @module evaluation/wrmsse
 * Weighted RMSSE over a store/product hierarchy, as defined for the M5 competition: the bottom series
 * are summed up to every requested level (total, store, product or category, store × product, ...);
 * each aggregate's RMSSE is weighted by its share of dollar sales over the last 28 periods of the
 * training window; each level's weighted sum counts equally in the final mean.
 */

import type { Values } from './point-metrics.js';
import { rmsse, type ScaleOptions } from './scaled-metrics.js';

/** One bottom-level series of the hierarchy. */
export interface HierarchySeries {
  /** Key of each hierarchy dimension, e.g. `{ store: 'S1', category: 'FOODS', product: 'P7' }`. */
  keys: Readonly<Record<string, string>>;
  /** Training history; every series must have the same length, aligned on the same periods. NaN counts as 0 sold. */
  insample: Values;
  /** Actuals of the evaluation horizon. */
  actual: Values;
  /** Point forecast of the evaluation horizon. */
  forecast: Values;
  /** Unit price per training period (aligned with `insample`) or one price; units are weighed by 1 when absent. */
  price?: Values | number;
}

export interface WrmsseOptions {
  /**
   * The hierarchy levels, each a list of key names to group by; `[]` is the grand total.
   * M5-like default for a store × product panel: `[[], ['store'], ['product'], ['store', 'product']]`.
   */
  levels: readonly (readonly string[])[];
  /** Trailing training periods whose dollar sales give the weights (M5: 28). */
  weightWindow?: number;
  /** Lag of the naive forecast in the RMSSE scale (M5: 1). */
  scaleLag?: number;
}

export interface WrmsseLevel {
  keys: readonly string[];
  /** Number of aggregate series on this level. */
  groups: number;
  /** Weighted RMSSE of this level. */
  wrmsse: number;
}

export interface WrmsseResult {
  /** Mean of the levels' weighted RMSSE. */
  wrmsse: number;
  levels: WrmsseLevel[];
}

export class WrmsseInputError extends Error {
  override readonly name = 'WrmsseInputError';
  constructor(
    readonly code: 'WRMSSE_EMPTY' | 'WRMSSE_LENGTH_MISMATCH' | 'WRMSSE_MISSING_KEY',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Computes WRMSSE over the given hierarchy levels.
 *
 * @example
 * const { wrmsse: score } = wrmsse(series, { levels: [[], ['store'], ['product'], ['store', 'product']] });
 */
export function wrmsse(series: readonly HierarchySeries[], options: WrmsseOptions): WrmsseResult {
  const first = series[0];
  if (!first)
    throw new WrmsseInputError('WRMSSE_EMPTY', 'no series given; pass at least one bottom-level series');
  const n = first.insample.length;
  const h = first.actual.length;
  const window = Math.min(options.weightWindow ?? 28, n);
  const scaleOptions: ScaleOptions = { fromFirstNonZero: true };
  for (const s of series) {
    if (s.insample.length !== n || s.actual.length !== h || s.forecast.length !== h) {
      throw new WrmsseInputError(
        'WRMSSE_LENGTH_MISMATCH',
        `series ${JSON.stringify(s.keys)} has ${s.insample.length} training / ${s.actual.length} actual / ${s.forecast.length} forecast values, expected ${n} / ${h} / ${h}; align every series on the same periods (fill missing periods with 0 or NaN)`,
      );
    }
  }

  const levels: WrmsseLevel[] = [];
  for (const keys of options.levels) {
    const groups = new Map<
      string,
      { insample: Float64Array; actual: Float64Array; forecast: Float64Array; dollars: number }
    >();
    for (const s of series) {
      const groupKey = keys
        .map((k) => {
          const v = s.keys[k];
          if (v === undefined)
            throw new WrmsseInputError(
              'WRMSSE_MISSING_KEY',
              `series ${JSON.stringify(s.keys)} has no key "${k}" used by a hierarchy level`,
            );
          return v;
        })
        .join('\u0000');
      let g = groups.get(groupKey);
      if (!g) {
        g = {
          insample: new Float64Array(n),
          actual: new Float64Array(h),
          forecast: new Float64Array(h),
          dollars: 0,
        };
        groups.set(groupKey, g);
      }
      addInto(g.insample, s.insample);
      addInto(g.actual, s.actual);
      addInto(g.forecast, s.forecast);
      g.dollars += dollarSales(s, n - window, n);
    }
    let weighted = 0;
    let weightSum = 0;
    for (const g of groups.values()) {
      const score = rmsse(g.actual, g.forecast, g.insample, options.scaleLag ?? 1, scaleOptions);
      // An aggregate that never sold (zero scale) has no defined RMSSE: leave it out and renormalise.
      if (!Number.isFinite(score)) continue;
      weighted += g.dollars * score;
      weightSum += g.dollars;
    }
    levels.push({
      keys: [...keys],
      groups: groups.size,
      wrmsse: weightSum > 0 ? weighted / weightSum : Number.NaN,
    });
  }
  const finite = levels.filter((l) => Number.isFinite(l.wrmsse));
  const total = finite.length === 0 ? Number.NaN : finite.reduce((a, l) => a + l.wrmsse, 0) / finite.length;
  return { wrmsse: total, levels };
}

function addInto(target: Float64Array, values: Values): void {
  for (let i = 0; i < target.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) target[i] = (target[i] as number) + v;
  }
}

function dollarSales(s: HierarchySeries, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) {
    const units = s.insample[t] as number;
    if (!Number.isFinite(units)) continue;
    const price = s.price === undefined ? 1 : typeof s.price === 'number' ? s.price : (s.price[t] as number);
    if (Number.isFinite(price)) sum += units * price;
  }
  return sum;
}
