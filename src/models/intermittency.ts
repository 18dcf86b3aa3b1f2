/**
 * @module models/intermittency
 * Demand classification after Syntetos, Boylan & Croston (2005): the average inter-demand interval
 * (ADI) and the squared coefficient of variation of the non-zero demand sizes (CV²), cut at 1.32 and
 * 0.49, give 'smooth', 'erratic', 'intermittent' or 'lumpy'; plus a model recommendation per class.
 */

import { meanInterDemandInterval } from './adida.js';

export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';

/** Syntetos–Boylan cut-offs. */
export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;

export interface DemandClassification {
  demandClass: DemandClass;
  /** Mean interval between demands, the first counted from the start (Infinity without demand). */
  adi: number;
  /** Squared coefficient of variation of non-zero sizes (sample sd; 0 with fewer than two demands). */
  cv2: number;
  /** Number of periods with demand. */
  demands: number;
  /** Periods since the last demand (the series length when there is none). */
  periodsSinceLastDemand: number;
}

/**
 * Classifies a demand series (NaN = missing, ignored).
 *
 * @example
 * classifyDemand(Float64Array.of(0, 0, 5, 0, 0, 1, 0, 12)).demandClass; // 'lumpy'
 */
export function classifyDemand(y: ArrayLike<number>): DemandClassification {
  const present: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) present.push(y[i]!);
  const sizes = present.filter((v) => v > 0);
  const adi = meanInterDemandInterval(present);
  let cv2 = 0;
  if (sizes.length > 1) {
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1);
    cv2 = variance / (mean * mean);
  }
  let last = -1;
  for (let i = 0; i < present.length; i++) if (present[i]! > 0) last = i;
  const frequent = adi <= ADI_CUTOFF;
  const steady = cv2 <= CV2_CUTOFF;
  const demandClass: DemandClass = frequent
    ? steady
      ? 'smooth'
      : 'erratic'
    : steady
      ? 'intermittent'
      : 'lumpy';
  return {
    demandClass,
    adi,
    cv2,
    demands: sizes.length,
    periodsSinceLastDemand: last < 0 ? present.length : present.length - 1 - last,
  };
}

export interface ModelRecommendation {
  /** Name of a model in the catalog. */
  model: 'auto_arima' | 'croston' | 'sba' | 'tsb';
  reason: string;
}

/**
 * Recommends a model for a classified series: regular demand (smooth) suits a continuous model; SBA
 * beats Croston in the erratic, intermittent and lumpy quadrants (Syntetos, Boylan & Croston 2005);
 * when demand seems to have stopped (no demand for over twice the ADI) TSB, whose forecast decays.
 */
export function recommendModel(c: DemandClassification): ModelRecommendation {
  if (c.demands > 0 && Number.isFinite(c.adi) && c.periodsSinceLastDemand > 2 * c.adi && c.adi > ADI_CUTOFF) {
    return {
      model: 'tsb',
      reason: `no demand for ${c.periodsSinceLastDemand} periods (> 2 × ADI ${c.adi.toFixed(2)}): possible obsolescence`,
    };
  }
  switch (c.demandClass) {
    case 'smooth':
      return { model: 'auto_arima', reason: 'smooth demand: a continuous model fits regular demand' };
    case 'erratic':
      return { model: 'sba', reason: 'erratic demand: frequent but highly variable sizes' };
    case 'intermittent':
      return { model: 'sba', reason: 'intermittent demand: SBA removes the bias of Croston' };
    case 'lumpy':
      return { model: 'sba', reason: 'lumpy demand: SBA removes the bias of Croston' };
  }
}
