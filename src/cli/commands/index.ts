/**
 * @module cli/commands
 * Every subcommand's registration function; add a new command by adding its file and one line here.
 */
import type { Command } from 'commander';

export type CommandRegistration = (program: Command) => void;

export const commandRegistrations: CommandRegistration[] = [];
