/**
 * @module tracking/s3-artifact-store
 * Artifacts as objects in an S3 bucket or an S3-compatible server (MinIO, Ceph RGW, s3rver), under
 * the same content-addressed keys as the filesystem store: `<prefix>sha256/<ab>/<hash>`. Plain HTTP
 * with Node's fetch and {@link signRequest} (SigV4); no SDK. Uploads send the content's sha256 as the
 * signed payload hash, so S3 itself refuses a body that does not match the name it is stored under.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ArtifactStore, isSha256, type StoredArtifact } from './artifact-store.js';
import { type AwsCredentials, EMPTY_PAYLOAD_SHA256, encodeS3Path, signRequest } from './s3-signing.js';
import { TrackingError } from './tracking-error.js';

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `shelfcast/prod`; a trailing `/` is added. */
  prefix?: string;
  /** e.g. `http://minio.internal:9000`; AWS's regional endpoint when absent. */
  endpoint?: string;
  /** Default `us-east-1` (what MinIO and most S3-compatible servers expect). */
  region?: string;
  credentials: AwsCredentials;
  /**
   * `path` (`endpoint/bucket/key`, what S3-compatible servers serve) is the default with an
   * endpoint; `virtual-hosted` (`bucket.endpoint/key`) is the default on AWS.
   */
  addressing?: 'path' | 'virtual-hosted';
  /** Attempts per request on server errors (5xx) and network failures; default 3. */
  attempts?: number;
  /** First backoff delay; doubled on each further attempt. Default 200 ms. */
  retryDelayMs?: number;
}

interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT';
  key: string;
  headers?: Record<string, string>;
  payloadHash?: string;
  /** Called once per attempt, so a streamed body can be read again on a retry. */
  body?: () => RequestInit['body'];
}

interface S3Problem {
  status: number;
  code?: string;
  message?: string;
  requestId?: string;
  endpoint?: string;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3';
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly endpoint: URL;
  readonly addressing: 'path' | 'virtual-hosted';
  readonly #credentials: AwsCredentials;
  readonly #attempts: number;
  readonly #retryDelayMs: number;

  /**
   * @example
   * const store = new S3ArtifactStore({
   *   bucket: 'forecasting', prefix: 'shelfcast', endpoint: 'http://minio.internal:9000',
   *   credentials: { accessKeyId: 'shelfcast', secretAccessKey: process.env.MINIO_SECRET! },
   * });
   * const { sha256, uri } = await store.putFile('bundle.json'); // uri: s3://forecasting/shelfcast/sha256/…
   */
  constructor(options: S3ArtifactStoreOptions) {
    if (!options.bucket) {
      throw new TrackingError('ARTIFACT_STORE_CONFIG', 'the S3 artifact store needs a bucket name');
    }
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+/, '');
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.region = options.region || 'us-east-1';
    this.endpoint = new URL(options.endpoint || `https://s3.${this.region}.amazonaws.com`);
    this.addressing = options.addressing ?? (options.endpoint ? 'path' : 'virtual-hosted');
    this.#credentials = options.credentials;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  /** `s3://bucket/prefix/`: where this store keeps its objects. */
  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** The object key of a blob: `<prefix>sha256/<first two hex digits>/<hash>`. */
  key(sha256: string): string {
    return `${this.prefix}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  uri(sha256: string): string {
    return `s3://${this.bucket}/${this.key(sha256)}`;
  }

  /** The URL a request for `key` goes to, by the store's addressing style. */
  objectUrl(key: string): URL {
    const base = this.endpoint.pathname.replace(/\/+$/, '');
    if (this.addressing === 'virtual-hosted') {
      return new URL(
        `${this.endpoint.protocol}//${this.bucket}.${this.endpoint.host}${base}${encodeS3Path(`/${key}`)}`,
      );
    }
    return new URL(
      `${this.endpoint.protocol}//${this.endpoint.host}${base}${encodeS3Path(`/${this.bucket}/${key}`)}`,
    );
  }

