/**
 * @module models/ensemble
 * Combinations of local models: the mean or median of the members' forecasts. An ensemble is itself a
 * LocalModel whose fitted state holds each member's fitted model, so it stores and reloads like any other.
 * Quantiles are combined level by level (quantile averaging) when every member gives that level;
 * otherwise the level is left out for conformal calibration to fill.
 */
import type {
  FittedModel,
  Forecast,
  ForecastRequest,
  HyperParameterSpec,
  Json,
  LocalFitInput,
  LocalModel,
} from './model.js';

export type EnsembleCombine = 'mean' | 'median';

export interface EnsembleOptions {
  /** Name the ensemble is known by (default `ensemble-<combine>:<member>+<member>...`). */
  name?: string;
  combine: EnsembleCombine;
  members: readonly LocalModel[];
}

export class EnsembleError extends Error {
  override readonly name = 'EnsembleError';
  constructor(
    readonly code: 'ENSEMBLE_NO_MEMBERS' | 'ENSEMBLE_UNKNOWN_MEMBER' | 'ENSEMBLE_BAD_STATE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates an ensemble model.
 *
 * @example
 * const ens = createEnsemble({ combine: 'median', members: [etsModel, thetaModel, seasonalNaiveModel] });
 * const fc = ens.predict(ens.fit({ y, seasonLength: 7, freq: 'D', params: {} }), { horizon: 14, quantiles: [0.9] });
 */
export function createEnsemble(options: EnsembleOptions): LocalModel {
  const members = [...options.members];
  if (members.length === 0)
    throw new EnsembleError('ENSEMBLE_NO_MEMBERS', 'an ensemble needs at least one member model');
  const byName = new Map(members.map((m) => [m.name, m]));
  const name = options.name ?? `ensemble-${options.combine}:${members.map((m) => m.name).join('+')}`;
  const hyperparameters: readonly HyperParameterSpec[] = [];
  return {
    kind: 'local',
    name,
    description: `${options.combine === 'mean' ? 'Mean' : 'Median'} of ${members.map((m) => m.name).join(', ')} (each with its default hyperparameters).`,
    hyperparameters,
    minLength(seasonLength, params) {
      // Every member must be able to fit; the fallback machinery handles shorter series.
      return Math.max(...members.map((m) => m.minLength(seasonLength, params)));
    },
    fit(input: LocalFitInput): FittedModel {
      const fitted = members.map((m) => m.fit({ ...input, params: {} }));
      return {
        model: name,
        params: {},
        state: { combine: options.combine, members: fitted as unknown as Json },
      };
    },
    predict(fitted: FittedModel, request: ForecastRequest): Forecast {
      const state = fitted.state as { combine?: EnsembleCombine; members?: FittedModel[] } | null;
      if (!state || !Array.isArray(state.members)) {
        throw new EnsembleError(
          'ENSEMBLE_BAD_STATE',
          `fitted state of ${fitted.model} holds no members; refit the ensemble`,
        );
      }
      const forecasts = state.members.map((f) => {
        const member = byName.get(f.model);
        if (!member) {
          throw new EnsembleError(
            'ENSEMBLE_UNKNOWN_MEMBER',
            `ensemble member ${f.model} is not part of ${name}; refit with the current members`,
          );
        }
        return member.predict(f, request);
      });
      const combine = state.combine === 'median' ? median : mean;
      const pick = (get: (fc: Forecast) => Float64Array | undefined): Float64Array | undefined => {
        const arrays = forecasts.map(get);
        if (arrays.some((a) => a === undefined)) return undefined;
        const out = new Float64Array(request.horizon);
        const column: number[] = new Array(arrays.length);
        for (let h = 0; h < request.horizon; h++) {
          for (let i = 0; i < arrays.length; i++) column[i] = (arrays[i] as Float64Array)[h] as number;
          out[h] = combine(column);
        }
        return out;
      };
      const quantiles = new Map<number, Float64Array>();
      for (const level of request.quantiles) {
        const q = pick((fc) => fc.quantiles.get(level));
        if (q) quantiles.set(level, q);
      }
      return { mean: pick((fc) => fc.mean) as Float64Array, quantiles };
    },
  };
}

function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
