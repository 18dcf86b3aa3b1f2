import { writeFile } from 'node:fs/promises';
import { after } from 'node:test';
import { tempDir } from '../io/testing/temp-dir.js';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { S3ArtifactStore } from './s3-artifact-store.js';
import { describeArtifactStoreContract } from './testing/artifact-store-contract.js';
import { putRawObject, type S3TestServer, startS3TestServer } from './testing/s3-test-server.js';

describeArtifactStoreContract('filesystem', async () => {
  const store = new FilesystemArtifactStore(tempDir('artifacts'));
  return { store, tamper: (sha256, bytes) => writeFile(store.uri(sha256), bytes) };
});

let server: Promise<S3TestServer> | undefined;
let stores = 0;
after(async () => {
  await (await server)?.close();
});

describeArtifactStoreContract('s3 (s3rver)', async () => {
  server ??= startS3TestServer({ buckets: ['contract'] });
  const s3 = await server;
  // One server for the suite; each test gets its own prefix, so each starts with an empty store.
  const store = new S3ArtifactStore({
    bucket: 'contract',
    prefix: `run-${++stores}`,
    endpoint: s3.endpoint,
    credentials: s3.credentials,
  });
  return {
    store,
    tamper: async (sha256, bytes) => {
      await putRawObject(s3, store.bucket, store.key(sha256), bytes);
    },
  };
});