  async has(sha256: string): Promise<boolean> {
    if (!isSha256(sha256)) return false;
    return (await this.#storedSize(this.key(sha256))) !== undefined;
  }

  /** The size of the object under `key` (HEAD), or undefined when there is none. */
  async #storedSize(key: string): Promise<number | undefined> {
    const response = await this.#send({ method: 'HEAD', key });
    if (response.ok) return Number(response.headers.get('content-length') ?? Number.NaN);
    if (response.status === 404) return undefined;
    const problem = await readProblem(response);
    if (problem.code) throw this.#failure('HEAD', key, problem);
    // S3 answers HEAD without a body, so ask again with a one-byte GET to learn its error code.
    const detail = await this.#send({ method: 'GET', key, headers: { range: 'bytes=0-0' } });
    if (detail.ok) await detail.body?.cancel();
    throw this.#failure(
      'HEAD',
      key,
      detail.ok ? problem : { ...(await readProblem(detail)), status: response.status },
    );
  }

  async put(data: Uint8Array | string): Promise<StoredArtifact> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return this.#upload(sha256, bytes.byteLength, () => bytes);
  }

  async putFile(path: string): Promise<StoredArtifact> {
    // First pass: the hash names the object and is the signed payload hash of the upload.
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    const sha256 = hash.digest('hex');
    const changed: { error?: TrackingError } = {};
    return this.#upload(
      sha256,
      size,
      () =>
        Readable.toWeb(
          Readable.from(verifiedChunks(path, sha256, this.uri(sha256), changed)),
        ) as ReadableStream,
      changed,
    );
  }

  async get(sha256: string): Promise<Uint8Array> {
    if (!isSha256(sha256)) throw this.#notFound(sha256);
    const key = this.key(sha256);
    const response = await this.#send({ method: 'GET', key, headers: { 'accept-encoding': 'identity' } });
    if (!response.ok) {
      const problem = await readProblem(response);
      if (response.status === 404 && problem.code !== 'NoSuchBucket') throw this.#notFound(sha256);
      throw this.#failure('GET', key, problem);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new TrackingError(
        'ARTIFACT_CORRUPT',
        `artifact ${sha256} at ${this.uri(sha256)} has changed in the bucket (its content hashes to ${actual}); restore it from a backup or log it again`,
        { sha256, actual, bucket: this.bucket, key },
      );
    }
    return bytes;
  }

  async #upload(
    sha256: string,
    sizeBytes: number,
    body: () => RequestInit['body'],
    changed: { error?: TrackingError } = {},
  ): Promise<StoredArtifact> {
    const uri = this.uri(sha256);
    const key = this.key(sha256);
    // An object of another size under this name is a leftover of a broken upload (some servers keep
    // the part received); it is written over rather than trusted.
    if ((await this.#storedSize(key)) === sizeBytes) return { sha256, sizeBytes, uri, created: false };
    const response = await this.#send(
      {
        method: 'PUT',
        key,
        headers: { 'content-length': String(sizeBytes), 'content-type': 'application/octet-stream' },
        payloadHash: sha256,
        body,
      },
      changed,
    );
    if (!response.ok) throw this.#failure('PUT', key, await readProblem(response));
    await response.body?.cancel();
    return { sha256, sizeBytes, uri, created: true };
  }

  /**
   * Sends one signed request, retrying with exponential backoff on 5xx answers and network
   * failures. Returns the response for any other status; the caller reads its meaning.
   */
  async #send(request: S3Request, changed: { error?: TrackingError } = {}): Promise<Response> {
    const url = this.objectUrl(request.key);
    const payloadHash = request.payloadHash ?? EMPTY_PAYLOAD_SHA256;
    let lastProblem: S3Problem | undefined;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      if (attempt > 1) await sleep(this.#retryDelayMs * 2 ** (attempt - 2) * (0.75 + Math.random() / 2));
      const signed = signRequest({
        method: request.method,
        host: url.host,
        path: url.pathname,
        headers: { ...request.headers, 'x-amz-content-sha256': payloadHash },
        payloadHash,
        region: this.region,
        service: 's3',
        credentials: this.#credentials,
        date: new Date(),
      });
      const body = request.body?.();
      let response: Response;
      try {
        response = await fetch(url, {
          method: request.method,
          headers: signed.headers,
          // A redirect means another region or endpoint; following it would re-send a signature
          // made for this host, so it is reported instead.
          redirect: 'manual',
          ...(body === undefined ? {} : { body, duplex: 'half' }),
        } as RequestInit);
      } catch (error) {
        if (changed.error) throw changed.error;
        lastError = error;
        continue;
      }
      if (response.status < 500) return response;
      lastProblem = await readProblem(response);
      lastError = undefined;
    }
    if (lastProblem) throw this.#failure(request.method, request.key, lastProblem, this.#attempts);
    throw this.#unreachable(request.method, request.key, lastError);
  }

  #failure(method: string, key: string, problem: S3Problem, attempts?: number): TrackingError {
    const code = problem.code ?? statusText(problem.status);
    const detail = problem.message ? ` (${problem.message})` : '';
    const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
    return new TrackingError(
      'ARTIFACT_STORE_FAILED',
      `S3 ${method} of key ${key} in bucket ${this.bucket} at ${this.endpoint.origin} failed${tries}: ` +
        `HTTP ${problem.status} ${code}${detail}; ${this.#advice(problem)}`,
      {
        bucket: this.bucket,
        key,
        status: problem.status,
        s3Code: problem.code,
        requestId: problem.requestId,
        endpoint: this.endpoint.origin,
        retryable: problem.status >= 500 || problem.code === 'RequestTimeTooSkewed',
      },
    );
  }

  #advice(problem: S3Problem): string {
    switch (problem.code) {
      case 'SignatureDoesNotMatch':
        return 'check that AWS_SECRET_ACCESS_KEY is the secret of AWS_ACCESS_KEY_ID and that AWS_REGION is the region the endpoint expects';
      case 'InvalidAccessKeyId':
        return 'check AWS_ACCESS_KEY_ID: the server does not know it';
      case 'AccessDenied':
        return `check that the credentials may read and write s3://${this.bucket}/${this.prefix}`;
      case 'NoSuchBucket':
        return `create bucket ${this.bucket}, or correct the bucket in SHELFCAST_ARTIFACTS or the endpoint in AWS_ENDPOINT_URL`;
      case 'AuthorizationHeaderMalformed':
        return 'check AWS_REGION: it must be the region of the bucket';
      case 'RequestTimeTooSkewed':
        return "check this machine's clock: it differs from the server's by more than 15 minutes";
      case 'PermanentRedirect':
      case 'TemporaryRedirect':
        return `the bucket is served elsewhere${problem.endpoint ? ` (${problem.endpoint})` : ''}; check AWS_REGION and AWS_ENDPOINT_URL`;
      case 'ExpiredToken':
      case 'InvalidToken':
        return 'check AWS_SESSION_TOKEN: temporary credentials expire; fetch new ones';
    }
    if (problem.status >= 500)
      return 'the server failed; retry later, and check its health if it keeps failing';
    if (problem.status === 403) return 'check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)';
    return 'check the credentials, the bucket in SHELFCAST_ARTIFACTS and the endpoint in AWS_ENDPOINT_URL';
  }

  #unreachable(method: string, key: string, error: unknown): TrackingError {
    const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return new TrackingError(
      'ARTIFACT_STORE_FAILED',
      `S3 ${method} of key ${key} in bucket ${this.bucket} could not reach ${this.endpoint.origin} ` +
        `after ${this.#attempts} attempts (${reason}); check AWS_ENDPOINT_URL and that the server is running`,
      { bucket: this.bucket, key, endpoint: this.endpoint.origin, reason, retryable: true },
    );
  }

  #notFound(sha256: string): TrackingError {
    return new TrackingError(
      'ARTIFACT_NOT_FOUND',
      `artifact ${sha256} is not in ${this.location}; check SHELFCAST_ARTIFACTS points at the store the run used`,
      { sha256, bucket: this.bucket, key: this.key(sha256) },
    );
  }
}

