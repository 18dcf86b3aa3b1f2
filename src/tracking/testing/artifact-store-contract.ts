/**
 * @module tracking/testing/artifact-store-contract
 * What every {@link ArtifactStore} must do, as one suite run against each implementation
 * (`artifact-store-contract.test.ts`): content addressing, dedupe, streaming uploads, integrity
 * checks on read, and the typed errors for absent and corrupt blobs.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../io/testing/temp-dir.js';
import type { ArtifactStore } from '../artifact-store.js';
import { TrackingError } from '../tracking-error.js';

export interface ArtifactStoreUnderTest {
  /** A store with nothing in it. */
  store: ArtifactStore;
  /** Replaces a stored blob's bytes behind the store's back (disk rot, a stray overwrite). */
  tamper(sha256: string, bytes: Uint8Array): Promise<void>;
}

const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const isTrackingError = (code: string, mentions?: string) => (e: unknown) =>
  e instanceof TrackingError && e.code === code && (mentions === undefined || e.message.includes(mentions));

/**
 * @example
 * describeArtifactStoreContract('filesystem', async () => {
 *   const store = new FilesystemArtifactStore(tempDir('artifacts'));
 *   return { store, tamper: async (sha, bytes) => writeFileSync(store.uri(sha), bytes) };
 * });
 */
export function describeArtifactStoreContract(
  name: string,
  open: () => Promise<ArtifactStoreUnderTest>,
): void {
  describe(`artifact store contract: ${name}`, () => {
    it('names blobs by their sha256 and reads them back byte-identical', async () => {
      const { store } = await open();
      const text = await store.put('hello\n');
      assert.equal(text.sha256, sha256Of('hello\n'));
      assert.equal(text.sizeBytes, 6);
      assert.equal(text.created, true);
      assert.equal(text.uri, store.uri(text.sha256));
      assert.ok(text.uri.includes(`sha256/${text.sha256.slice(0, 2)}/${text.sha256}`), text.uri);
      assert.equal(Buffer.from(await store.get(text.sha256)).toString('utf8'), 'hello\n');

      const bytes = randomBytes(70_000);
      const binary = await store.put(bytes);
      assert.equal(binary.sha256, sha256Of(bytes));
      assert.ok(Buffer.from(await store.get(binary.sha256)).equals(bytes));

      const empty = await store.put(new Uint8Array(0));
      assert.equal(empty.sha256, sha256Of(''));
      assert.equal((await store.get(empty.sha256)).byteLength, 0);
    });

    it('stores identical content once: a second put or putFile reports created false', async () => {
      const { store } = await open();
      const bytes = randomBytes(10_000);
      const first = await store.put(bytes);
      const second = await store.put(Buffer.from(bytes));
      assert.deepEqual(second, { ...first, created: false });
      const file = join(tempDir('contract'), 'same.bin');
      writeFileSync(file, bytes);
      assert.deepEqual(await store.putFile(file), { ...first, created: false });
      const [a, b] = await Promise.all([store.put('raced'), store.put('raced')]);
      assert.equal(a.sha256, b.sha256);
      assert.equal(Buffer.from(await store.get(a.sha256)).toString(), 'raced');
    });

    it('streams a file with putFile under the same name put would give its bytes', async () => {
      const { store } = await open();
      const bytes = randomBytes(1_500_000);
      const file = join(tempDir('contract'), 'model.bin');
      writeFileSync(file, bytes);
      const stored = await store.putFile(file);
      assert.equal(stored.sha256, sha256Of(bytes));
      assert.equal(stored.sizeBytes, bytes.length);
      assert.equal(stored.created, true);
      assert.ok(Buffer.from(await store.get(stored.sha256)).equals(bytes));
    });

    it('answers has for present and absent blobs', async () => {
      const { store } = await open();
      const absent = sha256Of('never stored');
      assert.equal(await store.has(absent), false);
      const { sha256 } = await store.put('present');
      assert.equal(await store.has(sha256), true);
      // A name that is not a hash never reaches the storage (no path can escape the store).
      assert.equal(await store.has('../../etc/passwd'), false);
    });

    it('refuses absent and malformed names with ARTIFACT_NOT_FOUND', async () => {
      const { store } = await open();
      const absent = sha256Of('never stored');
      await assert.rejects(store.get(absent), isTrackingError('ARTIFACT_NOT_FOUND', absent));
      await assert.rejects(store.get('../../etc/passwd'), isTrackingError('ARTIFACT_NOT_FOUND'));
    });

    it('detects a blob whose bytes changed and names it (ARTIFACT_CORRUPT)', async () => {
      const under = await open();
      const { sha256 } = await under.store.put('original content');
      await under.tamper(sha256, Buffer.from('tampered content'));
      await assert.rejects(under.store.get(sha256), (e: unknown) => {
        assert.ok(e instanceof TrackingError, String(e));
        assert.equal(e.code, 'ARTIFACT_CORRUPT');
        assert.ok(e.message.includes(sha256), e.message);
        assert.equal(e.context.actual, sha256Of('tampered content'));
        return true;
      });
    });
  });
}
