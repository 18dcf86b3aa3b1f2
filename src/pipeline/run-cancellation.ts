/**
 * @module pipeline/run-cancellation
 * What a cancelled run leaves in its record: the steps that had not started are skipped with the
 * reason, and the run says when it was cancelled, why, and at which step it stopped.
 */
import type { Pipeline } from './pipeline-definition.js';
import type { RunCancellation, RunRecord } from './run-state.js';

/** A readable reason from an abort signal's reason (an Error's message, or the value as text). */
export function cancelReason(reason: unknown): string {
  if (reason instanceof Error && reason.message) return reason.message;
  return reason === undefined ? 'the run was cancelled' : String(reason);
}

/**
 * Records the cancellation of `record`: every pending step that `owns` accepts is skipped. The
 * step named is the first (in pipeline order) that was interrupted, else the first left unstarted.
 */
export function recordCancellation(
  pipeline: Pipeline,
  record: RunRecord,
  owns: (step: string) => boolean,
  reason: string,
): RunCancellation {
  const at = new Date().toISOString();
  let interrupted: string | undefined;
  let unstarted: string | undefined;
  for (const node of pipeline.nodes) {
    const step = record.steps[node.name];
    if (!step || !owns(node.name)) continue;
    if (step.status === 'cancelled') interrupted ??= node.name;
    if (step.status !== 'pending') continue;
    unstarted ??= node.name;
    step.status = 'skipped';
    step.skippedBecause = `the run was cancelled before this step started (${reason})`;
    step.finishedAt = at;
  }
  return { at, step: interrupted ?? unstarted ?? null, reason };
}
