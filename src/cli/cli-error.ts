/**
 * @module cli/cli-error
 * Errors a command reports to the user: a message saying what to do and a process exit code.
 */

/** Exit codes the CLI uses; scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  /** The command ran but its input was refused (e.g. an ingest batch over the rejection threshold). */
  refused: 1,
  /** Bad usage: unknown option, missing argument, unreadable file. */
  usage: 2,
  /** Something failed that a retry or an operator may fix (database unreachable, ...). */
  failure: 3,
} as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
  }
}
