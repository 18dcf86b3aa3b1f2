/**
 * Hostile input against every mutating endpoint: SQL and path injection strings in every string
 * field, wrong types and huge numbers in every field, malformed JSON, unknown ids, oversized bodies,
 * missing and wrong tokens. Every answer must be a 4xx with a JSON error (or a 2xx that stored the
 * string verbatim, for free-text fields where such a string is legitimate data), the server must stay
 * up, and the tables must hold what they held, apart from rows that carry an injected string verbatim
 * and append-only journals (audit log, batch history).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Database } from '../db/database.js';
import { testBackend } from '../db/testing/test-database.js';
import { fixtureBundle, registerBundle } from '../serving/testing/serving-fixture.js';
import { startTestServer, type TestResponse, type TestServer } from './testing/test-server.js';

// Training jobs started by valid variants keep their runs under SHELFCAST_HOME.
const home = mkdtempSync(join(tmpdir(), 'shelfcast-bad-input-'));
process.env.SHELFCAST_HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

/** SQL injection, path traversal and other strings that break careless code. */
const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE products; --",
  '1; DELETE FROM suppliers WHERE 1=1',
  "1' UNION SELECT token_sha256, id FROM api_tokens --",
  "'; SELECT pg_sleep(5); --",
  '$1',
  '%',
  '\\',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '<script>alert(1)</script>',
  'abc\u0000def',
  'line\r\nSet-Cookie: x=1',
  'A'.repeat(5000),
  '𝕊𝕂𝕌-ünïcødé-✓',
];

/** Values of the wrong type or out of range, tried in every field. */
const WRONG_VALUES: readonly unknown[] = [null, [], {}, true, -1, 0, 1.5, 2 ** 63, 1e308, 'not-a-number'];

/** Every string the suite sends: a row holding one verbatim was written on purpose by an accepted call. */
const SENT_STRINGS: readonly string[] = [...INJECTIONS, 'not-a-number'];

interface Case {
  method: string;
  /** With `$` where a path parameter takes the hostile value. */
  path: string;
  body?: unknown;
  /** A raw body (uploads). */
  raw?: string;
  headers?: Record<string, string>;
  as?: 'viewer' | 'analyst' | 'admin' | undefined;
}

/** A valid body of each JSON endpoint and the string fields in it (dotted paths). */
function baseCases(): { method: string; path: string; body: Record<string, unknown>; as?: Case['as'] }[] {
  // Terms first: once suppliers and products exist under injected codes, terms for them are legitimate.
  return [
    {
      method: 'POST',
      path: '/v1/catalog/product-suppliers',
      body: {
        sku: 'P0002',
        supplier_code: 'SUP-1',
        lead_time_days: 2,
        min_order_qty: 1,
        pack_size: 1,
        unit_cost: 1,
        currency: 'EUR',
      },
    },
    {
      method: 'POST',
      path: '/v1/catalog/suppliers',
      body: { supplier_code: 'SUP-NEW', name: 'New supplier', country: 'DE', currency: 'EUR' },
    },
    {
      method: 'POST',
      path: '/v1/catalog/products',
      body: { sku: 'SKU-NEW', name: 'New product', category: 'care', unit: 'piece', certifications: ['eco'] },
    },
    {
      method: 'POST',
      path: '/v1/catalog/stores',
      body: {
        store_code: 'ST-NEW',
        name: 'New store',
        city: 'Lyon',
        country: 'FR',
        timezone: 'Europe/Paris',
        currency: 'EUR',
        opened_on: '2025-01-01',
        format: 'small',
      },
    },
    { method: 'PATCH', path: '/v1/catalog/products/P0001', body: { name: 'Renamed', category: 'care' } },
    { method: 'PATCH', path: '/v1/catalog/stores/S01', body: { city: 'Berlin', format: 'medium' } },
    {
      method: 'POST',
      path: '/v1/ingestion/suppliers/rows',
      body: { rows: [{ supplier_code: 'SUP-ROW', name: 'Row supplier', country: 'DE', currency: 'EUR' }] },
    },
    {
      method: 'POST',
      path: '/v1/pipelines/train',
      body: {
        config: {
          name: 'bad-input',
          horizon: 7,
          metric: 'mase',
          algorithms: { naive: { trials: 1, sampler: 'random' } },
          data: { stores: ['S01'], categories: ['care'] },
        },
      },
    },
    {
      method: 'POST',
      path: '/v1/models/demand/promote',
      body: { version: 1, alias: 'champion', reason: 'same' },
    },
    { method: 'POST', path: '/v1/models/demand/rollback', body: { reason: 'none earlier' } },
    {
      method: 'POST',
      path: '/v1/forecasts',
      body: { model: 'demand', pairs: [{ store: 'S01', sku: 'P0001' }], horizon: 3, quantiles: [0.5] },
      as: 'viewer',
    },
    { method: 'POST', path: '/v1/forecasts', body: { store: 'S01', sku: 'P0001', horizon: 3 }, as: 'viewer' },
    { method: 'POST', path: '/v1/batch-forecasts', body: { model: 'demand' } },
    { method: 'POST', path: '/v1/tokens', body: { role: 'viewer', name: 'bad-input' } },
  ];
}

