/**
 * @module pipeline/testing/compile-fixture
 * A small pipeline for the compiler tests, loadable by `shelfcast pipeline run-step --pipeline
 * <this module>#fixturePipeline`: an external CSV → `load` → (`scale` ∥ `count_rows`) → `report`.
 * Two branches run at once in a workflow; one step has a retry policy and one an underscore in its
 * name, which the engines' task names do not allow. An empty CSV fails `load` for good; a factor of
 * 0 fails `scale` in a way a retry might fix (standing in for a lost connection).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definePipeline, fromParam, fromStep } from '../pipeline-definition.js';
import { StepError } from '../pipeline-error.js';
import { artifact, defineStep, param } from '../step.js';

/** The module's compiled path, for `--pipeline <path>#fixturePipeline`. */
export const FIXTURE_MODULE = fileURLToPath(import.meta.url);

const load = defineStep({
  name: 'load',
  version: '1',
  inputs: { source: artifact('file', { format: 'csv' }) },
  outputs: { numbers: artifact('file', { format: 'json' }) },
  run({ source }, { outputs }) {
    const text = readFileSync(source, 'utf8').trim();
    if (text === '') throw StepError.nonRetryable(`${source} holds no numbers`, 'EMPTY_INPUT');
    const numbers = text.split('\n').map(Number);
    writeFileSync(outputs.numbers, JSON.stringify(numbers));
    return {};
  },
});

const scale = defineStep({
  name: 'scale',
  version: '1',
  inputs: { numbers: artifact('file', { format: 'json' }), factor: param('number') },
  outputs: { scaled: artifact('dir') },
  retry: { maximumAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 3, maximumIntervalMs: 4000 },
  run({ numbers, factor }, { outputs, attempt }) {
    if (factor === 0) throw new StepError(`factor 0 on attempt ${attempt}`, { retryable: true });
    const values = JSON.parse(readFileSync(numbers, 'utf8')) as number[];
    writeFileSync(`${outputs.scaled}/values.json`, JSON.stringify(values.map((v) => v * factor)));
    writeFileSync(`${outputs.scaled}/factor.txt`, String(factor));
    return {};
  },
});

const countRows = defineStep({
  name: 'count',
  version: '1',
  inputs: { numbers: artifact('file', { format: 'json' }) },
  outputs: { rows: param('integer') },
  run({ numbers }) {
    return { rows: (JSON.parse(readFileSync(numbers, 'utf8')) as number[]).length };
  },
});

const report = defineStep({
  name: 'report',
  version: '1',
  inputs: { scaled: artifact('dir'), rows: param('integer') },
  outputs: { summary: param('json'), text: artifact('file') },
  run({ scaled, rows }, { outputs }) {
    const values = JSON.parse(readFileSync(`${scaled}/values.json`, 'utf8')) as number[];
    const total = values.reduce((a, b) => a + b, 0);
    writeFileSync(outputs.text, `${rows} rows, total ${total}\n`);
    return { summary: { rows, total } };
  },
});

export const fixturePipeline = definePipeline({
  name: 'compile-fixture',
  description: 'Scales and counts numbers from a CSV file.',
  params: { source: artifact('file', { format: 'csv' }), factor: param('number', { default: 2 }) },
  steps: [
    { step: load, inputs: { source: fromParam('source') } },
    { step: scale, inputs: { numbers: fromStep('load', 'numbers'), factor: fromParam('factor') } },
    { step: countRows, name: 'count_rows', inputs: { numbers: fromStep('load', 'numbers') } },
    {
      step: report,
      inputs: { scaled: fromStep('scale', 'scaled'), rows: fromStep('count_rows', 'rows') },
    },
  ],
});
