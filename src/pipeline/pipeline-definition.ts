/**
 * @module pipeline/pipeline-definition
 * Composes steps into a DAG by wiring outputs to inputs, and validates it: unknown or duplicate
 * names, missing inputs, type mismatches, cycles. A pipeline is plain data, so a user can take a
 * shipped pipeline and swap or add steps in their own module (`replaceStep`, `addSteps`).
 */
import { PipelineDefinitionError } from './pipeline-error.js';
import {
  isNameValid,
  type JsonValue,
  type Port,
  type Ports,
  paramFits,
  portProblems,
  type Step,
} from './step.js';

/** Where an input's value comes from. */
export type Binding =
  | { readonly step: string; readonly output: string }
  | { readonly param: string }
  | { readonly value: JsonValue };

/** Binds an input to an output of an earlier step. */
export function fromStep(step: string, output: string): Binding {
  return { step, output };
}

/** Binds an input to a pipeline parameter. */
export function fromParam(param: string): Binding {
  return { param };
}

/** Binds a parameter input to a constant. */
export function constant(value: JsonValue): Binding {
  return { value };
}

export interface PipelineNodeSpec {
  readonly step: Step;
  /** Name in this pipeline; defaults to the step's name. Use it to run one step twice. */
  readonly name?: string;
  readonly inputs?: Readonly<Record<string, Binding>>;
}

export interface PipelineNode {
  readonly name: string;
  readonly step: Step;
  readonly inputs: Readonly<Record<string, Binding>>;
  /** Names of the steps this one reads from. */
  readonly dependsOn: readonly string[];
}

export interface PipelineSpec {
  readonly name: string;
  readonly description?: string;
  /** Run-time parameters: JSON values, or artifacts given as paths to existing files or folders. */
  readonly params?: Ports;
  readonly steps: readonly PipelineNodeSpec[];
}

export interface Pipeline {
  readonly name: string;
  readonly description?: string;
  readonly params: Ports;
  /** In a topological order (every step after the steps it reads from). */
  readonly nodes: readonly PipelineNode[];
  node(name: string): PipelineNode | undefined;
}

function describePort(port: Port): string {
  return port.kind === 'param'
    ? `parameter (${port.type})`
    : `artifact (${port.type}${port.format ? `, ${port.format}` : ''})`;
}

/** Why a source port cannot feed a target port, or undefined when it can. */
function mismatch(source: Port, target: Port): string | undefined {
  const bad = `${describePort(source)} cannot feed ${describePort(target)}`;
  if (source.kind !== target.kind) return bad;
  if (source.kind === 'artifact' && target.kind === 'artifact') {
    if (source.type !== target.type) return bad;
    if (source.format && target.format && source.format !== target.format) return bad;
    return undefined;
  }
  // An integer is a number; anything is JSON.
  if (source.type === target.type || target.type === 'json') return undefined;
  if (source.type === 'integer' && target.type === 'number') return undefined;
  return bad;
}

/**
 * Builds and validates a pipeline. Throws a `PipelineDefinitionError` listing every problem, each
 * naming the step and input concerned.
 *
 * @example
 * const pipeline = definePipeline({
 *   name: 'forecast',
 *   params: { horizon: param('integer', { default: 28 }) },
 *   steps: [
 *     { step: snapshot },
 *     { step: train, inputs: { sales: fromStep('snapshot', 'sales'), horizon: fromParam('horizon') } },
 *   ],
 * });
 */