/** Endpoints whose path parameter takes the hostile value. */
const PATH_CASES: readonly Case[] = [
  { method: 'GET', path: '/v1/catalog/products/$' },
  { method: 'PATCH', path: '/v1/catalog/products/$', body: { name: 'x' } },
  { method: 'DELETE', path: '/v1/catalog/products/$' },
  { method: 'DELETE', path: '/v1/catalog/product-suppliers/$' },
  { method: 'POST', path: '/v1/ingestion/$/rows', body: { rows: [{ supplier_code: 'X' }] } },
  { method: 'POST', path: '/v1/ingestion/suppliers/file?filename=$', raw: 'supplier_code\nX\n' },
  { method: 'GET', path: '/v1/ingestion/batches/$' },
  { method: 'GET', path: '/v1/pipelines/runs/$' },
  { method: 'GET', path: '/v1/pipelines/runs/$/logs/$' },
  { method: 'GET', path: '/v1/runs/$' },
  { method: 'GET', path: '/v1/models/$/versions/$' },
  { method: 'POST', path: '/v1/models/$/promote', body: { version: 1, reason: 'x' } },
  { method: 'POST', path: '/v1/models/$/rollback', body: {} },
  { method: 'POST', path: '/v1/jobs/$/cancel' },
  { method: 'DELETE', path: '/v1/tokens/$' },
  { method: 'GET', path: '/v1/catalog/products?category=$&q=$' },
  { method: 'GET', path: '/v1/runs?where=$&experiment=$' },
  { method: 'GET', path: '/v1/batch-forecasts?store=$&sku=$&model=$' },
  { method: 'GET', path: '/v1/audit?actor=$' },
];

/** Every string leaf of a body, as a path of keys. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

/**
 * Every field of a body, containers included, as a path of keys; not the cells of posted rows, which
 * take any JSON scalar by design (ingestion's row validation judges them).
 */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (path[0] === 'rows' && path.length > 2) return [];
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => leafPaths(v, [...path, i]))];
  if (value && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]))].filter(
      (p) => p.length > 0,
    );
  return [path];
}

