import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openTestDatabase, testBackend } from '../db/testing/test-database.js';
import { tempDir } from '../io/testing/temp-dir.js';
import { artifactStoreFromEnv, parseArtifactsUrl } from './artifact-store-from-env.js';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { logArtifact, readArtifact, startRun } from './run-store.js';
import { S3ArtifactStore } from './s3-artifact-store.js';
import { startS3TestServer } from './testing/s3-test-server.js';
import { TrackingError } from './tracking-error.js';

const credentials = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

const configError =
  (...mentions: string[]) =>
  (e: unknown) => {
    assert.ok(e instanceof TrackingError, String(e));
    assert.equal(e.code, 'ARTIFACT_STORE_CONFIG');
    for (const text of mentions) assert.ok(e.message.includes(text), `"${text}" in: ${e.message}`);
    return true;
  };

describe('artifact store from the environment', () => {
  it('keeps artifacts under SHELFCAST_HOME when SHELFCAST_ARTIFACTS is not set', () => {
    const home = tempDir('home');
    for (const env of [{ SHELFCAST_HOME: home }, { SHELFCAST_HOME: home, SHELFCAST_ARTIFACTS: ' ' }]) {
      const store = artifactStoreFromEnv(env);
      assert.ok(store instanceof FilesystemArtifactStore);
      assert.equal(store.kind, 'filesystem');
      assert.equal(store.root, join(home, 'artifacts'));
    }
  });

  it('uses an S3 bucket for s3://bucket/prefix, with endpoint, region and session token', () => {
    const store = artifactStoreFromEnv({
      ...credentials,
      SHELFCAST_ARTIFACTS: 's3://forecasting/shelfcast/prod/',
      AWS_ENDPOINT_URL: 'http://minio.internal:9000',
      AWS_REGION: 'eu-central-1',
      AWS_SESSION_TOKEN: 'token',
    });
    assert.ok(store instanceof S3ArtifactStore);
    assert.equal(store.kind, 's3');
    assert.equal(store.bucket, 'forecasting');
    assert.equal(store.prefix, 'shelfcast/prod/');
    assert.equal(store.region, 'eu-central-1');
    assert.equal(store.addressing, 'path');
    assert.equal(store.objectUrl('k').href, 'http://minio.internal:9000/forecasting/k');
    assert.equal(store.uri('ab'.repeat(32)), `s3://forecasting/shelfcast/prod/sha256/ab/${'ab'.repeat(32)}`);

    const preferred = artifactStoreFromEnv({
      ...credentials,
      SHELFCAST_ARTIFACTS: 's3://b',
      SHELFCAST_S3_ENDPOINT: 'https://ceph.internal',
      AWS_ENDPOINT_URL: 'http://ignored:1',
      SHELFCAST_S3_ADDRESSING: 'virtual-hosted',
    }) as S3ArtifactStore;
    assert.equal(preferred.objectUrl('k').href, 'https://b.ceph.internal/k', 'SHELFCAST_S3_ENDPOINT wins');
    assert.equal(preferred.region, 'us-east-1');
    assert.equal(preferred.prefix, '');
  });

  it('names the missing variable when S3 is configured without credentials', () => {
    assert.throws(
      () => artifactStoreFromEnv({ SHELFCAST_ARTIFACTS: 's3://b/p', AWS_ACCESS_KEY_ID: 'AKIA' }),
      configError('AWS_SECRET_ACCESS_KEY is not set', 's3://b/p'),
    );
    assert.throws(
      () => artifactStoreFromEnv({ SHELFCAST_ARTIFACTS: 's3://b/p' }),
      configError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set'),
    );
  });

  it('refuses settings it cannot use instead of falling back silently', () => {
    assert.throws(
      () => artifactStoreFromEnv({ ...credentials, SHELFCAST_ARTIFACTS: 's3:/typo/bucket' }),
      configError('SHELFCAST_ARTIFACTS=s3:/typo/bucket', 's3://bucket/prefix'),
    );
    assert.throws(
      () =>
        artifactStoreFromEnv({
          ...credentials,
          SHELFCAST_ARTIFACTS: 's3://b',
          AWS_ENDPOINT_URL: 'minio:9000',
        }),
      configError('AWS_ENDPOINT_URL=minio:9000'),
    );
    assert.throws(
      () =>
        artifactStoreFromEnv({
          ...credentials,
          SHELFCAST_ARTIFACTS: 's3://b',
          SHELFCAST_S3_ADDRESSING: 'vhost',
        }),
      configError('SHELFCAST_S3_ADDRESSING=vhost'),
    );
    assert.deepEqual(parseArtifactsUrl('s3://bucket'), { bucket: 'bucket', prefix: '' });
    assert.deepEqual(parseArtifactsUrl('s3://bucket//a/b//'), { bucket: 'bucket', prefix: 'a/b/' });
  });

  it(`[${testBackend()}] logs and reads run artifacts through the configured S3 store`, async (t) => {
    const s3 = await startS3TestServer({ buckets: ['runs'] });
    t.after(() => s3.close());
    const db = await openTestDatabase();
    t.after(() => db.close());
    const store = artifactStoreFromEnv({
      SHELFCAST_ARTIFACTS: 's3://runs/shelfcast',
      SHELFCAST_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
    const a = await startRun(db, { experiment: 's3' });
    const b = await startRun(db, { experiment: 's3' });
    const bytes = randomBytes(200_000);
    const file = join(tempDir('s3-run'), 'state.bin');
    writeFileSync(file, bytes);
    const first = await logArtifact(db, store, a.runId, 'model/state.bin', { file });
    const second = await logArtifact(db, store, b.runId, 'model/state.bin', bytes);
    assert.equal(first.sha256, second.sha256);
    assert.equal(s3.requests.filter((r) => r.method === 'PUT').length, 1, 'identical content uploaded once');
    assert.ok(Buffer.from(await readArtifact(db, store, b.runId, 'model/state.bin')).equals(bytes));
    await assert.rejects(
      readArtifact(db, store, a.runId, 'absent.txt'),
      (e: unknown) => e instanceof TrackingError && e.code === 'ARTIFACT_NOT_FOUND',
    );
  });
});
