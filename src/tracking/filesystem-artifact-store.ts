/**
 * @module tracking/filesystem-artifact-store
 * Artifacts as files under a folder (by default `$SHELFCAST_HOME/artifacts`), named by content:
 * `sha256/<first two hex digits>/<hash>`. Writes go to a temporary file and are renamed into place,
 * so a reader never sees half a file and two writers of the same content both succeed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type ArtifactStore, isSha256, type StoredArtifact } from './artifact-store.js';
import { TrackingError } from './tracking-error.js';

export class FilesystemArtifactStore implements ArtifactStore {
  readonly kind = 'filesystem';
  readonly root: string;

  /**
   * @example
   * const store = new FilesystemArtifactStore(join(home, 'artifacts'));
   * const { sha256 } = await store.put('{"weights":[1,2]}');
   */
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The store under SHELFCAST_HOME (default ./.shelfcast), like the embedded database. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): FilesystemArtifactStore {
    return new FilesystemArtifactStore(join(resolve(env.SHELFCAST_HOME || '.shelfcast'), 'artifacts'));
  }

  uri(sha256: string): string {
    return this.#path(sha256);
  }

  async has(sha256: string): Promise<boolean> {
    // Anything but a hash names no artifact; checked first so `../` cannot probe outside the store.
    if (!isSha256(sha256)) return false;
    try {
      await access(this.#path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async put(data: Uint8Array | string): Promise<StoredArtifact> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.#path(sha256);
    if (await this.has(sha256)) return { sha256, sizeBytes: bytes.byteLength, uri: target, created: false };
    const tmp = await this.#tempPath();
    await writeFile(tmp, bytes);
    return this.#settle(tmp, sha256, bytes.byteLength);
  }

  async putFile(path: string): Promise<StoredArtifact> {
    const tmp = await this.#tempPath();
    const hash = createHash('sha256');
    let size = 0;
    // One pass: hash while copying, so the file is read once however large it is.
    await pipeline(
      createReadStream(path),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.byteLength;
          yield chunk;
        }
      },
      createWriteStream(tmp),
    );
    return this.#settle(tmp, hash.digest('hex'), size);
  }

  async get(sha256: string): Promise<Uint8Array> {
    if (!isSha256(sha256)) throw notFound(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path(sha256));
    } catch {
      throw notFound(sha256);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new TrackingError(
        'ARTIFACT_CORRUPT',
        `artifact ${sha256} in ${this.root} has changed on disk (its content hashes to ${actual}); restore it from a backup or log it again`,
        { sha256, actual },
      );
    }
    return bytes;
  }

  async #settle(tmp: string, sha256: string, sizeBytes: number): Promise<StoredArtifact> {
    const target = this.#path(sha256);
    if (await this.has(sha256)) {
      await rm(tmp, { force: true });
      return { sha256, sizeBytes, uri: target, created: false };
    }
    await mkdir(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
    await rename(tmp, target);
    return { sha256, sizeBytes: (await stat(target)).size, uri: target, created: true };
  }

  async #tempPath(): Promise<string> {
    const dir = join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  #path(sha256: string): string {
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }
}

function notFound(sha256: string): TrackingError {
  return new TrackingError(
    'ARTIFACT_NOT_FOUND',
    `artifact ${sha256} is not in the artifact store; check SHELFCAST_HOME points at the store the run used`,
    { sha256 },
  );
}
