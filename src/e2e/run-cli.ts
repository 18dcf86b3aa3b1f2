/**
 * @module e2e/run-cli
 * Runs the built `shelfcast` command as a child process for end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/shelfcast.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env, ...(env.DATABASE_URL ? {} : { DATABASE_URL: '' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Generates and ingests demo data into the storage of `env` without training (`shelfcast demo
 * --no-train`), ending 2026-06-30 so runs are reproducible; throws with the CLI's stderr if it fails.
 */
export async function ingestDemoData(
  env: Record<string, string>,
  size: { stores: number; products: number; days: number },
): Promise<CliRun> {
  const demo = await runCli(
    [
      ...['demo', '--stores', String(size.stores), '--products', String(size.products)],
      ...['--days', String(size.days), '--end', '2026-06-30', '--no-train', '--json'],
    ],
    env,
    300_000,
  );
  if (demo.code !== 0) throw new Error(`shelfcast demo exited ${demo.code}: ${demo.stderr}`);
  return demo;
}
