/**
 * @module tracking/testing/s3-test-server
 * A real S3-compatible server for tests: s3rver (objects as files in a temporary folder) in this
 * process on a random loopback port, with its buckets made before the first request.
 *
 * s3rver 3 checks the access key of a SigV4 request but not its signature, so the server here
 * checks the signature first, as S3 does: it rebuilds the canonical request from the request as it
 * arrived (method, raw path and query, the signed headers' values received, the payload hash
 * header) with the secret of the access key, and answers a mismatch with S3's 403
 * SignatureDoesNotMatch. What this proves is that a client signs exactly what it sends; the
 * signing arithmetic itself is pinned by AWS's published examples in `s3-signing.test.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../io/testing/temp-dir.js';
import { type AwsCredentials, signRequest, UNSIGNED_PAYLOAD } from '../s3-signing.js';

/** s3rver's built-in account. */
export const S3RVER_CREDENTIALS: AwsCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Where s3rver keeps bucket contents. */
  directory: string;
  credentials: AwsCredentials;
  /** Requests received so far, in order (method and path), including refused ones. */
  requests: Array<{ method: string; path: string; status?: number }>;
  /** Answers the next `count` requests with 503 SlowDown, before s3rver sees them. */
  failNext(count: number): void;
  /** Called on each request before it is handled, e.g. to change a file between two requests. */
  onRequest?: (method: string, path: string) => void;
  /** The file s3rver stores an object's bytes in. */
  objectFile(bucket: string, key: string): string;
  close(): Promise<void>;
}

interface S3rverInstance {
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  logger?: { close(): void };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * @example
 * const s3 = await startS3TestServer({ buckets: ['artifacts'] });
 * t.after(() => s3.close());
 * const store = new S3ArtifactStore({ bucket: 'artifacts', endpoint: s3.endpoint, credentials: s3.credentials });
 */
export async function startS3TestServer(options: { buckets: string[] }): Promise<S3TestServer> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const directory = tempDir('s3rver');
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const secrets = new Map([[S3RVER_CREDENTIALS.accessKeyId, S3RVER_CREDENTIALS.secretAccessKey]]);
  const requests: S3TestServer['requests'] = [];
  let failures = 0;

  const server = createServer((req, res) => {
    const entry: S3TestServer['requests'][number] = { method: req.method ?? '', path: req.url ?? '' };
    requests.push(entry);
    testServer.onRequest?.(entry.method, entry.path);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    if (failures > 0) {
      failures--;
      return refuse(req, res, 503, 'SlowDown', 'Please reduce your request rate.');
    }
    const mismatch = signatureMismatch(req, secrets);
    if (mismatch) return refuse(req, res, 403, 'SignatureDoesNotMatch', mismatch);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const testServer: S3TestServer = {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    credentials: S3RVER_CREDENTIALS,
    requests,
    failNext(count) {
      failures = count;
    },
    objectFile(bucket, key) {
      return `${join(directory, bucket, ...key.split('/'))}._S3rver_object`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3rver.logger?.close();
    },
  };
  return testServer;
}

/** Why the request's SigV4 signature is wrong, or undefined when it is right (or not SigV4). */
function signatureMismatch(req: IncomingMessage, secrets: Map<string, string>): string | undefined {
  const authorization = req.headers.authorization;
  if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const fields = new Map(
    authorization
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((part) => {
        const [name, ...value] = part.trim().split('=');
        return [name ?? '', value.join('=')] as const;
      }),
  );
  const [accessKeyId, , region, service] = (fields.get('Credential') ?? '').split('/');
  const secret = secrets.get(accessKeyId ?? '');
  // An unknown key is s3rver's to refuse (InvalidAccessKeyId), as S3 does before any signature check.
  if (!secret || !region || !service) return undefined;
  const signedNames = (fields.get('SignedHeaders') ?? '').split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    if (name === 'host' || name === 'x-amz-date' || name === 'x-amz-security-token') continue;
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} was not sent`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (Number.isNaN(date.getTime())) return 'x-amz-date is missing or malformed';
  const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
  const token = req.headers['x-amz-security-token'];
  const expected = signRequest({
    method: req.method ?? 'GET',
    host: req.headers.host ?? '',
    path,
    query: [...new URLSearchParams(rawQuery)],
    headers,
    payloadHash: String(req.headers['x-amz-content-sha256'] ?? ''),
    region,
    service,
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey: secret,
      ...(signedNames.includes('x-amz-security-token') && typeof token === 'string'
        ? { sessionToken: token }
        : {}),
    },
    date,
  });
  const normalise = (value: string) => value.replace(/,\s+/g, ',');
  if (normalise(expected.authorization) !== normalise(authorization)) {
    return 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
  }
  return undefined;
}

/** Drains the request, then answers with an S3 XML error. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': `test-${Date.now()}` });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
  });
}

/**
 * Writes an object with a raw signed PUT, bypassing any artifact store: how a test replaces an
 * artifact's bytes behind the store's back, as a stray tool or a person with bucket access might.
 */
export async function putRawObject(
  server: S3TestServer,
  bucket: string,
  key: string,
  bytes: Uint8Array,
  credentials: AwsCredentials = server.credentials,
): Promise<Response> {
  const url = new URL(`${server.endpoint}/${bucket}/${key}`);
  const signed = signRequest({
    method: 'PUT',
    host: url.host,
    path: url.pathname,
    headers: { 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
    payloadHash: UNSIGNED_PAYLOAD,
    region: 'us-east-1',
    service: 's3',
    credentials,
    date: new Date(),
  });
  const response = await fetch(url, { method: 'PUT', headers: signed.headers, body: bytes });
  await response.arrayBuffer();
  return response;
}
