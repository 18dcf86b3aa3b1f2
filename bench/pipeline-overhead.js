#!/usr/bin/env node
// Pipeline runner overhead: 200 trivial steps (20 independent chains of 10; each step reads its
// upstream file and writes a few bytes) run by the local runner, cold (every step executes) and
// warm (every step a cache hit), beside the same work done by a plain loop as the reference.
// Per-step time = wall time / 200. Goal: < 20 ms per step.
//
//   node bench/pipeline-overhead.js [--steps 200] [--chains 20]
// Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPipeline } from '../dist/pipeline/local-runner.js';
import { definePipeline, fromStep } from '../dist/pipeline/pipeline-definition.js';
import { artifact, defineStep } from '../dist/pipeline/step.js';

const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '200' }, chains: { type: 'string', default: '20' } },
});
const total = Number(args.steps);
const chains = Number(args.chains);
const perChain = Math.ceil(total / chains);

const first = defineStep({
  name: 'first',
  version: '1',
  inputs: {},
  outputs: { out: artifact('file') },
  run(_inputs, { outputs, stepName }) {
    writeFileSync(outputs.out, stepName);
  },
});
const next = defineStep({
  name: 'next',
  version: '1',
  inputs: { in: artifact('file') },
  outputs: { out: artifact('file') },
  run(inputs, { outputs, stepName }) {
    writeFileSync(outputs.out, `${readFileSync(inputs.in, 'utf8')}>${stepName}`);
  },
});

const steps = [];
for (let c = 0; c < chains; c++)
  for (let i = 0; i < perChain && steps.length < total; i++) {
    const name = `c${c}-s${i}`;
    steps.push(
      i === 0
        ? { name, step: first }
        : { name, step: next, inputs: { in: fromStep(`c${c}-s${i - 1}`, 'out') } },
    );
  }
const pipeline = definePipeline({ name: 'overhead', steps });

function reference(dir) {
  const started = performance.now();
  for (const s of steps) {
    const input = s.inputs ? readFileSync(join(dir, s.inputs.in.step), 'utf8') : '';
    writeFileSync(join(dir, s.name), `${input}>${s.name}`);
  }
  return performance.now() - started;
}

const home = mkdtempSync(join(tmpdir(), 'shelfcast-bench-pipeline-'));
try {
  const refMs = reference(mkdtempSync(join(home, 'ref-')));
  let t = performance.now();
  const cold = await runPipeline(pipeline, { home });
  const coldMs = performance.now() - t;
  if (cold.status !== 'succeeded') throw new Error('cold run failed');
  t = performance.now();
  const warm = await runPipeline(pipeline, { home });
  const warmMs = performance.now() - t;
  if (!Object.values(warm.steps).every((s) => s.status === 'cached'))
    throw new Error('warm run was not all hits');
  t = performance.now();
  await runPipeline(pipeline, { home, concurrency: 1, force: true });
  const serialMs = performance.now() - t;

  const n = steps.length;
  const row = (label, ms) =>
    console.log(
      `${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${(ms / n).toFixed(2).padStart(7)} ms/step`,
    );
  console.log(
    `pipeline overhead: ${n} trivial steps (${chains} chains), ${availableParallelism()} cores, Node ${process.version}`,
  );
  row('reference: plain loop, same file work', refMs);
  row('runner, cold (all executed, default concurrency)', coldMs);
  row('runner, warm (all cache hits)', warmMs);
  row('runner, forced, concurrency 1', serialMs);
  console.log(`cold per step vs goal 20 ms: ${((coldMs / n / 20) * 100).toFixed(0)} % of the budget`);
  console.log(`runner overhead per executed step: ${((coldMs - refMs) / n).toFixed(2)} ms`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
