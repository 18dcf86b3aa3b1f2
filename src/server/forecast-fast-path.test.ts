import assert from 'node:assert/strict';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createToken } from '../auth/api-tokens.js';
import { testBackend } from '../db/testing/test-database.js';
import { fixtureBundle, registerBundle } from '../serving/testing/serving-fixture.js';
import { TokenAuthenticator } from './auth-hook.js';
import { forecastFastPath } from './forecast-fast-path.js';
import { RateLimiter } from './rate-limit.js';
import { ResponseCheck } from './response-check.js';
import { forecastRoutes, ONLINE_FORECAST_URL, onlineForecastText } from './routes/forecast-routes.js';
import type { ServerContext } from './server-context.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

async function withChampion(server: TestServer): Promise<void> {
  const bundle = fixtureBundle({ stores: 2, products: 2, models: ['moving-average', 'croston'], horizon: 7 });
  await registerBundle(server.db, server.artifacts, 'demand', bundle);
  const promoted = await server.call('POST', '/v1/models/demand/promote', {
    body: { version: 1, reason: 'test' },
  });
  assert.equal(promoted.status, 200, promoted.text);
}

/** Kept-alive connections, so a server's `Connection: close` after a bad body shows. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Sends one request with node:http (so framing, such as a chunked body, is exactly as asked). */
function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    chunked?: boolean;
  },
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${options.path ?? ONLINE_FORECAST_URL}`,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        req.write(options.body.slice(0, 5));
        req.end(options.body.slice(5));
      } else {
        req.setHeader('content-length', Buffer.byteLength(options.body));
        req.end(options.body);
      }
    } else req.end();
  });
}

describe(`[${testBackend()}] online forecast fast path`, () => {
  it('answers every request it takes exactly as the fastify route does: answers, bad JSON, bad fields, unknown pairs', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    t.after(() => agent.destroy());
    await withChampion(server);

    const cases: string[] = [
      JSON.stringify({ store: 'S01', sku: 'P0001', horizon: 7 }),
      JSON.stringify({
        pairs: [
          { store: 'S02', sku: 'P0002' },
          { store: 'S01', sku: 'P0002' },
        ],
        horizon: 3,
        quantiles: [0.95, 0.5],
      }),
      '{"pairs": [',
      '{"__proto__": {"polluted": true}, "store": "S01", "sku": "P0001", "horizon": 3}',
      '{"constructor": {"prototype": {"polluted": true}}, "horizon": 3}',
      '{"pairs": [{"store": 7, "sku": "A"}], "horizon": 1e400, "quantiles": ["x"], "extra": true}',
      JSON.stringify({ store: 'S01\u0000', sku: 'P0001', horizon: 3 }),
      JSON.stringify({ store: 'S09', sku: 'P0001', horizon: 3 }),
      JSON.stringify({ store: 'S01', sku: 'P0001', pairs: [{ store: 'S01', sku: 'P0001' }], horizon: 3 }),
      JSON.stringify({ store: 'S01', sku: 'P0001', horizon: 0 }),
      JSON.stringify({ model: 'no-such-model', store: 'S01', sku: 'P0001', horizon: 3 }),
      '"just a string"',
      'null',
    ];
    // One token per case, all created first: creating a token empties the server's token cache
    // (its notification), which must not happen between a case's two requests.
    const tokens: string[] = [];
    for (const _ of cases)
      tokens.push(
        (await createToken(server.db, { role: 'viewer', name: 'fast path', createdBy: 'test' })).token,
      );
    await new Promise((r) => setTimeout(r, 300));
    const seen = new Set<number>();
    for (const [i, body] of cases.entries()) {
      // A token the server has not seen is verified by fastify's hook; once cached, the fast path
      // takes the same token's next request.
      const headers = { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' };
      const viaFastify = await send(server.url, { headers, body });
      const viaFastPath = await send(server.url, { headers, body });
      const what = `${body} → ${viaFastify.status} ${viaFastify.text}`;
      assert.equal(viaFastPath.status, viaFastify.status, what);
      assert.equal(viaFastPath.text, viaFastify.text, what);
      assert.equal(viaFastPath.headers['content-type'], viaFastify.headers['content-type'], what);
      assert.equal(viaFastPath.headers.connection, viaFastify.headers.connection, what);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      seen.add(viaFastify.status);
    }
    assert.deepEqual([...seen].sort(), [200, 400, 404]);

    // Both paths count into the same series of /metrics.
    const metrics = await server.call('GET', '/metrics', { as: null });
    const line = metrics.text
      .split('\n')
      .find((l) =>
        l.startsWith('shelfcast_http_requests_total{method="POST",route="/v1/forecasts",status="200"}'),
      );
    assert.ok(line, metrics.text);
    assert.equal(Number(line.split(' ').at(-1)), 4);
  });

  it('takes only the ordinary request and leaves the rest to fastify: other methods and URLs, uncached tokens, chunked or oversized bodies, other media types, the rate limit, a closing server', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    t.after(() => agent.destroy());
    await withChampion(server);
    const auth = new TokenAuthenticator(server.db, { cacheMs: 60_000 });
    const route = forecastRoutes({ models: server.models } as ServerContext).find(
      (r) => r.method === 'POST' && r.url === ONLINE_FORECAST_URL,
    );
    assert.ok(route);
    let closing = false;
    const fast = forecastFastPath({
      route,
      answer: (body) => onlineForecastText(server.models, body),
      auth,
      limiter: new RateLimiter({ perSecond: 0.001, burst: 3 }),
      bodyLimit: 200,
      parseJson: (text) => JSON.parse(text),
      responses: new ResponseCheck(true),
      count: () => {},
      log: () => {},
      closing: () => closing,
    });
    // Whatever the fast path declines gets 599 here (in the server, fastify would answer it).
    const harness = createServer((req, res) => {
      if (!fast(req, res)) {
        req.resume();
        res.writeHead(599).end('declined');
      }
    });
    await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => harness.close(() => resolve())));
    const url = `http://127.0.0.1:${(harness.address() as AddressInfo).port}`;

    const token = server.tokens.viewer.token;
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ store: 'S01', sku: 'P0001', horizon: 3 });
    const status = async (options: Parameters<typeof send>[1]) => (await send(url, options)).status;

    assert.equal(await status({ headers: json, body }), 599, 'a token not verified yet');
    assert.equal(await auth.verify(token).then((c) => c?.role), 'viewer');
    const answered = await send(url, { headers: json, body });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(JSON.parse(answered.text).forecasts[0].points.length, 3);
    assert.equal(await status({ method: 'PUT', headers: json, body }), 599);
    assert.equal(await status({ path: `${ONLINE_FORECAST_URL}?x=1`, headers: json, body }), 599);
    assert.equal(await status({ headers: { 'content-type': 'application/json' }, body }), 599, 'no token');
    assert.equal(await status({ headers: { ...json, authorization: 'Bearer sc_unknown' }, body }), 599);
    assert.equal(await status({ headers: { ...json, 'content-type': 'text/plain' }, body }), 599);
    assert.equal(await status({ headers: json, body, chunked: true }), 599, 'a chunked body');
    assert.equal(await status({ headers: json, body: `${body}${' '.repeat(200)}` }), 599, 'over the limit');
    assert.equal(await status({ headers: json }), 599, 'no body');
    const charset = { ...json, 'content-type': 'Application/JSON; charset=UTF-8' };
    assert.equal(await status({ headers: charset, body }), 200);
    // A burst of 3 for this token: two were taken above, the third is the last.
    assert.equal(await status({ headers: json, body }), 200);
    assert.equal(await status({ headers: json, body }), 599, 'over the rate limit');
    closing = true;
    const other = await createToken(server.db, { role: 'admin', name: 'other', createdBy: 'test' });
    await auth.verify(other.token);
    const otherJson = { ...json, authorization: `Bearer ${other.token}` };
    assert.equal(await status({ headers: otherJson, body }), 599, 'a closing server');
    closing = false;
    assert.equal(await status({ headers: otherJson, body }), 200);
  });
});
