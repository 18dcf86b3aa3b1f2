import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyToken } from '../../auth/api-tokens.js';
import { listAudit } from '../../auth/audit-log.js';
import type { Database } from '../../db/database.js';
import { openDatabase } from '../../db/open-database.js';
import { createTestStorageEnv, testBackend } from '../../db/testing/test-database.js';
import { runCli } from '../../e2e/run-cli.js';

describe(`[${testBackend()}] shelfcast token create|list|revoke`, () => {
  it('creates a token shown once, lists tokens without it, revokes by id', async (t) => {
    const storage = await createTestStorageEnv();
    t.after(storage.cleanup);
    /** Opens the command's database in this process; closed before the next command runs. */
    const withDb = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
      const db = await openDatabase({
        home: storage.env.SHELFCAST_HOME,
        ...(storage.env.DATABASE_URL ? { databaseUrl: storage.env.DATABASE_URL } : {}),
      });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    };

    const created = await runCli(
      ['token', 'create', '--role', 'analyst', '--name', 'ci', '--json'],
      storage.env,
    );
    assert.equal(created.code, 0, created.stderr);
    const json = JSON.parse(created.stdout);
    assert.match(json.token, /^sc_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([json.role, json.name, json.revokedAt], ['analyst', 'ci', null]);
    assert.match(json.id, /^tok_[0-9a-f]{12}$/);
    assert.match(json.createdBy, /^cli:/);

    const plain = await runCli(['token', 'create', '--role', 'viewer'], storage.env);
    assert.equal(plain.code, 0, plain.stderr);
    const viewerToken = plain.stdout.trim();
    assert.match(viewerToken, /^sc_[A-Za-z0-9_-]{43}$/);
    assert.match(
      plain.stderr,
      /created token tok_[0-9a-f]{12} \(viewer, "viewer token"\)\. This is the only time/,
    );

    assert.deepEqual(
      await withDb(async (db) => [
        (await verifyToken(db, json.token))?.role,
        (await verifyToken(db, viewerToken))?.role,
      ]),
      ['analyst', 'viewer'],
    );

    const listed = await runCli(['token', 'list', '--json'], storage.env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(json.token.slice(3)) && !listed.stdout.includes(viewerToken.slice(3)));
    assert.deepEqual(
      JSON.parse(listed.stdout).map((r: { name: string; role: string }) => [r.name, r.role]),
      [
        ['ci', 'analyst'],
        ['viewer token', 'viewer'],
      ],
    );
    const table = await runCli(['token', 'list'], storage.env);
    assert.match(table.stdout, new RegExp(`${json.id}\\s+ci\\s+analyst`));

    const revoked = await runCli(['token', 'revoke', json.id], storage.env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked token ${json.id} \\(analyst, "ci"\\)`));
    const again = await runCli(['token', 'revoke', json.id], storage.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already revoked/);
    const state = await withDb(async (db) => ({
      analyst: await verifyToken(db, json.token),
      viewer: (await verifyToken(db, viewerToken))?.role,
      audit: (await listAudit(db)).map((e) => [e.action, e.target]),
    }));
    assert.deepEqual(state.analyst, null);
    assert.equal(state.viewer, 'viewer');
    assert.deepEqual(state.audit.slice(0, 2), [
      ['token.revoke', `tokens/${json.id}`],
      ['token.revoke', `tokens/${json.id}`],
    ]);
    assert.equal(state.audit.filter(([a]) => a === 'token.create').length, 2);
  });

  it('refuses an unknown role, a missing role, a bad name and an unknown id with exit code 2', async (t) => {
    const storage = await createTestStorageEnv();
    t.after(storage.cleanup);
    const badRole = await runCli(['token', 'create', '--role', 'root'], storage.env);
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /--role must be one of viewer, analyst, admin, got 'root'/);
    assert.equal((await runCli(['token', 'create'], storage.env)).code, 2);
    const badName = await runCli(
      ['token', 'create', '--role', 'admin', '--name', 'x'.repeat(101)],
      storage.env,
    );
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /1 to 100 printable characters/);
    const unknown = await runCli(['token', 'revoke', 'tok_000000000000'], storage.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no token with id 'tok_000000000000'/);
    const empty = await runCli(['token', 'list'], storage.env);
    assert.match(empty.stdout, /no API tokens yet/);
  });
});
