/**
 * @module cli/pipeline-progress
 * Turns pipeline run events into lines and progress bars on stderr: one line per finished step
 * (status, cache hit or miss, time) and a bar for steps that report progress, such as the trials of
 * the search in `train`.
 */
import type { RunEvent } from '../pipeline/local-runner.js';
import { ProgressBar } from './output.js';

/**
 * @example
 * await train(config, { onEvent: pipelineProgress(standardPipeline.nodes.length, !options.json) });
 */
export function pipelineProgress(stepCount: number, enabled: boolean): (event: RunEvent) => void {
  let finished = 0;
  const bars = new Map<string, ProgressBar>();
  return (event) => {
    if (!enabled) return;
    if (event.type === 'step-progress') {
      let bar = bars.get(event.step);
      if (!bar) {
        bar = new ProgressBar(`    ${event.step}`, event.total);
        bars.set(event.step, bar);
      }
      bar.update(event.done, event.message ?? '');
      return;
    }
    if (event.type === 'step-finished') {
      bars.get(event.step)?.done();
      bars.delete(event.step);
      finished++;
      const cache = event.status === 'cached' ? 'cache hit' : event.status === 'succeeded' ? 'ran' : '';
      process.stderr.write(
        `[${finished}/${stepCount}] ${event.step.padEnd(15)} ${event.status.padEnd(9)} ${cache.padEnd(9)} ${(event.durationMs / 1000).toFixed(1)}s\n`,
      );
    }
  };
}
