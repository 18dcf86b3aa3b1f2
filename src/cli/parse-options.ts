/**
 * @module cli/parse-options
 * Option parsers for commander that turn bad values into usage errors naming the option.
 */
import { CliError } from './cli-error.js';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new CliError(`${name} must be a positive whole number, got '${value}'`);
    return n;
  };
}

export function shareOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new CliError(`${name} must be a number from 0 to 1, got '${value}'`);
    return n;
  };
}

export function dateOption(name: string) {
  return (value: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new CliError(`${name} must be a date YYYY-MM-DD, got '${value}'`);
    }
    return value;
  };
}

/** A TCP port; 0 lets the system pick a free one. */
export function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new CliError(`--port must be 0 to 65535, got '${value}'`);
  return n;
}
