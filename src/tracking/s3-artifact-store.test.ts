import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store.js';
import { type S3TestServer, startS3TestServer } from './testing/s3-test-server.js';
import { TrackingError } from './tracking-error.js';

const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function storeFailure(parts: Array<string | RegExp>, context: Record<string, unknown> = {}) {
  return (e: unknown) => {
    assert.ok(e instanceof TrackingError, String(e));
    assert.equal(e.code, 'ARTIFACT_STORE_FAILED', e.message);
    for (const part of parts) {
      if (typeof part === 'string') assert.ok(e.message.includes(part), `"${part}" in: ${e.message}`);
      else assert.match(e.message, part);
    }
    for (const [name, value] of Object.entries(context)) assert.equal(e.context[name], value, name);
    return true;
  };
}

describe('S3 artifact store against s3rver', () => {
  let s3: S3TestServer;
  let prefixes = 0;
  before(async () => {
    s3 = await startS3TestServer({ buckets: ['artifacts'] });
  });
  after(() => s3.close());

  const storeWith = (options: Partial<S3ArtifactStoreOptions> = {}) =>
    new S3ArtifactStore({
      bucket: 'artifacts',
      prefix: `team/t${++prefixes}`,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
      retryDelayMs: 5,
      ...options,
    });

  it('keeps objects under <prefix>sha256/<ab>/<hash>, path-style, and names them s3://bucket/key', async () => {
    const store = storeWith({ prefix: '/team/layout/' });
    const { sha256, uri } = await store.put('{"weights":[1,2]}');
    const key = `team/layout/sha256/${sha256.slice(0, 2)}/${sha256}`;
    assert.equal(store.key(sha256), key);
    assert.equal(uri, `s3://artifacts/${key}`);
    assert.equal(store.location, 's3://artifacts/team/layout/');
    assert.equal(readFileSync(s3.objectFile('artifacts', key), 'utf8'), '{"weights":[1,2]}');
    assert.equal(store.objectUrl(key).href, `${s3.endpoint}/artifacts/${key}`);
    assert.equal(await store.has('../../etc/passwd'), false);
    assert.equal(await store.has(sha256.toUpperCase()), false);
  });

  it('streams a file of a few MB in one PUT after one HEAD, and only HEADs it the second time', async () => {
    const store = storeWith();
    const bytes = randomBytes(4 * 1024 * 1024 + 123);
    const file = join(tempDir('s3-upload'), 'bundle.bin');
    writeFileSync(file, bytes);
    const seen = s3.requests.length;
    const stored = await store.putFile(file);
    assert.deepEqual(stored, {
      sha256: sha256Of(bytes),
      sizeBytes: bytes.length,
      uri: store.uri(sha256Of(bytes)),
      created: true,
    });
    const path = `/artifacts/${store.key(stored.sha256)}`;
    assert.deepEqual(
      s3.requests.slice(seen).map((r) => [r.method, r.path, r.status]),
      [
        ['HEAD', path, 404],
        ['PUT', path, 200],
      ],
    );
    assert.ok(readFileSync(s3.objectFile('artifacts', store.key(stored.sha256))).equals(bytes));
    assert.ok(Buffer.from(await store.get(stored.sha256)).equals(bytes));

    const again = s3.requests.length;
    assert.equal((await store.putFile(file)).created, false);
    assert.deepEqual(
      s3.requests.slice(again).map((r) => r.method),
      ['HEAD'],
    );
  });

  it('fails an upload whose file changes after it was hashed, storing nothing', async () => {
    const store = storeWith();
    const file = join(tempDir('s3-upload'), 'growing.bin');
    const original = randomBytes(300_000);
    writeFileSync(file, original);
    // Between the hashing pass and the upload, another process rewrites the file (same size).
    s3.onRequest = (method) => {
      if (method === 'HEAD') writeFileSync(file, randomBytes(original.length));
    };
    try {
      await assert.rejects(store.putFile(file), (e: unknown) => {
        assert.ok(e instanceof TrackingError && e.code === 'ARTIFACT_CORRUPT', String(e));
        assert.ok(e.message.includes('changed while it was uploaded'), e.message);
        assert.ok(e.message.includes(sha256Of(original)), e.message);
        return true;
      });
    } finally {
      delete s3.onRequest;
    }
    // S3 and MinIO discard a body cut short; s3rver keeps the part it received. Either way the
    // original's name never serves other bytes, and logging the file again repairs it.
    if (await store.has(sha256Of(original))) {
      await assert.rejects(
        store.get(sha256Of(original)),
        (e: unknown) => (e as TrackingError).code === 'ARTIFACT_CORRUPT',
      );
    }
    writeFileSync(file, original);
    assert.equal((await store.putFile(file)).created, true);
    assert.ok(Buffer.from(await store.get(sha256Of(original))).equals(original));
  });

  it('reports a wrong secret with S3 SignatureDoesNotMatch, naming bucket, key and what to check', async () => {
    const store = storeWith({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } });
    const sha256 = sha256Of('secret test');
    const key = store.key(sha256);
    const expected = ['artifacts', key, 'HTTP 403', 'SignatureDoesNotMatch', 'AWS_SECRET_ACCESS_KEY'];
    await assert.rejects(
      store.put('secret test'),
      storeFailure(expected, { s3Code: 'SignatureDoesNotMatch' }),
    );
    await assert.rejects(store.get(sha256), storeFailure(['GET', ...expected], { status: 403 }));
    // HEAD answers carry no body; the store still learns and reports the code.
    await assert.rejects(store.has(sha256), storeFailure(['HEAD', ...expected]));
  });

  it('reports an unknown access key with InvalidAccessKeyId', async () => {
    const store = storeWith({ credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'S3RVER' } });
    await assert.rejects(
      store.get(sha256Of('x')),
      storeFailure(['HTTP 403', 'InvalidAccessKeyId', 'AWS_ACCESS_KEY_ID'], { retryable: false }),
    );
  });

  it('reports a missing bucket with NoSuchBucket rather than a missing artifact', async () => {
    const store = storeWith({ bucket: 'no-such-bucket' });
    const parts = ['no-such-bucket', 'HTTP 404', 'NoSuchBucket', 'create bucket no-such-bucket'];
    await assert.rejects(store.put('orphan'), storeFailure(['PUT', ...parts]));
    await assert.rejects(store.get(sha256Of('orphan')), storeFailure(['GET', ...parts]));
  });

  it('retries server errors with backoff and gives up after 3 attempts with the last S3 code', async () => {
    const store = storeWith();
    const seen = s3.requests.length;
    s3.failNext(2);
    const stored = await store.put('survives two failures');
    assert.equal(stored.created, true);
    assert.deepEqual(
      s3.requests.slice(seen).map((r) => [r.method, r.status]),
      [
        ['HEAD', 503],
        ['HEAD', 503],
        ['HEAD', 404],
        ['PUT', 200],
      ],
    );
    s3.failNext(3);
    await assert.rejects(
      store.get(stored.sha256),
      storeFailure(['after 3 attempts', 'HTTP 503 SlowDown', 'retry later'], { retryable: true }),
    );
    assert.equal(Buffer.from(await store.get(stored.sha256)).toString(), 'survives two failures');
  });

  it('names the endpoint when nothing answers there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const store = storeWith({ endpoint: `http://127.0.0.1:${port}` });
    await assert.rejects(
      store.put('nowhere'),
      storeFailure([`127.0.0.1:${port}`, 'after 3 attempts', 'ECONNREFUSED', 'AWS_ENDPOINT_URL']),
    );
  });

  it('builds virtual-hosted URLs when asked, keeping the endpoint port and path', () => {
    const store = new S3ArtifactStore({
      bucket: 'models',
      prefix: 'p',
      endpoint: 'https://storage.example.internal:8443/s3/',
      addressing: 'virtual-hosted',
      credentials: s3.credentials,
    });
    const key = store.key('ab'.repeat(32));
    assert.equal(store.objectUrl(key).href, `https://models.storage.example.internal:8443/s3/${key}`);
    const aws = new S3ArtifactStore({ bucket: 'models', region: 'eu-west-1', credentials: s3.credentials });
    assert.equal(aws.addressing, 'virtual-hosted');
    assert.equal(aws.objectUrl('k').href, 'https://models.s3.eu-west-1.amazonaws.com/k');
  });
});