export function definePipeline(spec: PipelineSpec): Pipeline {
  const params = spec.params ?? {};
  const subject = `pipeline "${spec.name}"`;
  const problems: string[] = [];
  if (!isNameValid(spec.name)) problems.push(`pipeline name "${spec.name}" must be letters, digits, _ or -`);
  problems.push(...portProblems(subject, 'parameter', params));

  const byName = new Map<string, PipelineNodeSpec>();
  for (const n of spec.steps) {
    const name = n.name ?? n.step.name;
    if (!isNameValid(name)) problems.push(`step name "${name}" must be letters, digits, _ or -`);
    if (byName.has(name)) problems.push(`step "${name}" appears twice; give one of them another name`);
    else byName.set(name, n);
  }

  const deps = new Map<string, string[]>();
  for (const [name, n] of byName) {
    const bindings = n.inputs ?? {};
    const stepDeps = new Set<string>();
    for (const [input, port] of Object.entries(n.step.inputs)) {
      const binding = bindings[input];
      const where = `step "${name}" input "${input}"`;
      if (binding === undefined) {
        if (!(port.kind === 'param' && port.default !== undefined))
          problems.push(`${where} is not bound (expects ${describePort(port)})`);
        continue;
      }
      if ('step' in binding) {
        const source = byName.get(binding.step);
        if (!source) {
          problems.push(`${where} reads from unknown step "${binding.step}"`);
          continue;
        }
        const out = source.step.outputs[binding.output];
        if (!out) {
          const known = Object.keys(source.step.outputs).join(', ') || 'none';
          problems.push(
            `${where} reads unknown output "${binding.output}" of step "${binding.step}" (outputs: ${known})`,
          );
          continue;
        }
        const why = mismatch(out, port);
        if (why) problems.push(`${where}: output "${binding.output}" of step "${binding.step}" is a ${why}`);
        stepDeps.add(binding.step);
      } else if ('param' in binding) {
        const p = params[binding.param];
        if (!p) {
          problems.push(`${where} reads unknown pipeline parameter "${binding.param}"`);
          continue;
        }
        const why = mismatch(p, port);
        if (why) problems.push(`${where}: pipeline parameter "${binding.param}" is a ${why}`);
      } else {
        if (port.kind !== 'param') problems.push(`${where} is an artifact and cannot take a constant`);
        else if (!paramFits(port.type, binding.value))
          problems.push(`${where}: constant ${JSON.stringify(binding.value)} is not a ${port.type}`);
      }
    }
    for (const input of Object.keys(bindings))
      if (!(input in n.step.inputs))
        problems.push(`step "${name}" binds "${input}", which is not one of its inputs`);
    deps.set(name, [...stepDeps]);
  }

  const order = topologicalOrder(deps, problems);
  if (problems.length > 0) throw new PipelineDefinitionError('PIPELINE_INVALID', subject, problems);

  const nodes: PipelineNode[] = order.map((name) => {
    const n = byName.get(name)!;
    return { name, step: n.step, inputs: { ...(n.inputs ?? {}) }, dependsOn: deps.get(name)! };
  });
  const index = new Map(nodes.map((n) => [n.name, n]));
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    params,
    nodes,
    node: (name) => index.get(name),
  };
}

/** Kahn's algorithm, stable in declaration order; reports each cycle as a path of step names. */
function topologicalOrder(deps: Map<string, string[]>, problems: string[]): string[] {
  const remaining = new Map([...deps].map(([n, d]) => [n, new Set(d.filter((x) => deps.has(x)))]));
  const order: string[] = [];
  let progressed = true;
  while (remaining.size > 0 && progressed) {
    progressed = false;
    for (const [name, d] of remaining) {
      if ([...d].every((x) => !remaining.has(x))) {
        order.push(name);
        remaining.delete(name);
        progressed = true;
      }
    }
  }
  if (remaining.size > 0) {
    const start = [...remaining.keys()][0]!;
    // Walk dependencies inside the stuck set until a name repeats: that loop is a cycle.
    const path: string[] = [start];
    let current = start;
    for (;;) {
      const next = [...remaining.get(current)!].find((x) => remaining.has(x))!;
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = [...path.slice(at), next];
        problems.push(`steps form a cycle: ${cycle.join(' → ')} (each reads from the next one's output)`);
        break;
      }
      path.push(next);
      current = next;
    }
  }
  return order;
}

function specOf(pipeline: Pipeline): PipelineSpec {
  return {
    name: pipeline.name,
    ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
    params: pipeline.params,
    steps: pipeline.nodes.map((n) => ({ name: n.name, step: n.step, inputs: n.inputs })),
  };
}

/**
 * A copy of a pipeline with one step's implementation swapped (e.g. your own `train`). The input
 * bindings are kept unless new ones are given; the result is validated again, so a replacement
 * whose ports do not fit is reported.
 *
 * @example
 * const mine = replaceStep(forecastPipeline, 'train', myTrain);
 */
export function replaceStep(
  pipeline: Pipeline,
  name: string,
  step: Step,
  inputs?: Readonly<Record<string, Binding>>,
): Pipeline {
  const spec = specOf(pipeline);
  if (!pipeline.node(name))
    throw new PipelineDefinitionError('PIPELINE_INVALID', `pipeline "${pipeline.name}"`, [
      `there is no step "${name}" to replace (steps: ${pipeline.nodes.map((n) => n.name).join(', ')})`,
    ]);
  return definePipeline({
    ...spec,
    steps: spec.steps.map((n) => (n.name === name ? { name, step, inputs: inputs ?? n.inputs ?? {} } : n)),
  });
}

/** A copy of a pipeline with more steps (and optionally more parameters). */
export function addSteps(
  pipeline: Pipeline,
  steps: readonly PipelineNodeSpec[],
  params: Ports = {},
): Pipeline {
  const spec = specOf(pipeline);
  return definePipeline({ ...spec, params: { ...spec.params, ...params }, steps: [...spec.steps, ...steps] });
}
