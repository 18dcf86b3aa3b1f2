/**
 * @module tracking/artifact-store-from-env
 * Picks the artifact store from the environment: an S3-compatible bucket when SHELFCAST_ARTIFACTS is
 * an `s3://bucket/prefix` URL, otherwise the filesystem store under SHELFCAST_HOME. Callers that
 * need "the" artifact store call {@link artifactStoreFromEnv} and stay unaware of which it is.
 */
import type { ArtifactStore } from './artifact-store.js';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store.js';
import { TrackingError } from './tracking-error.js';

/**
 * The configured artifact store.
 *
 * - `SHELFCAST_ARTIFACTS=s3://bucket/prefix`: objects under `prefix/sha256/…` in `bucket`, with
 *   `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (required), `AWS_SESSION_TOKEN` (optional),
 *   `AWS_REGION` (default us-east-1), the endpoint from `SHELFCAST_S3_ENDPOINT` or
 *   `AWS_ENDPOINT_URL` (AWS itself when neither is set) and `SHELFCAST_S3_ADDRESSING`
 *   (`path` or `virtual-hosted`).
 * - unset: files under `$SHELFCAST_HOME/artifacts`.
 *
 * @example
 * const store = artifactStoreFromEnv();
 * const { sha256 } = await store.putFile('model-bundle.json');
 */
export function artifactStoreFromEnv(env: NodeJS.ProcessEnv = process.env): ArtifactStore {
  const configured = env.SHELFCAST_ARTIFACTS?.trim();
  if (!configured) return FilesystemArtifactStore.fromEnv(env);
  return new S3ArtifactStore(s3OptionsFromEnv(configured, env));
}

/** The S3 store options that {@link artifactStoreFromEnv} reads, for `s3://bucket/prefix`. */
export function s3OptionsFromEnv(
  artifactsUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): S3ArtifactStoreOptions {
  const { bucket, prefix } = parseArtifactsUrl(artifactsUrl);
  const missing = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new TrackingError(
      'ARTIFACT_STORE_CONFIG',
      `SHELFCAST_ARTIFACTS=${artifactsUrl} stores artifacts in S3, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set; ` +
        'set the access key of an account that may read and write the bucket, or unset SHELFCAST_ARTIFACTS to use the filesystem store',
      { missing },
    );
  }
  const endpoint = env.SHELFCAST_S3_ENDPOINT || env.AWS_ENDPOINT_URL;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) {
    const name = env.SHELFCAST_S3_ENDPOINT ? 'SHELFCAST_S3_ENDPOINT' : 'AWS_ENDPOINT_URL';
    throw new TrackingError(
      'ARTIFACT_STORE_CONFIG',
      `${name}=${endpoint} is not an http:// or https:// URL; set it to the S3 server, e.g. http://minio.internal:9000`,
      { variable: name, value: endpoint },
    );
  }
  const addressing = env.SHELFCAST_S3_ADDRESSING;
  if (
    addressing !== undefined &&
    addressing !== '' &&
    addressing !== 'path' &&
    addressing !== 'virtual-hosted'
  ) {
    throw new TrackingError(
      'ARTIFACT_STORE_CONFIG',
      `SHELFCAST_S3_ADDRESSING=${addressing} is not known; use path (bucket in the URL path) or virtual-hosted (bucket in the host name)`,
      { variable: 'SHELFCAST_S3_ADDRESSING', value: addressing },
    );
  }
  return {
    bucket,
    prefix,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
    ...(endpoint ? { endpoint } : {}),
    ...(addressing === 'path' || addressing === 'virtual-hosted' ? { addressing } : {}),
  };
}

/** `s3://bucket/some/prefix` → bucket and prefix (`some/prefix/`, or `` for the bucket's root). */
export function parseArtifactsUrl(value: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/*(.*)$/.exec(value.trim());
  if (!match) {
    throw new TrackingError(
      'ARTIFACT_STORE_CONFIG',
      `SHELFCAST_ARTIFACTS=${value} is not an s3://bucket/prefix URL; set it to one, or unset it to keep artifacts under SHELFCAST_HOME`,
      { variable: 'SHELFCAST_ARTIFACTS', value },
    );
  }
  const prefix = match[2]!.replace(/\/+$/, '');
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : '' };
}