/**
 * The file's bytes for the upload, hashed again on the way. The last chunk is held back until the
 * whole file is hashed: a file changed since the first pass fails the upload before it completes,
 * so no object is stored under a name its content does not have.
 */
async function* verifiedChunks(
  path: string,
  sha256: string,
  uri: string,
  changed: { error?: TrackingError },
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (held) yield held;
    held = chunk;
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) {
    changed.error = new TrackingError(
      'ARTIFACT_CORRUPT',
      `${path} changed while it was uploaded to ${uri} (it now hashes to ${actual}); log it again once it is written`,
      { path, sha256, actual },
    );
    throw changed.error;
  }
  if (held) yield held;
}

/** Status, Code, Message and RequestId of an S3 error response (an XML `<Error>` document). */
async function readProblem(response: Response): Promise<S3Problem> {
  const text = response.status === 204 ? '' : await response.text().catch(() => '');
  return {
    status: response.status,
    // Some servers (MinIO, s3rver) also name the code in a header, which HEAD answers keep.
    ...optional('code', xmlElement(text, 'Code') ?? response.headers.get('x-amz-error-code') ?? undefined),
    ...optional(
      'message',
      xmlElement(text, 'Message') ?? response.headers.get('x-amz-error-message') ?? undefined,
    ),
    ...optional(
      'requestId',
      xmlElement(text, 'RequestId') ?? response.headers.get('x-amz-request-id') ?? undefined,
    ),
    ...optional('endpoint', xmlElement(text, 'Endpoint')),
  };
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) return undefined;
  return match[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(x?)([0-9a-f]+);/gi, (_, hex: string, digits: string) =>
      String.fromCodePoint(Number.parseInt(digits, hex ? 16 : 10)),
    )
    .replace(/&amp;/g, '&');
}

function optional<K extends string>(name: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: string };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    301: 'Moved Permanently',
    307: 'Temporary Redirect',
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'error';
}
