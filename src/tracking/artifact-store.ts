/**
 * @module tracking/artifact-store
 * The contract every artifact store fills: content-addressed blobs named by their sha256, so a file
 * logged by many runs (or registered as many model versions) is stored once. Implementations:
 * the local filesystem ({@link FilesystemArtifactStore}) and an S3-compatible bucket
 * ({@link S3ArtifactStore}), both with keys `sha256/<ab>/<hash>`; `artifactStoreFromEnv()` picks one
 * from SHELFCAST_ARTIFACTS. `testing/artifact-store-contract.ts` is the suite every store passes.
 */

/** Where a stored blob is and what it is. */
export interface StoredArtifact {
  sha256: string;
  sizeBytes: number;
  /** A location a user can read (file path or object URL). */
  uri: string;
  /** False when the content was already present and nothing was written. */
  created: boolean;
}

export interface ArtifactStore {
  /** A short name of the kind of store, e.g. `filesystem`. */
  readonly kind: string;
  /** Stores bytes; resolves once they are durable under their hash. */
  put(data: Uint8Array | string): Promise<StoredArtifact>;
  /** Stores a file by streaming it (large files never sit in memory whole). */
  putFile(path: string): Promise<StoredArtifact>;
  /** Reads a blob back whole, checking it still hashes to its name. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
  uri(sha256: string): string;
}

/** True for a lowercase hex sha256 digest. */
export function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
