/**
 * @module cli/interrupt
 * Ctrl-C (SIGINT) and SIGTERM for long commands: the first asks the work to stop at its next safe
 * point (a training run stops between steps or trials and is recorded as cancelled, so a rerun takes
 * the finished steps from the cache); a second quits at once.
 */

/** Exit code of a command stopped by Ctrl-C, as shells report it (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * @example
 * const interrupt = onInterrupt('stopping the training run after the current step');
 * try { await train(config, { signal: interrupt.signal }); } finally { interrupt.dispose(); }
 */
export function onInterrupt(stopping: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write('\nstopped at once\n');
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    process.stderr.write(`\n${stopping} (${name}; press Ctrl-C again to quit at once)\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
