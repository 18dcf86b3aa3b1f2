/**
 * @module models/model-catalog
 * Every forecasting model shelfcast ships, by name, with its description and hyperparameters; resolution
 * of model specs (`ets`, `ensemble-median:ets+theta`) to model objects; and fitting with fallback, so a
 * series too short for a model gets a simpler one and the caller learns which and why.
 */

import { adidaModel } from './adida.js';
import { arimaModel } from './arima.js';
import { autoArimaModel } from './arima-auto.js';
import { crostonModel } from './croston.js';
import { createEnsemble, type EnsembleCombine } from './ensemble.js';
import { etsModel } from './ets.js';
import { gbdtGlobalModel } from './gbdt-global.js';
import type {
  FittedModel,
  GlobalModel,
  HyperParameterSpec,
  LocalFitInput,
  LocalModel,
  Model,
} from './model.js';
import { movingAverageModel } from './moving-average.js';
import { mstlModel } from './mstl.js';
import { naiveModel } from './naive.js';
import { sbaModel } from './sba.js';
import { seasonalNaiveModel } from './seasonal-naive.js';
import { thetaModel } from './theta.js';
import { optimisedThetaModel } from './theta-optimised.js';
import { tsbModel } from './tsb.js';

/** Names the evaluation relies on. */
export const SEASONAL_NAIVE = 'seasonal-naive';
export const NAIVE = 'naive';

/** How a model is grouped in listings and in `auto` selection. */
export type ModelFamily = 'baseline' | 'smoothing' | 'arima' | 'intermittent' | 'global' | 'ensemble';

export interface CatalogEntry {
  name: string;
  kind: 'local' | 'global';
  family: ModelFamily;
  description: string;
  hyperparameters: readonly HyperParameterSpec[];
}

export class ModelCatalogError extends Error {
  override readonly name = 'ModelCatalogError';
  constructor(
    readonly code: 'MODEL_UNKNOWN' | 'MODEL_NOT_LOCAL' | 'SERIES_TOO_SHORT' | 'MODEL_DUPLICATE',
    message: string,
  ) {
    super(message);
  }
}

/** Result of fitting with fallback. */
export interface FitOutcome {
  fitted: FittedModel;
  /** The model that was actually fitted (the requested one or a fallback). */
  used: LocalModel;
  /** Why a fallback was used; absent when the requested model fitted. */
  note?: string;
}

const FAMILY_BY_NAME: Record<string, ModelFamily> = {
  naive: 'baseline',
  'seasonal-naive': 'baseline',
  'moving-average': 'baseline',
  ets: 'smoothing',
  theta: 'smoothing',
  mstl: 'smoothing',
  auto_arima: 'arima',
  arima: 'arima',
  croston: 'intermittent',
  sba: 'intermittent',
  tsb: 'intermittent',
  adida: 'intermittent',
};

/**
 * A set of models addressable by name. `modelCatalog` holds the built-in ones; tests and plugins can
 * build their own.
 *
 * @example
 * const model = modelCatalog.local('ets');
 * const { fitted, used, note } = modelCatalog.fitWithFallback(model, { y, seasonLength: 7, freq: 'D', params: {} });
 */
export class ModelCatalog {
  readonly #models = new Map<string, Model>();
  readonly #families = new Map<string, ModelFamily>();

  constructor(models: readonly Model[], families: Readonly<Record<string, ModelFamily>> = {}) {
    for (const model of models) {
      if (this.#models.has(model.name))
        throw new ModelCatalogError('MODEL_DUPLICATE', `two models are named ${model.name}`);
      this.#models.set(model.name, model);
      this.#families.set(
        model.name,
        families[model.name] ??
          FAMILY_BY_NAME[model.name] ??
          (model.kind === 'global' ? 'global' : 'smoothing'),
      );
    }
  }