function withValue(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

/** An algorithm name (an object key) replaced by a hostile one. */
function withKey(body: Record<string, unknown>, injection: string): unknown {
  const copy = structuredClone(body) as { config: { algorithms: Record<string, unknown> } };
  copy.config.algorithms = { [injection]: { trials: 1 } };
  return copy;
}

/** Every table's rows as JSON, keyed by table name. */
async function snapshot(db: Database): Promise<Map<string, string[]>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out = new Map<string, string[]>();
  for (const { name } of tables) {
    const rows = await db.query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) AS row FROM "${name}" t`,
    );
    out.set(name, rows.map((r) => JSON.stringify(r.row, Object.keys(r.row).sort())).sort());
  }
  return out;
}

/**
 * Journals and what accepted jobs write (a valid training config starts a run): earlier rows must
 * stay as they were; new ones are expected.
 */
const JOURNALS = new Set([
  'audit_log',
  'ingest_batches',
  'quarantine_rows',
  'batch_column_stats',
  'jobs',
  'experiments',
  'runs',
  'run_params',
  'run_metrics',
  'run_tags',
  'run_artifacts',
]);

function carriesInjection(row: string): boolean {
  const values: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') values.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(row));
  return values.some((v) => SENT_STRINGS.some((i) => v === i || (i.length > 3 && v.includes(i))));
}

function withoutUse(table: string, row: string): string {
  if (table !== 'api_tokens') return row;
  const parsed = JSON.parse(row) as Record<string, unknown>;
  parsed.last_used_at = null;
  return JSON.stringify(parsed, Object.keys(parsed).sort());
}

async function setup(server: TestServer): Promise<void> {
  const call = async (method: string, path: string, body: unknown) => {
    const r = await server.call(method, path, { as: 'analyst', body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.text}`);
  };
  await call('POST', '/v1/catalog/suppliers', {
    supplier_code: 'SUP-1',
    name: 'Supplier',
    country: 'DE',
    currency: 'EUR',
  });
  for (const sku of ['P0001', 'P0002'])
    await call('POST', '/v1/catalog/products', {
      sku,
      name: `Product ${sku}`,
      category: 'care',
      unit: 'piece',
    });
  await call('POST', '/v1/catalog/stores', {
    store_code: 'S01',
    name: 'Store one',
    city: 'Berlin',
    country: 'DE',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    opened_on: '2024-01-01',
    format: 'small',
  });
  const bundle = fixtureBundle({ stores: 1, products: 2, models: ['moving-average'], horizon: 7 });
  await registerBundle(server.db, server.artifacts, 'demand', bundle);
  const promoted = await server.call('POST', '/v1/models/demand/promote', {
    body: { version: 1, reason: 'base' },
  });
  assert.equal(promoted.status, 200, promoted.text);
  // Every valid base request once, so the variants below meet existing keys instead of creating them.
  for (const base of baseCases()) {
    const r = await server.call(base.method, base.path, { as: base.as ?? 'admin', body: base.body });
    assert.ok(r.status < 500, `${base.method} ${base.path}: ${r.text}`);
  }
  await idle(server);
}

/** Waits until no job is queued or running. */
async function idle(server: TestServer): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const jobs = (await server.call('GET', '/v1/jobs?limit=1000', { as: 'viewer' })).json.items as {
      status: string;
    }[];
    if (jobs.every((j) => j.status !== 'queued' && j.status !== 'running')) return;
    if (Date.now() > deadline) throw new Error('jobs did not finish');
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

