/**
 * @module models/ets
 * Exponential smoothing state-space models (ETS) behind the LocalModel contract: the full
 * forecast::ets family with error A/M, trend N/A/Ad and season N/A/M, fitted by maximum
 * likelihood, chosen automatically by AICc, with analytic or simulated prediction intervals.
 */

import {
  EtsError,
  type EtsFit,
  type EtsSearch,
  type EtsSpec,
  parameterCount,
  selectEts,
  specName,
} from './ets-fit.js';
import { etsForecast } from './ets-forecast.js';
import type {
  FittedModel,
  Forecast,
  HyperParameterSpec,
  HyperParameters,
  LocalFitInput,
  LocalModel,
} from './model.js';
import { withDefaults } from './model.js';
import { checkRequest } from './optim/gaussian.js';

/** The concrete forms a caller may name, plus 'auto' (forecast's "ZZZ"). */
export const ETS_MODELS = [
  'auto',
  'ANN',
  'AAN',
  'AAdN',
  'ANA',
  'AAA',
  'AAdA',
  'MNN',
  'MAN',
  'MAdN',
  'MNA',
  'MAA',
  'MAdA',
  'MNM',
  'MAM',
  'MAdM',
] as const;

const hyperparameters: readonly HyperParameterSpec[] = [
  {
    name: 'model',
    type: 'categorical',
    choices: ETS_MODELS,
    default: 'auto',
    help: 'ETS form: error (A/M), trend (N/A/Ad), season (N/A/M), e.g. "MAdM"; "auto" picks by the information criterion. Z in any position also means "choose".',
  },
  {
    name: 'damped',
    type: 'categorical',
    choices: ['auto', 'always', 'never'],
    default: 'auto',
    help: 'When the trend is chosen automatically: try damped and undamped trends, or only one kind.',
  },
  {
    name: 'ic',
    type: 'categorical',
    choices: ['aicc', 'aic', 'bic'],
    default: 'aicc',
    help: 'Information criterion for automatic selection.',
  },
  {
    name: 'additiveOnly',
    type: 'categorical',
    choices: [false, true],
    default: false,
    help: 'Only consider additive error and season.',
  },
  {
    name: 'intervalPaths',
    type: 'int',
    min: 200,
    max: 20000,
    default: 5000,
    help: 'Simulated sample paths for the intervals of multiplicative-season models.',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    max: 2147483647,
    default: 20261128,
    help: 'Seed of the interval simulation, so a stored model reproduces its quantiles.',
  },
];

/**
 * Parses "auto", "ZZZ", "AAdN", "MZM", … into a search; throws EtsError('invalid-spec') otherwise.
 *
 * @example
 * parseEtsModel('AAdN', 'auto'); // { error: 'A', trend: 'A', damped: true, season: 'N', … }
 */
export function parseEtsModel(model: string, damped: string): Omit<EtsSearch, 'ic' | 'additiveOnly'> {
  const text = model === 'auto' ? 'ZZZ' : model;
  const match = /^([AMZ])([NAZ])(d?)([NAMZ])$/.exec(text);
  if (!match || (match[3] === 'd' && match[2] !== 'A')) {
    throw new EtsError(
      'invalid-spec',
      `unknown ETS model "${model}"; use "auto" or error+trend+season letters such as "ANN", "AAdN", "MAM"`,
    );
  }
  const trend = match[2] as 'N' | 'A' | 'Z';
  let dampedChoice: boolean | null;
  if (match[3] === 'd') dampedChoice = true;
  else if (trend === 'N') dampedChoice = false;
  else if (trend === 'A') dampedChoice = false;
  else dampedChoice = damped === 'always' ? true : damped === 'never' ? false : null;
  return {
    error: match[1] as 'A' | 'M' | 'Z',
    trend,
    season: match[4] as 'N' | 'A' | 'M' | 'Z',
    damped: dampedChoice,
  };
}

function search(params: HyperParameters): EtsSearch {
  const ic = String(params.ic);
  if (ic !== 'aicc' && ic !== 'aic' && ic !== 'bic') {
    throw new EtsError('invalid-spec', `unknown information criterion "${ic}"; use aicc, aic or bic`);
  }
  return {
    ...parseEtsModel(String(params.model), String(params.damped)),
    ic,
    additiveOnly: params.additiveOnly === true || params.additiveOnly === 'true',
  };
}