  /** Every model, ensembles included (with their default members). */
  list(): CatalogEntry[] {
    const entries: CatalogEntry[] = [...this.#models.values()].map((m) => ({
      name: m.name,
      kind: m.kind,
      family: this.#families.get(m.name) ?? 'smoothing',
      description: m.description,
      hyperparameters: m.hyperparameters,
    }));
    for (const combine of ['mean', 'median'] as const) {
      const members = this.defaultEnsembleMembers();
      if (members.length === 0) continue;
      entries.push({
        name: `ensemble-${combine}`,
        kind: 'local',
        family: 'ensemble',
        description: `${combine === 'mean' ? 'Mean' : 'Median'} of member models' forecasts; default members ${members.join('+')}, choose others with ensemble-${combine}:a+b+c.`,
        hyperparameters: [],
      });
    }
    return entries;
  }

  /** True for a catalog name and for an ensemble spec whose members are all local catalog models. */
  has(name: string): boolean {
    if (this.#models.has(name)) return true;
    const match = /^ensemble-(mean|median)(?::(.+))?$/.exec(name);
    if (!match) return false;
    const members = match[2] ? match[2].split('+').map((s) => s.trim()) : this.defaultEnsembleMembers();
    return members.length > 0 && members.every((m) => this.#models.get(m)?.kind === 'local');
  }

  family(name: string): ModelFamily | undefined {
    if (name.startsWith('ensemble-')) return 'ensemble';
    return this.#families.get(name);
  }

  /** Models of one family, in catalog order. */
  namesOf(family: ModelFamily): string[] {
    return [...this.#families].filter(([, f]) => f === family).map(([n]) => n);
  }

  /** Resolves a model spec: a catalog name, `ensemble-mean`, `ensemble-median` or `ensemble-<mean|median>:a+b`. */
  get(spec: string): Model {
    const model = this.#models.get(spec);
    if (model) return model;
    const match = /^ensemble-(mean|median)(?::(.+))?$/.exec(spec);
    if (match) {
      const memberNames = match[2] ? match[2].split('+').map((s) => s.trim()) : this.defaultEnsembleMembers();
      const members = memberNames.map((n) => this.local(n));
      return createEnsemble({ name: spec, combine: match[1] as EnsembleCombine, members });
    }
    const known = this.list()
      .map((e) => e.name)
      .join(', ');
    throw new ModelCatalogError(
      'MODEL_UNKNOWN',
      `unknown model "${spec}"; available: ${known} (see \`shelfcast models available\`)`,
    );
  }

  /** Like `get`, but refuses global models (for per-series code paths). */
  local(spec: string): LocalModel {
    const model = this.get(spec);
    if (model.kind !== 'local') {
      throw new ModelCatalogError(
        'MODEL_NOT_LOCAL',
        `${spec} is a global model fitted across series; it cannot be fitted on one series`,
      );
    }
    return model;
  }

  global(spec: string): GlobalModel | undefined {
    const model = this.#models.get(spec);
    return model?.kind === 'global' ? model : undefined;
  }

  /**
   * Fits `model`, falling back along model → seasonal naive → naive when the series has fewer
   * observations than a model needs or its fit fails. Throws SERIES_TOO_SHORT when nothing can fit.
   */
  fitWithFallback(model: LocalModel, input: LocalFitInput): FitOutcome {
    const observed = countFinite(input.y);
    const chain: LocalModel[] = [model];
    for (const name of input.seasonLength > 1 ? [SEASONAL_NAIVE, NAIVE] : [NAIVE]) {
      const fallback = this.#models.get(name);
      if (fallback?.kind === 'local' && !chain.includes(fallback)) chain.push(fallback);
    }
    const reasons: string[] = [];
    for (const candidate of chain) {
      const params = candidate === model ? input.params : {};
      const needed = candidate.minLength(input.seasonLength, params);
      if (observed < needed) {
        reasons.push(`${candidate.name} needs ${needed} observations, series has ${observed}`);
        continue;
      }
      try {
        const fitted = candidate.fit({ ...input, params });
        return reasons.length === 0
          ? { fitted, used: candidate }
          : { fitted, used: candidate, note: `${reasons.join('; ')}: used ${candidate.name}` };
      } catch (error) {
        reasons.push(
          `${candidate.name} failed to fit (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
    throw new ModelCatalogError(
      'SERIES_TOO_SHORT',
      `no model can be fitted: ${reasons.join('; ')}; supply a longer history`,
    );
  }

  /** Members of `ensemble-mean` / `ensemble-median` without an explicit list. */
  defaultEnsembleMembers(): string[] {
    return ['ets', 'theta', 'auto_arima'].filter((n) => this.#models.has(n));
  }
}

export function countFinite(y: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) n++;
  return n;
}

/** The built-in models. */
export const modelCatalog = new ModelCatalog([
  naiveModel,
  seasonalNaiveModel,
  movingAverageModel,
  etsModel,
  thetaModel,
  optimisedThetaModel,
  mstlModel,
  arimaModel,
  autoArimaModel,
  crostonModel,
  sbaModel,
  tsbModel,
  adidaModel,
  gbdtGlobalModel,
]);
