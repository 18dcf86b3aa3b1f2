/**
 * @module tracking/run-filter
 * Conditions on runs written as text, e.g. `metrics.mase < 0.9`, `params.model = ets`,
 * `tags.stage != draft`, parsed into a typed form and compiled to parameterised SQL.
 */
import type { SqlValue } from '../db/database.js';
import { latestMetricSql } from './run-types.js';
import { TrackingError } from './tracking-error.js';

export type ConditionOperator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export type RunCondition =
  | { kind: 'metric'; key: string; op: ConditionOperator; value: number }
  | { kind: 'param'; key: string; op: ConditionOperator; value: string | number | boolean | null }
  | { kind: 'tag'; key: string; op: '=' | '!='; value: string };

const CONDITION = /^\s*(metrics?|params?|tags?)\.([A-Za-z0-9_\-./:]+)\s*(<=|>=|!=|<>|==|=|<|>)\s*(.+?)\s*$/;

/**
 * Parses one condition.
 *
 * @example
 * parseRunCondition('metrics.mase < 0.9'); // { kind: 'metric', key: 'mase', op: '<', value: 0.9 }
 */
export function parseRunCondition(text: string): RunCondition {
  const m = CONDITION.exec(text);
  if (!m) {
    throw new TrackingError(
      'INVALID_FILTER',
      `cannot read the condition '${text}'; write e.g. "metrics.mase < 0.9", "params.model = ets" or "tags.stage = prod"`,
      { condition: text },
    );
  }
  const [, scope, key, rawOp, rawValue] = m as unknown as [string, string, string, string, string];
  const op = (rawOp === '==' ? '=' : rawOp === '<>' ? '!=' : rawOp) as ConditionOperator;
  const literal = unquote(rawValue);
  if (scope.startsWith('metric')) {
    const value = Number(literal);
    if (literal === '' || !Number.isFinite(value)) {
      throw new TrackingError(
        'INVALID_FILTER',
        `'${text}': a metric compares with a number, got '${literal}'`,
      );
    }
    return { kind: 'metric', key, op, value };
  }
  if (scope.startsWith('tag')) {
    if (op !== '=' && op !== '!=') {
      throw new TrackingError('INVALID_FILTER', `'${text}': tags compare with = or != only`);
    }
    return { kind: 'tag', key, op, value: literal };
  }
  const quoted = literal !== rawValue.trim();
  let value: string | number | boolean | null = literal;
  if (!quoted) {
    if (literal === 'true' || literal === 'false') value = literal === 'true';
    else if (literal === 'null') value = null;
    else if (literal !== '' && Number.isFinite(Number(literal))) value = Number(literal);
  }
  if (op !== '=' && op !== '!=' && typeof value !== 'number') {
    throw new TrackingError('INVALID_FILTER', `'${text}': ${op} needs a number on the right`);
  }
  return { kind: 'param', key, op, value };
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.at(-1) === '"') || (t[0] === "'" && t.at(-1) === "'"))) {
    return t.slice(1, -1);
  }
  return t;
}

/**
 * SQL for one condition on the run aliased `r`, appending its values to `params`.
 * Runs without the metric, param or tag never match (a missing value is not "different").
 */
export function conditionSql(c: RunCondition, params: SqlValue[]): string {
  params.push(c.key);
  const keyRef = `$${params.length}`;
  if (c.kind === 'metric') {
    params.push(c.value);
    return `${latestMetricSql('r.run_id', keyRef)} ${c.op === '!=' ? '<>' : c.op} $${params.length}`;
  }
  if (c.kind === 'tag') {
    params.push(c.value);
    return `EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = ${keyRef}
      AND t.value ${c.op === '!=' ? '<>' : '='} $${params.length})`;
  }
  if (c.op === '=' || c.op === '!=') {
    params.push(JSON.stringify(c.value));
    return `EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = ${keyRef}
      AND p.value ${c.op === '!=' ? '<>' : '='} $${params.length}::jsonb)`;
  }
  params.push(c.value as number);
  // CASE keeps the cast away from non-numeric values whatever order the planner evaluates in.
  return `EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = ${keyRef}
    AND CASE WHEN jsonb_typeof(p.value) = 'number' THEN (p.value #>> '{}')::double precision END ${c.op} $${params.length})`;
}