function fitToState(fit: EtsFit): FittedModel['state'] {
  return {
    spec: { ...fit.spec },
    method: `ETS(${fit.spec.error},${fit.spec.trend}${fit.spec.damped ? 'd' : ''},${fit.spec.season})`,
    m: fit.m,
    alpha: fit.alpha,
    beta: fit.beta,
    gamma: fit.gamma,
    phi: fit.phi,
    initialState: fit.initialState,
    lastState: fit.lastState,
    sigma2: fit.sigma2,
    lik: fit.lik,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    nobs: fit.nobs,
    evaluations: fit.evaluations,
  };
}

/** Reads a stored ETS state back, checking every field a forecast needs. */
export function etsFitFromState(state: FittedModel['state']): EtsFit {
  const bad = (what: string): never => {
    throw new EtsError(
      'invalid-state',
      `stored ETS state is missing or has a bad "${what}"; refit the model`,
    );
  };
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return bad('state');
  const num = (key: string): number => {
    const v = state[key];
    return typeof v === 'number' ? v : bad(key);
  };
  const nums = (key: string): number[] => {
    const v = state[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : bad(key);
  };
  const spec = state.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return bad('spec');
  const error = spec.error;
  const trend = spec.trend;
  const season = spec.season;
  if (error !== 'A' && error !== 'M') return bad('spec.error');
  if (trend !== 'N' && trend !== 'A') return bad('spec.trend');
  if (season !== 'N' && season !== 'A' && season !== 'M') return bad('spec.season');
  if (typeof spec.damped !== 'boolean') return bad('spec.damped');
  const fullSpec: EtsSpec = { error, trend, season, damped: spec.damped };
  const m = num('m');
  const lastState = nums('lastState');
  if (lastState.length !== 1 + (trend !== 'N' ? 1 : 0) + (season !== 'N' ? m : 0)) return bad('lastState');
  return {
    spec: fullSpec,
    m,
    alpha: num('alpha'),
    beta: num('beta'),
    gamma: num('gamma'),
    phi: num('phi'),
    initialState: nums('initialState'),
    lastState,
    sigma2: num('sigma2'),
    lik: num('lik'),
    aic: num('aic'),
    aicc: num('aicc'),
    bic: num('bic'),
    nobs: num('nobs'),
    evaluations: num('evaluations'),
  };
}

/**
 * Automatic or fixed-form ETS.
 *
 * @example
 * const fitted = etsModel.fit({ y, seasonLength: 7, freq: 'D', params: { model: 'auto' } });
 * const fc = etsModel.predict(fitted, { horizon: 28, quantiles: [0.1, 0.5, 0.9] });
 */
export const etsModel: LocalModel = {
  kind: 'local',
  name: 'ets',
  description:
    'Exponential smoothing (ETS) state-space models as in R forecast::ets: error A/M, trend N/A/Ad, season N/A/M, maximum likelihood, automatic selection by AICc.',
  hyperparameters,
  minLength(seasonLength: number, params: HyperParameters): number {
    const s = search(withDefaults(hyperparameters, params));
    if (s.error === 'Z' || s.trend === 'Z' || s.season === 'Z' || s.damped === null) return 4;
    const spec: EtsSpec = { error: s.error, trend: s.trend, season: s.season, damped: s.damped };
    return parameterCount(spec, seasonLength) + 5;
  },
  fit(input: LocalFitInput): FittedModel {
    const params = withDefaults(hyperparameters, input.params);
    const fit = selectEts(input.y, Math.max(1, Math.round(input.seasonLength)), search(params));
    return { model: 'ets', params, state: fitToState(fit) };
  },
  predict(fitted: FittedModel, request): Forecast {
    checkRequest(request.horizon, request.quantiles);
    const fit = etsFitFromState(fitted.state);
    const params = withDefaults(hyperparameters, fitted.params);
    return etsForecast(fit, request.horizon, request.quantiles, {
      npaths: Math.round(Number(params.intervalPaths)),
      seed: Math.round(Number(params.seed)),
    });
  },
};

export { specName };
