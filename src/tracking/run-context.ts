/**
 * @module tracking/run-context
 * What a run records about where it ran: the project's git commit and the runtime environment.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  shelfcast: string | null;
}

/** `git rev-parse HEAD` in `cwd`, or null outside a git checkout or without git. */
export function gitCommit(cwd: string = process.cwd()): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

let cachedVersion: string | null | undefined;

/** shelfcast's own version, from the package.json two folders up (src/ or dist/ alike). */
export function shelfcastVersion(): string | null {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    cachedVersion = pkg.version ?? null;
  } catch {
    cachedVersion = null;
  }
  return cachedVersion;
}

export function runEnvironment(): RunEnvironment {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    shelfcast: shelfcastVersion(),
  };
}