describe(`[${testBackend()}] bad input`, () => {
  it('answers every hostile request with a 4xx JSON error (or stores the string verbatim); nothing else changes', async (t) => {
    const server = await startTestServer({ bodyLimit: 64 * 1024, rowsBodyLimit: 64 * 1024, home });
    t.after(() => server.close());
    await setup(server);
    const before = await snapshot(server.db);

    const failures: string[] = [];
    let sent = 0;
    const check = (label: string, r: TestResponse, allowSuccess: boolean) => {
      sent++;
      if (r.status >= 500) failures.push(`${label}: ${r.status} ${r.text.slice(0, 200)}`);
      else if (r.status >= 400) {
        if (typeof r.json?.error?.code !== 'string' || typeof r.json?.error?.message !== 'string')
          failures.push(`${label}: ${r.status} without a JSON error: ${r.text.slice(0, 200)}`);
        else if (/\n\s+at .+:\d+:\d+/.test(r.text)) failures.push(`${label}: a stack trace`);
      } else if (!allowSuccess) failures.push(`${label}: ${r.status} accepted`);
    };
    const send = (c: Case) =>
      server.call(c.method, c.path, {
        as: c.as ?? 'admin',
        ...(c.raw !== undefined ? { raw: c.raw, headers: { 'content-type': 'text/csv', ...c.headers } } : {}),
        ...(c.body !== undefined ? { body: c.body } : {}),
      });

    // Injection strings in every string field (and as an object key where names are keys).
    for (const base of baseCases()) {
      for (const path of stringPaths(base.body))
        for (const injection of INJECTIONS) {
          const r = await send({ ...base, body: withValue(base.body, path, injection) });
          check(
            `${base.method} ${base.path} ${path.join('.')}=${JSON.stringify(injection).slice(0, 40)}`,
            r,
            true,
          );
        }
      if (base.path === '/v1/pipelines/train')
        for (const injection of INJECTIONS)
          check(
            `train algorithm key ${injection.slice(0, 30)}`,
            await send({ ...base, body: withKey(base.body, injection) }),
            false,
          );
      // Wrong types and huge or negative numbers in every field.
      for (const path of leafPaths(base.body))
        for (const value of WRONG_VALUES) {
          const r = await send({ ...base, body: withValue(base.body, path, value) });
          check(`${base.method} ${base.path} ${path.join('.')}=${JSON.stringify(value)}`, r, true);
        }
      // Malformed and hostile JSON documents.
      for (const raw of [
        '{',
        '[]',
        'null',
        '"text"',
        '{"a":}',
        '1e400',
        '{"__proto__": {"admin": true}}',
        '['.repeat(5000),
      ]) {
        const r = await server.call(base.method, base.path, {
          as: base.as ?? 'admin',
          raw,
          headers: { 'content-type': 'application/json' },
        });
        check(`${base.method} ${base.path} raw ${raw.slice(0, 20)}`, r, false);
      }
      const huge = await server.call(base.method, base.path, {
        as: base.as ?? 'admin',
        body: { ...base.body, padding: 'x'.repeat(100_000) },
      });
      check(`${base.method} ${base.path} oversized`, huge, false);
      if (huge.status !== 413)
        failures.push(`${base.method} ${base.path} oversized: ${huge.status}, not 413`);
      for (const as of [null, { header: 'Bearer sc_wrong' }, { header: "Bearer ' OR 1=1 --" }] as const) {
        const r = await server.call(base.method, base.path, { as, body: base.body });
        check(`${base.method} ${base.path} token ${JSON.stringify(as)}`, r, false);
        if (r.status !== 401)
          failures.push(`${base.method} ${base.path} token ${JSON.stringify(as)}: ${r.status}`);
      }
    }
    // Injection strings as path parameters and query values. Catalog rows whose key is such a string
    // were created above (a valid code), so those reads and changes may succeed.
    for (const c of PATH_CASES)
      for (const injection of INJECTIONS) {
        const path = c.path.replaceAll('$', encodeURIComponent(injection));
        const mayExist = c.path.startsWith('/v1/catalog/products/');
        check(
          `${c.method} ${path.slice(0, 80)}`,
          await send({ ...c, path }),
          mayExist || (c.method === 'GET' && c.path.includes('?')),
        );
      }
    // Hostile file content: an injection in every column of an uploaded CSV.
    for (const injection of INJECTIONS.slice(0, 8)) {
      const csv = `supplier_code,name,country,currency\n"${injection.replaceAll('"', '""')}","${injection.replaceAll('"', '""')}",DE,EUR\n`;
      check(
        `upload ${injection.slice(0, 30)}`,
        await send({ method: 'POST', path: '/v1/ingestion/suppliers/file', raw: csv }),
        true,
      );
    }

    assert.deepEqual(failures, [], `${failures.length} of ${sent} answers were wrong`);
    assert.ok(sent > 1500, `sent ${sent}`);
    await idle(server);
    const health = await server.call('GET', '/health', { as: null });
    assert.equal(health.status, 200, 'the server is still up');

    const after = await snapshot(server.db);
    assert.deepEqual([...after.keys()], [...before.keys()], 'no table was dropped or created');
    const changed: string[] = [];
    for (const [table, rows] of before) {
      const now = new Set((after.get(table) ?? []).map((r) => withoutUse(table, r)));
      const then = new Set(rows.map((r) => withoutUse(table, r)));
      for (const row of then)
        if (
          !now.has(row) &&
          (JOURNALS.has(table) || !carriesInjectionAfterChange(table, row, after.get(table) ?? []))
        )
          changed.push(`${table}: changed or deleted ${row.slice(0, 160)}`);
      if (JOURNALS.has(table)) continue;
      for (const row of now)
        if (!then.has(row) && !carriesInjection(row)) changed.push(`${table}: new ${row.slice(0, 600)}`);
    }
    assert.deepEqual(changed, []);
  });
});

/** A row that changed is fine when its new version stores an injected string verbatim (a PATCH of free text). */
function carriesInjectionAfterChange(table: string, row: string, afterRows: readonly string[]): boolean {
  const key = primaryKeyOf(table, JSON.parse(row) as Record<string, unknown>);
  return afterRows.some((r) => {
    const parsed = JSON.parse(r) as Record<string, unknown>;
    return primaryKeyOf(table, parsed) === key && carriesInjection(r);
  });
}

function primaryKeyOf(table: string, row: Record<string, unknown>): string {
  const id = [`${table.replace(/s$/, '')}_id`, 'id'].find((k) => k in row);
  return id ? `${table}:${String(row[id])}` : `${table}:${JSON.stringify(row)}`;
}
