import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EMPTY_PAYLOAD_SHA256,
  encodeS3Path,
  formatAmzDate,
  signingKey,
  signRequest,
  UNSIGNED_PAYLOAD,
} from './s3-signing.js';

// The example credentials of the S3 API reference, "Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk", section "Example: GET Object".
const s3Example = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('AWS Signature Version 4', () => {
  it("reproduces the S3 API reference's GET Object example step by step", () => {
    const signed = signRequest({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
      payloadHash: EMPTY_PAYLOAD_SHA256,
      region: 'us-east-1',
      service: 's3',
      credentials: s3Example,
      date: new Date('2013-05-24T00:00:00Z'),
    });
    assert.equal(
      signed.canonicalRequest,
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        'x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    assert.equal(
      signed.stringToSign,
      [
        'AWS4-HMAC-SHA256',
        '20130524T000000Z',
        '20130524/us-east-1/s3/aws4_request',
        '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
      ].join('\n'),
    );
    assert.equal(signed.signature, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    assert.equal(
      signed.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    assert.equal(signed.headers['x-amz-date'], '20130524T000000Z');
    assert.equal(signed.headers.range, 'bytes=0-9');
    assert.equal(signed.headers.authorization, signed.authorization);
    assert.equal(signed.headers.host, undefined, 'Host is left to the HTTP client');
  });

  it("reproduces the SigV4 test suite's get-vanilla-query-order-key-case (query sorted and encoded)", () => {
    const signed = signRequest({
      method: 'GET',
      host: 'example.amazonaws.com',
      path: '/',
      query: [
        ['Param2', 'value2'],
        ['Param1', 'value1'],
      ],
      payloadHash: EMPTY_PAYLOAD_SHA256,
      region: 'us-east-1',
      service: 'service',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      date: new Date('2015-08-30T12:36:00Z'),
    });
    assert.equal(
      signed.canonicalRequest,
      [
        'GET',
        '/',
        'Param1=value1&Param2=value2',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        EMPTY_PAYLOAD_SHA256,
      ].join('\n'),
    );
    assert.equal(
      signed.stringToSign,
      [
        'AWS4-HMAC-SHA256',
        '20150830T123600Z',
        '20150830/us-east-1/service/aws4_request',
        '816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0',
      ].join('\n'),
    );
    assert.equal(signed.signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('signs the session token of temporary credentials and folds header whitespace', () => {
    const base = {
      method: 'PUT',
      host: '127.0.0.1:9000',
      path: '/bucket/key',
      headers: { 'x-amz-meta-note': '  two   words ' },
      payloadHash: UNSIGNED_PAYLOAD,
      region: 'eu-west-1',
      service: 's3',
      date: new Date('2024-02-29T23:59:59.999Z'),
    };
    const plain = signRequest({ ...base, credentials: s3Example });
    const temporary = signRequest({
      ...base,
      credentials: { ...s3Example, sessionToken: 'token/with+chars' },
    });
    assert.match(plain.canonicalRequest, /\nx-amz-meta-note:two words\n/);
    assert.ok(plain.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD'));
    assert.equal(temporary.headers['x-amz-security-token'], 'token/with+chars');
    assert.match(
      temporary.authorization,
      /SignedHeaders=host;x-amz-date;x-amz-meta-note;x-amz-security-token,/,
    );
    assert.notEqual(plain.signature, temporary.signature);
    assert.equal(formatAmzDate(base.date), '20240229T235959Z');
  });

  it('derives the signing key as the HMAC chain over date, region, service', () => {
    // A different date, region or service gives a different key; the same inputs the same key.
    const key = signingKey(s3Example.secretAccessKey, '20130524', 'us-east-1', 's3');
    assert.equal(key.length, 32);
    assert.ok(key.equals(signingKey(s3Example.secretAccessKey, '20130524', 'us-east-1', 's3')));
    assert.ok(!key.equals(signingKey(s3Example.secretAccessKey, '20130525', 'us-east-1', 's3')));
    assert.ok(!key.equals(signingKey(s3Example.secretAccessKey, '20130524', 'eu-west-1', 's3')));
  });

  it('encodes object keys once, keeping slashes', () => {
    assert.equal(encodeS3Path('/sha256/ab/abc'), '/sha256/ab/abc');
    assert.equal(encodeS3Path('/b/a b/ü(1)*!~._-'), '/b/a%20b/%C3%BC%281%29%2A%21~._-');
    assert.equal(encodeS3Path('/b/test$file.text'), '/b/test%24file.text');
  });
});
