/**
 * @module pipeline/testing/resume-fixture
 * A three-step pipeline for the resume test. Each step appends its name to `<dir>/calls.log`;
 * with SHELFCAST_TEST_BLOCK=1 the third step writes `<dir>/blocked` and then waits forever, so a
 * test can kill the process mid-run. Run as a script: `node resume-fixture.js <home> <runId> <dir>`.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../local-runner.js';
import { definePipeline, fromStep, type Pipeline } from '../pipeline-definition.js';
import { artifact, defineStep } from '../step.js';

export function resumePipeline(dir: string): Pipeline {
  const calls = join(dir, 'calls.log');
  const first = defineStep({
    name: 's1',
    version: '1',
    inputs: {},
    outputs: { out: artifact('file') },
    run(_inputs, { outputs }) {
      appendFileSync(calls, 's1\n');
      writeFileSync(outputs.out, 'one');
      return {};
    },
  });
  const second = defineStep({
    name: 's2',
    version: '1',
    inputs: { in: artifact('file') },
    outputs: { out: artifact('file') },
    run(inputs, { outputs }) {
      appendFileSync(calls, 's2\n');
      writeFileSync(outputs.out, `${readFileSync(inputs.in, 'utf8')} two`);
      return {};
    },
  });
  const third = defineStep({
    name: 's3',
    version: '1',
    inputs: { in: artifact('file') },
    outputs: { out: artifact('file') },
    async run(inputs, { outputs }) {
      appendFileSync(calls, 's3\n');
      if (process.env.SHELFCAST_TEST_BLOCK === '1') {
        writeFileSync(join(dir, 'blocked'), String(process.pid));
        await new Promise(() => setInterval(() => {}, 1000));
      }
      writeFileSync(outputs.out, `${readFileSync(inputs.in, 'utf8')} three`);
      return {};
    },
  });
  return definePipeline({
    name: 'resume-fixture',
    steps: [
      { step: first },
      { step: second, inputs: { in: fromStep('s1', 'out') } },
      { step: third, inputs: { in: fromStep('s2', 'out') } },
    ],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [home, runId, dir] = process.argv.slice(2) as [string, string, string];
  await runPipeline(resumePipeline(dir), { home, runId });
}
