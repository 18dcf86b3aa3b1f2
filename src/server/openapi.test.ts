import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testBackend } from '../db/testing/test-database.js';
import type { JsonSchema, OpenApiDocument } from './openapi.js';
import { startTestServer } from './testing/test-server.js';

/** Every endpoint the issue asks for, as `METHOD /path` in OpenAPI form. */
const EXPECTED = [
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  ...['products', 'suppliers', 'stores', 'product-suppliers'].flatMap((e) => [
    `GET /v1/catalog/${e}`,
    `POST /v1/catalog/${e}`,
    `GET /v1/catalog/${e}/{key}`,
    `PATCH /v1/catalog/${e}/{key}`,
    `DELETE /v1/catalog/${e}/{key}`,
  ]),
  'GET /v1/ingestion/entities',
  'POST /v1/ingestion/{entity}/file',
  'POST /v1/ingestion/{entity}/rows',
  'GET /v1/ingestion/batches',
  'GET /v1/ingestion/batches/{id}',
  'GET /v1/ingestion/batches/{id}/quarantine',
  'POST /v1/pipelines/train',
  'GET /v1/pipelines/runs',
  'GET /v1/pipelines/runs/{runId}',
  'GET /v1/pipelines/runs/{runId}/logs/{step}',
  'GET /v1/experiments',
  'GET /v1/runs',
  'GET /v1/runs/compare',
  'GET /v1/runs/{id}',
  'GET /v1/runs/{id}/metrics/{key}',
  'GET /v1/models',
  'GET /v1/models/{model}/versions',
  'GET /v1/models/{model}/versions/{version}',
  'GET /v1/models/{model}/aliases',
  'POST /v1/models/{model}/promote',
  'POST /v1/models/{model}/rollback',
  'POST /v1/forecasts',
  'POST /v1/batch-forecasts',
  'GET /v1/batch-forecasts',
  'GET /v1/batch-forecasts/csv',
  'GET /v1/jobs',
  'GET /v1/jobs/{id}',
  'POST /v1/jobs/{id}/cancel',
  'POST /v1/tokens',
  'GET /v1/tokens',
  'DELETE /v1/tokens/{id}',
  'GET /v1/audit',
];

/** Every `$ref` in the document points at something that exists. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  return out;
}

describe(`[${testBackend()}] OpenAPI document and reference page`, () => {
  it('lists every route with its parameters, request and response schemas, role and errors', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const r = await server.call('GET', '/openapi.json', { as: null });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    const doc = r.json as OpenApiDocument;
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })),
    );
    assert.deepEqual(operations.map((o) => o.key).sort(), [...EXPECTED].sort());

    const ids = new Set<string>();
    for (const { key, path, op } of operations) {
      assert.ok(!ids.has(op.operationId), `${key}: duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(op.summary.length > 5, key);
      assert.ok(op.tags.length === 1 && doc.tags.some((tag) => tag.name === op.tags[0]), key);
      // Every {param} of the path is declared, required, with a schema.
      for (const name of path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
        const p = op.parameters?.find((x) => x.in === 'path' && x.name === name);
        assert.ok(p?.required && p.schema, `${key}: path parameter ${name}`);
      }
      const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
      assert.ok(success.length >= 1, `${key}: a success response`);
      for (const s of success) assert.ok(op.responses[s]?.content, `${key} ${s}: content`);
      const json = op.responses[success[0]!]?.content?.['application/json']?.schema as JsonSchema | undefined;
      if (json) assert.ok(json.type || json.anyOf || json.$ref, `${key}: a response schema`);
      if (key.startsWith('POST') || key.startsWith('PATCH')) {
        if (op.requestBody) assert.ok(Object.keys(op.requestBody.content).length > 0, key);
      }
      if (key.startsWith('GET /v1') || key.startsWith('POST /v1') || key.startsWith('DELETE /v1'))
        for (const s of ['401', '403', '429']) assert.ok(op.responses[s], `${key}: documents ${s}`);
      if (op['x-required-role']) assert.deepEqual(op.security, [{ bearer: [] }], key);
      if (key !== 'POST /v1/forecasts' && /^(POST|PATCH|DELETE) \/v1/.test(key))
        assert.ok(op['x-audit-action'], `${key}: audited`);
    }
    for (const ref of refs(doc)) {
      assert.match(ref, /^#\/components\/schemas\//);
      assert.ok(doc.components.schemas[ref.split('/').pop()!], ref);
    }

    const forecast = doc.paths['/v1/forecasts']?.post;
    const body = forecast?.requestBody?.content['application/json']?.schema as JsonSchema;
    const props = body.properties as Record<string, JsonSchema>;
    assert.deepEqual(Object.keys(props).sort(), ['horizon', 'model', 'pairs', 'quantiles', 'sku', 'store']);
    assert.deepEqual(body.required, ['horizon']);
    assert.equal(forecast?.['x-required-role'], 'viewer');
    assert.equal(doc.paths['/v1/models/{model}/promote']?.post?.['x-required-role'], 'admin');
    assert.equal(doc.paths['/v1/catalog/products']?.post?.['x-required-role'], 'analyst');
    const product = doc.paths['/v1/catalog/products']?.post?.requestBody?.content['application/json']
      ?.schema as JsonSchema;
    assert.deepEqual(product.required, ['sku', 'name', 'category', 'unit']);
    assert.equal(product.additionalProperties, false);
    const upload = doc.paths['/v1/ingestion/{entity}/file']?.post?.requestBody?.content;
    assert.ok(upload?.['text/csv'] && upload['application/vnd.apache.parquet']);
    // The pipeline config is documented with its real shape, though the handler checks it in full.
    const train = doc.paths['/v1/pipelines/train']?.post?.requestBody?.content['application/json']
      ?.schema as JsonSchema;
    const config = (train.properties as Record<string, JsonSchema>).config as JsonSchema;
    assert.deepEqual(config.required, ['name', 'horizon']);
    const configProps = config.properties as Record<string, JsonSchema>;
    for (const key of [
      'name',
      'horizon',
      'algorithms',
      'trainers',
      'data',
      'backtest',
      'metric',
      'promotion',
    ])
      assert.ok(configProps[key], `config.${key} documented`);
    assert.deepEqual((configProps.metric as JsonSchema).enum, ['mase', 'rmsse', 'wrmsse']);
    assert.equal(config.additionalProperties, false);
    assert.match(String(config.description), /config file/);
  });

  it('renders a self-contained reference page with every endpoint', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const page = await server.call('GET', '/docs', { as: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    for (const key of EXPECTED) {
      const path = key.split(' ')[1]!;
      assert.ok(page.text.includes(`<code>${path}</code>`), `${key} on the page`);
    }
    // Nothing is loaded from elsewhere: it works offline.
    assert.doesNotMatch(page.text, /<script|src=|https?:\/\/(?!json-schema)/);
    assert.match(page.text, /role: admin/);
  });
});
