import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import {
  createToken,
  ensureInitialAdminToken,
  hashToken,
  listTokens,
  requireRole,
  revokeToken,
  verifyToken,
} from './api-tokens.js';
import { listAudit } from './audit-log.js';
import { AuthError } from './auth-error.js';
import type { Role } from './roles.js';

const isCode = (code: string) => (e: unknown) => e instanceof AuthError && e.code === code;

describe(`[${testBackend()}] API tokens`, () => {
  it('round trip: create, verify, revoke, then the token no longer verifies', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const { token, record } = await createToken(db, {
      role: 'analyst',
      name: 'nightly ingest',
      createdBy: 'cli:ana',
    });
    assert.match(token, /^sc_[A-Za-z0-9_-]{43}$/);
    assert.match(record.id, /^tok_[0-9a-f]{12}$/);
    assert.deepEqual(
      [record.name, record.role, record.createdBy, record.lastUsedAt, record.revokedAt],
      ['nightly ingest', 'analyst', 'cli:ana', null, null],
    );

    const seen = await verifyToken(db, token);
    assert.equal(seen?.id, record.id);
    assert.equal(seen?.role, 'analyst');
    assert.ok(seen?.lastUsedAt, 'the first use is recorded');

    const revoked = await revokeToken(db, record.id, 'cli:bob');
    assert.ok(revoked?.revokedAt);
    assert.equal(await verifyToken(db, token), null);
    // Revoking again changes nothing; an unknown id is null.
    assert.equal((await revokeToken(db, record.id, 'cli:bob'))?.revokedAt, revoked.revokedAt);
    assert.equal(await revokeToken(db, 'tok_000000000000', 'cli:bob'), null);

    const listed = await listTokens(db);
    assert.deepEqual(
      listed.map((r) => [r.id, r.revokedAt]),
      [[record.id, revoked.revokedAt]],
    );
    const audit = await listAudit(db);
    assert.deepEqual(
      audit.map((e) => [e.actor, e.action, e.target, e.details]),
      [
        ['cli:bob', 'token.revoke', `tokens/${record.id}`, { changed: false }],
        ['cli:bob', 'token.revoke', `tokens/${record.id}`, { changed: true }],
        ['cli:ana', 'token.create', `tokens/${record.id}`, { name: 'nightly ingest', role: 'analyst' }],
      ],
    );
  });

  it('stores only the SHA-256 of the token', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const { token, record } = await createToken(db, { role: 'viewer' });
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM api_tokens');
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(token.slice(3)), 'the secret part of the token is not in the table');
    assert.ok(!stored.includes(token.slice(3, 20)), 'nor any long piece of it');
    const expected = createHash('sha256').update(token).digest('hex');
    assert.equal(rows[0]!.token_sha256, expected);
    assert.equal(hashToken(token), expected);
    assert.equal(rows[0]!.id, record.id);
    assert.equal(rows[0]!.name, 'viewer token');
    const audit = JSON.stringify(await db.query('SELECT * FROM audit_log'));
    assert.ok(!audit.includes(token.slice(3, 20)), 'the audit log does not hold the token either');
  });

  it('returns null for wrong, malformed and look-alike tokens', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const { token } = await createToken(db, { role: 'admin' });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const candidates = [
      `${token.slice(0, -1)}${last}`, // one character off
      `sc_${'A'.repeat(43)}`, // well-formed, unknown
      `${token} `,
      ` ${token}`,
      token.toUpperCase(),
      token.slice(3),
      `Bearer ${token}`,
      hashToken(token), // the stored hash is not a credential
      '',
      "sc_' OR '1'='1' --",
      `${token}x`,
    ];
    for (const candidate of candidates) assert.equal(await verifyToken(db, candidate), null, candidate);
    assert.equal(await verifyToken(db, undefined as unknown as string), null);
    assert.equal((await verifyToken(db, token))?.role, 'admin');
  });

  it('records use at most once a minute', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const { token, record } = await createToken(db, { role: 'viewer' });
    const first = (await verifyToken(db, token))!.lastUsedAt;
    assert.ok(first);
    assert.equal((await verifyToken(db, token))!.lastUsedAt, first);
    await db.run("UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = $1", [
      record.id,
    ]);
    const aged = (await listTokens(db))[0]!.lastUsedAt!;
    const next = (await verifyToken(db, token))!.lastUsedAt!;
    assert.ok(Date.parse(next) > Date.parse(aged) + 60_000, `${aged} -> ${next}`);
  });

  it('validates the role and name when creating', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    await assert.rejects(createToken(db, { role: 'root' as Role }), isCode('INVALID_ROLE'));
    await assert.rejects(createToken(db, { role: 'viewer', name: '  ' }), isCode('INVALID_INPUT'));
    await assert.rejects(createToken(db, { role: 'viewer', name: 'x'.repeat(101) }), isCode('INVALID_INPUT'));
    await assert.rejects(createToken(db, { role: 'viewer', name: 'a\nb' }), isCode('INVALID_INPUT'));
    await assert.rejects(revokeToken(db, 'tok_000000000000', ''), isCode('INVALID_INPUT'));
    assert.deepEqual(await listTokens(db), []);
    const odd = await createToken(db, { role: 'viewer', name: "Robert'); DROP TABLE api_tokens;--" });
    assert.equal((await listTokens(db))[0]!.name, odd.record.name);
  });

  it('creates the initial admin token once only, even when two starts race', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const results = await Promise.all([ensureInitialAdminToken(db), ensureInitialAdminToken(db)]);
    const created = results.filter((r) => r !== null);
    assert.equal(created.length, 1);
    const admin = await verifyToken(db, created[0]!);
    assert.equal(admin?.role, 'admin');
    assert.equal(admin?.createdBy, 'system');
    assert.equal(await ensureInitialAdminToken(db), null);
    // Not even after every token was revoked: an admin then creates one with the CLI.
    await revokeToken(db, admin!.id, 'cli:ana');
    assert.equal(await ensureInitialAdminToken(db), null);
    assert.equal((await listTokens(db)).length, 1);
  });

  it('requireRole: no token is unauthenticated, a low role is forbidden', async (t) => {
    const db = await openTestDatabase();
    t.after(() => db.close());
    const viewer = (await createToken(db, { role: 'viewer' })).record;
    const admin = (await createToken(db, { role: 'admin' })).record;
    assert.throws(() => requireRole(null, 'viewer'), isCode('UNAUTHENTICATED'));
    assert.throws(() => requireRole(viewer, 'analyst'), isCode('FORBIDDEN'));
    assert.equal(requireRole(viewer, 'viewer'), viewer);
    assert.equal(requireRole(admin, 'analyst'), admin);
  });
});
