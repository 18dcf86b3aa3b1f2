/**
 * @module cli/main
 * The `shelfcast` command. Each subcommand lives in `commands/<name>-command.ts` and registers itself
 * on the program; this file only wires them and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './cli-error.js';
import { commandRegistrations } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('shelfcast')
    .description('Demand forecasting and MLOps for retail: data, models, pipelines, registry, serving.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commandRegistrations) register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version also arrive here, with exit code 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`shelfcast: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    // Typed domain errors carry a stable code and a message that says what to do.
    process.stderr.write(`shelfcast: ${error.message} [${(error as { code: string }).code}]\n`);
    return ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`shelfcast: unexpected error: ${message}\n`);
  if (process.env.SHELFCAST_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return ExitCode.failure;
}
