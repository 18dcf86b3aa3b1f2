/**
 * @module tracking/s3-signing
 * AWS Signature Version 4 for requests to S3 and S3-compatible servers (MinIO, Ceph, s3rver), signed
 * in the `Authorization` header: canonical request, string to sign, signing key, signature. Written
 * against the S3 API reference ("Signature Calculations for the Authorization Header") and checked
 * against its published examples in `s3-signing.test.ts`.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present with temporary credentials (STS); sent and signed as `x-amz-security-token`. */
  sessionToken?: string;
}

/** The payload hash of a request without a body: sha256 of the empty string. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Payload hash value telling S3 the body is not covered by the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface SigningRequest {
  method: string;
  /** The Host header the request is sent with (`host` or `host:port`). */
  host: string;
  /** The request path as sent, already URI-encoded (see {@link encodeS3Path}). */
  path: string;
  /** Query parameters, not encoded; they are encoded and sorted for signing. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Further headers to sign and send, e.g. `x-amz-content-sha256`, `range`, `content-length`. */
  headers?: Readonly<Record<string, string>>;
  /** Hex sha256 of the body, or {@link UNSIGNED_PAYLOAD}. */
  payloadHash: string;
  region: string;
  /** `s3` for S3. */
  service: string;
  credentials: AwsCredentials;
  date: Date;
}

export interface SignedRequest {
  /** Headers to send (all but Host, which the HTTP client sets from the URL). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

/**
 * Signs a request. The returned headers carry `authorization`, `x-amz-date` (and
 * `x-amz-security-token` with temporary credentials) besides the headers passed in.
 *
 * @example
 * const signed = signRequest({
 *   method: 'GET', host: 'minio.internal:9000', path: '/artifacts/sha256/ab/ab12…',
 *   headers: { 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 }, payloadHash: EMPTY_PAYLOAD_SHA256,
 *   region: 'us-east-1', service: 's3', credentials, date: new Date(),
 * });
 * await fetch(`http://minio.internal:9000${path}`, { headers: signed.headers });
 */
export function signRequest(request: SigningRequest): SignedRequest {
  const amzDate = formatAmzDate(request.date);
  const dateStamp = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['x-amz-date'] = amzDate;
  if (request.credentials.sessionToken) headers['x-amz-security-token'] = request.credentials.sessionToken;

  const toSign: Record<string, string> = { ...headers, host: request.host };
  const names = Object.keys(toSign).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    request.method.toUpperCase(),
    request.path || '/',
    canonicalQueryString(request.query ?? []),
    ...names.map((name) => `${name}:${canonicalHeaderValue(toSign[name] ?? '')}`),
    '',
    signedHeaders,
    request.payloadHash,
  ].join('\n');

  const scope = `${dateStamp}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(request.credentials.secretAccessKey, dateStamp, request.region, request.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope},` +
    `SignedHeaders=${signedHeaders},Signature=${signature}`;
  return {
    headers: { ...headers, authorization },
    canonicalRequest: canonical,
    stringToSign,
    signature,
    authorization,
  };
}

/** HMAC chain AWS4+secret → date → region → service → "aws4_request". */
export function signingKey(
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, dateStamp);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** `20130524T000000Z`: the ISO 8601 basic format SigV4 wants, in UTC. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * URI-encodes an object key for the request path: every byte but the unreserved characters
 * (A-Z a-z 0-9 - . _ ~) is percent-encoded, and `/` separators are kept. S3 signs the path encoded
 * once, so the same string goes into the URL and the canonical request.
 */
export function encodeS3Path(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}

/** RFC 3986 encoding as SigV4 defines it (encodeURIComponent leaves !'()* alone; SigV4 does not). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function canonicalQueryString(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Trimmed, with runs of spaces inside the value folded to one. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/ +/g, ' ');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
