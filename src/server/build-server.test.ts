import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revokeToken } from '../auth/api-tokens.js';
import { testBackend } from '../db/testing/test-database.js';
import { startTestServer, type TestResponse } from './testing/test-server.js';

function assertError(r: TestResponse, status: number, code: string | RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(typeof r.json?.error?.message, 'string', r.text);
  assert.ok(r.json.error.message.length > 10, r.text);
  if (typeof code === 'string') assert.equal(r.json.error.code, code, r.text);
  else assert.match(r.json.error.code, code);
  assert.doesNotMatch(r.text, /\bat .+\.js:\d+/, 'no stack trace');
}

describe(`[${testBackend()}] HTTP server`, () => {
  it('health and readiness need no token; /v1 needs one: 401 for none, malformed or unknown, 403 for a low role', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());

    const health = await server.call('GET', '/health', { as: null });
    assert.equal(health.status, 200);
    assert.equal(health.json.status, 'ok');
    const ready = await server.call('GET', '/ready', { as: null });
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.json.checks.database, { ok: true });

    const none = await server.call('GET', '/v1/models', { as: null });
    assertError(none, 401, 'MISSING_TOKEN');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assertError(
      await server.call('GET', '/v1/models', { as: { header: 'Basic abc' } }),
      401,
      'INVALID_TOKEN',
    );
    assertError(
      await server.call('GET', '/v1/models', { as: { header: `Bearer sc_${'x'.repeat(43)}` } }),
      401,
      'INVALID_TOKEN',
    );
    assertError(await server.call('GET', '/v1/models', { as: { header: 'Bearer ' } }), 401, /TOKEN/);

    assert.equal((await server.call('GET', '/v1/models', { as: 'viewer' })).status, 200);
    const forbidden = await server.call('POST', '/v1/tokens', { as: 'analyst', body: { role: 'viewer' } });
    assertError(forbidden, 403, 'FORBIDDEN');
    assert.match(forbidden.json.error.message, /admin role/);
    assertError(await server.call('GET', '/v1/audit', { as: 'analyst' }), 403, 'FORBIDDEN');

    const revoked = await server.call('DELETE', `/v1/tokens/${server.tokens.viewer.id}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(revoked.json.revokedAt);
    // The server drops its cached verification at once: the token stops working now.
    assertError(await server.call('GET', '/v1/models', { as: 'viewer' }), 401, 'INVALID_TOKEN');
  });

  it('a token revoked elsewhere (another process, straight in the database) stops working as the revoke commits', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    assert.equal((await server.call('GET', '/v1/models', { as: 'viewer' })).status, 200);
    // Not through this server: only the database's notification can tell it. The cache period is
    // 60 s while notified, and 5 s (first re-check after 2.5 s) without.
    await revokeToken(server.db, server.tokens.viewer.id, 'another process');
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 2000) {
      status = (await server.call('GET', '/v1/models', { as: 'viewer' })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, 'refused within 2 s of the revoke');
    // Using a token (last_used_at) does not empty the cache: the analyst stays cached and served.
    assert.equal((await server.call('GET', '/v1/models', { as: 'analyst' })).status, 200);
  });

  it('unknown endpoints and ids give 404; malformed JSON, wrong types and unknown fields give 400 with each bad field', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());

    assertError(await server.call('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    assertError(await server.call('GET', '/v1/catalog/products/NO-SUCH-SKU'), 404, 'NOT_FOUND');
    assertError(await server.call('GET', '/v1/jobs/no-such-job'), 404, 'NOT_FOUND');
    assertError(await server.call('GET', '/v1/models/nope/versions'), 404, 'MODEL_NOT_FOUND');
    assertError(await server.call('GET', '/v1/ingestion/batches/999999'), 404, 'NOT_FOUND');

    const broken = await server.call('POST', '/v1/tokens', {
      raw: '{"role": "viewer",',
      headers: { 'content-type': 'application/json' },
    });
    assertError(broken, 400, 'INVALID_JSON');

    // Sent as text: 1e400 is valid JSON but no finite number.
    const bad = await server.call('POST', '/v1/forecasts', {
      as: 'viewer',
      raw: '{"pairs": [{"store": 7, "sku": "A"}], "horizon": 1e400, "quantiles": ["x"], "extra": true}',
      headers: { 'content-type': 'application/json' },
    });
    assertError(bad, 400, 'INVALID_REQUEST');
    const paths = bad.json.error.details.map((d: { in: string; path: string }) => `${d.in}.${d.path}`).sort();
    assert.deepEqual(paths, ['body.extra', 'body.horizon', 'body.pairs[0].store', 'body.quantiles[0]']);

    const query = await server.call('GET', '/v1/jobs?limit=99999999999999999999&status=bogus', {
      as: 'viewer',
    });
    assertError(query, 400, 'INVALID_REQUEST');
    assert.deepEqual(query.json.error.details.map((d: { path: string }) => d.path).sort(), [
      'limit',
      'status',
    ]);

    assertError(await server.call('POST', '/v1/tokens', {}), 400, 'BODY_REQUIRED');
    const wrongType = await server.call('POST', '/v1/tokens', {
      raw: 'role=viewer',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses bodies over the limit with 413 and callers over their rate with 429 and Retry-After', async (t) => {
    const server = await startTestServer({ bodyLimit: 1024, rateLimit: { perSecond: 1, burst: 5 } });
    t.after(() => server.close());

    const big = await server.call('POST', '/v1/tokens', {
      as: 'admin',
      body: { role: 'viewer', name: 'x'.repeat(5000) },
    });
    assertError(big, 413, 'PAYLOAD_TOO_LARGE');

    const statuses: number[] = [];
    let limited: TestResponse | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await server.call('GET', '/v1/jobs', { as: 'viewer' });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.ok(
      statuses.slice(0, 4).every((s) => s === 200),
      statuses.join(','),
    );
    assert.ok(limited, `no 429 in ${statuses.join(',')}`);
    assertError(limited, 429, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Another token has its own bucket; probes are never limited.
    assert.equal((await server.call('GET', '/v1/jobs', { as: 'analyst' })).status, 200);
    assert.equal((await server.call('GET', '/health', { as: null })).status, 200);
  });

  it('/metrics counts requests by route and status, with latencies, jobs and freshness', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const count = (text: string, route: string, status: number) => {
      const m = new RegExp(
        `^shelfcast_http_requests_total\\{method="GET",route="${route.replace(/[/]/g, '\\/')}",status="${status}"\\} (\\d+)$`,
        'm',
      ).exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await server.call('GET', '/metrics', { as: null });
    assert.equal(before.status, 200);
    assert.match(before.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    for (let i = 0; i < 3; i++) await server.call('GET', '/v1/jobs', { as: 'viewer' });
    await server.call('GET', '/v1/jobs', { as: null });
    await server.call('GET', '/v1/catalog/products/NOPE', { as: 'viewer' });
    const after = (await server.call('GET', '/metrics', { as: null })).text;
    assert.equal(count(after, '/v1/jobs', 200) - count(before.text, '/v1/jobs', 200), 3);
    assert.equal(count(after, '/v1/jobs', 401) - count(before.text, '/v1/jobs', 401), 1);
    // The route pattern, never the raw URL, so ids do not explode the series.
    assert.equal(count(after, '/v1/catalog/products/:key', 404), 1);
    assert.match(
      after,
      /^shelfcast_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/jobs",le="\+Inf"\} \d+$/m,
    );
    assert.match(after, /^shelfcast_jobs\{status="queued"\} 0$/m);
    assert.match(after, /^# TYPE shelfcast_data_freshness_seconds gauge$/m);
    assert.match(after, /^# TYPE shelfcast_model_version gauge$/m);
  });

  it('audits every mutating call with who, what, target, status and when; reads are not audited', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const created = await server.call('POST', '/v1/tokens', { body: { role: 'analyst', name: 'ci' } });
    assert.equal(created.status, 201, created.text);
    assert.match(created.json.token, /^sc_/);
    await server.call('POST', '/v1/models/nope/promote', { body: { version: 1, reason: 'better' } });
    await server.call('POST', '/v1/tokens', { as: 'viewer', body: { role: 'admin' } });
    await server.call('GET', '/v1/jobs', { as: 'viewer' });

    const audit = await server.call('GET', '/v1/audit?limit=10');
    assert.equal(audit.status, 200, audit.text);
    const entries = audit.json.items as {
      actor: string;
      action: string;
      target: string;
      status: number | null;
      at: string;
    }[];
    const forbidden = entries.find((e) => e.actor === server.tokens.viewer.id);
    assert.deepEqual(
      forbidden && { action: forbidden.action, target: forbidden.target, status: forbidden.status },
      { action: 'token.create', target: 'tokens', status: 403 },
    );
    const promote = entries.find((e) => e.action === 'model.promote');
    assert.deepEqual(promote && { actor: promote.actor, target: promote.target, status: promote.status }, {
      actor: server.tokens.admin.id,
      target: 'models/nope@1',
      status: 404,
    });
    const create = entries.find((e) => e.action === 'token.create' && e.actor === server.tokens.admin.id);
    assert.equal(create?.target, `tokens/${created.json.record.id}`);
    assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.at))));
    assert.ok(!entries.some((e) => e.target.startsWith('jobs')), 'reads are not audited');
  });
});
