import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { createTestStorageEnv, testBackend } from '../../db/testing/test-database.js';
import { CLI, runCli } from '../../e2e/run-cli.js';

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `shelfcast serve --port 0` and waits until it prints where it listens. */
async function serve(env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, ...env, ...(env.DATABASE_URL ? {} : { DATABASE_URL: '' }), REDIS_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
    if (m) return { child, url: m[1]!, stdout: () => stdout, stderr: () => stderr, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`shelfcast serve did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function stop(served: Served): Promise<number | null> {
  served.child.kill('SIGTERM');
  const timer = setTimeout(() => served.child.kill('SIGKILL'), 20_000);
  const code = await served.exited;
  clearTimeout(timer);
  return code;
}

describe(`[${testBackend()}] shelfcast serve`, () => {
  it('prints the admin token on the first embedded start only, answers /health and /v1, stops on SIGTERM', async (t) => {
    const storage = await createTestStorageEnv();
    t.after(storage.cleanup);
    const env = storage.env;

    const first = await serve(env);
    t.after(() => first.child.kill('SIGKILL'));
    let token = /^\s+(sc_[A-Za-z0-9_-]{43})$/m.exec(first.stdout())?.[1];
    if (testBackend() === 'pglite') {
      assert.ok(token, `no admin token in:\n${first.stdout()}`);
      assert.match(first.stdout(), /shown only this once/);
    } else {
      // On PostgreSQL the first admin token comes from the CLI, not from a server's log.
      assert.equal(token, undefined);
      assert.match(first.stdout(), /No API token exists yet/);
      const created = await runCli(['token', 'create', '--role', 'admin'], env);
      assert.equal(created.code, 0, created.stderr);
      token = created.stdout.trim();
    }
    const health = await fetch(`${first.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const models = await fetch(`${first.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(models.status, 200, await models.text());
    assert.equal((await fetch(`${first.url}/v1/models`)).status, 401);
    assert.equal(await stop(first), 0, first.stderr());
    assert.match(first.stderr(), /SIGTERM received, stopping/);

    const second = await serve(env);
    t.after(() => second.child.kill('SIGKILL'));
    assert.doesNotMatch(second.stdout(), /sc_[A-Za-z0-9_-]{43}/, 'the token is printed once only');
    assert.doesNotMatch(second.stdout(), /No API token/);
    const again = await fetch(`${second.url}/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.status, 200, 'the first token still works');
    assert.equal(await stop(second), 0, second.stderr());
  });

  it('refuses a bad port with a usage error', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '99999']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--port must be 0 to 65535/);
  });
});
