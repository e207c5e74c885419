import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { presignSigV4, signSigV4, type SigV4Input } from './sigv4.ts';

interface Vector {
  name: string;
  inputs: {
    method: string;
    host: string;
    path: string;
    query?: [string, string][];
    headers?: Record<string, string>;
    body?: string;
    accessKeyId: string;
    secret: string;
    sessionToken?: string;
    region: string;
    service: string;
    amzDate: string;
    s3?: boolean;
    signPayloadHeader?: boolean;
    expires?: number;
  };
  expected: {
    payloadHash?: string;
    canonicalRequest: string;
    stringToSign: string;
    signingKeyHex?: string;
    signature: string;
    authorization?: string;
    url?: string;
  };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/aws-sigv4.json', import.meta.url), 'utf8')) as { cases: Vector[] };

/** "20150830T123600Z" -> epoch ms. */
function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  assert.ok(m);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function headerInput(v: Vector): SigV4Input {
  const i = v.inputs;
  return {
    credentials: { accessKeyId: i.accessKeyId, secretAccessKey: i.secret, sessionToken: i.sessionToken },
    region: i.region,
    service: i.service,
    s3: i.s3 ?? false,
    method: i.method,
    host: i.host,
    path: i.path,
    query: i.query ?? [],
    headers: i.headers ?? {},
    body: i.body ?? '',
    signPayloadHeader: i.signPayloadHeader,
    timeMs: amzDateToMs(i.amzDate),
  };
}

test('the vectors file has the seventeen SigV4 cases', () => {
  assert.equal(vectors.cases.length, 17);
});

for (const v of vectors.cases.filter((c) => c.inputs.expires === undefined)) {
  test(`SigV4 header vector: ${v.name}`, () => {
    const r = signSigV4(headerInput(v));
    assert.equal(r.amzDate, v.inputs.amzDate);
    if (v.expected.payloadHash !== undefined) assert.equal(r.payloadHash, v.expected.payloadHash);
    assert.equal(r.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(r.stringToSign, v.expected.stringToSign);
    assert.equal(r.signingKeyHex, v.expected.signingKeyHex);
    assert.equal(r.signature, v.expected.signature);
    assert.equal(r.authorization, v.expected.authorization);
    assert.equal(r.headers['authorization'], v.expected.authorization);
    assert.equal(r.headers['x-amz-date'], v.inputs.amzDate);
    assert.equal(r.headers['host'], v.inputs.host);
    if (v.inputs.sessionToken !== undefined) assert.equal(r.headers['x-amz-security-token'], v.inputs.sessionToken);
  });
}

for (const v of vectors.cases.filter((c) => c.inputs.expires !== undefined)) {
  test(`SigV4 presign vector: ${v.name}`, () => {
    const i = v.inputs;
    const r = presignSigV4({
      credentials: { accessKeyId: i.accessKeyId, secretAccessKey: i.secret },
      region: i.region,
      service: i.service,
      s3: true,
      method: i.method,
      host: i.host,
      path: i.path,
      timeMs: amzDateToMs(i.amzDate),
      expiresSeconds: i.expires as number,
    });
    assert.equal(r.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(r.stringToSign, v.expected.stringToSign);
    assert.equal(r.signature, v.expected.signature);
    assert.equal(r.url, v.expected.url);
    assert.deepEqual(r.headers, { host: i.host });
  });
}

function vectorNamed(prefix: string): Vector {
  const v = vectors.cases.find((c) => c.name.startsWith(prefix));
  assert.ok(v);
  return v;
}

test('negative: one changed byte in the secret or in a signed part changes the signature', () => {
  const base = headerInput(vectorNamed('route53-ChangeResourceRecordSets'));
  const good = signSigV4(base).signature;
  const secret = base.credentials.secretAccessKey;
  const flipped = `${secret.slice(0, -1)}${secret.endsWith('Y') ? 'Z' : 'Y'}`;
  assert.notEqual(signSigV4({ ...base, credentials: { ...base.credentials, secretAccessKey: flipped } }).signature, good);
  assert.notEqual(signSigV4({ ...base, body: `${String(base.body)} ` }).signature, good);
  assert.notEqual(signSigV4({ ...base, path: base.path.replace('Z1D', 'Z2D') }).signature, good);
  assert.notEqual(signSigV4({ ...base, timeMs: base.timeMs + 1000 }).signature, good);
  assert.notEqual(signSigV4({ ...base, region: 'us-east-2' }).signature, good);
  // Milliseconds are truncated: the same second signs identically.
  assert.equal(signSigV4({ ...base, timeMs: base.timeMs + 999 }).signature, good);

  const p = vectorNamed('s3-doc-presigned-GET');
  const pi = {
    credentials: { accessKeyId: p.inputs.accessKeyId, secretAccessKey: p.inputs.secret },
    region: p.inputs.region,
    service: p.inputs.service,
    s3: true,
    method: 'GET',
    host: p.inputs.host,
    path: p.inputs.path,
    timeMs: amzDateToMs(p.inputs.amzDate),
    expiresSeconds: 86400,
  };
  assert.equal(presignSigV4(pi).signature, p.expected.signature);
  assert.notEqual(presignSigV4({ ...pi, expiresSeconds: 86401 }).signature, p.expected.signature);
  assert.notEqual(presignSigV4({ ...pi, credentials: { ...pi.credentials, secretAccessKey: `${p.inputs.secret}x` } }).signature, p.expected.signature);
});

test('the scope date is the UTC date of the signing instant, across midnight', () => {
  const base = headerInput(vectorNamed('route53-ListResourceRecordSets'));
  const before = signSigV4({ ...base, timeMs: Date.UTC(2024, 4, 1, 23, 59, 59, 999) });
  const after = signSigV4({ ...base, timeMs: Date.UTC(2024, 4, 2, 0, 0, 0, 0) });
  assert.equal(before.amzDate, '20240501T235959Z');
  assert.equal(before.credentialScope, '20240501/us-east-1/route53/aws4_request');
  assert.equal(after.amzDate, '20240502T000000Z');
  assert.equal(after.credentialScope, '20240502/us-east-1/route53/aws4_request');
});

test('non-S3 paths are normalised and encoded once more (double encoding); S3 keys are encoded exactly once', () => {
  const base = headerInput(vectorNamed('route53-ListResourceRecordSets'));
  // AWS docs: "/documents and settings/" is sent as %20 and signed as %2520 outside S3.
  const r53 = signSigV4({ ...base, path: '/documents%20and%20settings/./x/../' });
  assert.equal(r53.canonicalUri, '/documents%2520and%2520settings/');
  assert.equal(r53.path, '/documents%20and%20settings/./x/../');
  assert.equal(signSigV4({ ...base, path: '//a//b' }).canonicalUri, '/a/b');

  const s3 = signSigV4({ ...base, s3: true, signPayloadHeader: undefined, path: '/a b//./$c(é)' });
  assert.equal(s3.canonicalUri, '/a%20b//./%24c%28%C3%A9%29');
  assert.equal(s3.path, s3.canonicalUri);
  assert.match(s3.canonicalRequest, /\nx-amz-content-sha256:e3b0c442[0-9a-f]{56}\n/);
});

test('query names and values are encoded, sorted by name then value; repeated headers are joined', () => {
  const base = headerInput(vectorNamed('route53-ListResourceRecordSets'));
  const r = signSigV4({
    ...base,
    query: [
      ['b', 'x y'],
      ['a', '2'],
      ['a', '1'],
      ['c/d', ''],
    ],
    headers: [
      ['X-Dup', ' one '],
      ['x-dup', 'two  three'],
    ],
  });
  assert.equal(r.canonicalQuery, 'a=1&a=2&b=x%20y&c%2Fd=');
  assert.equal(r.query, r.canonicalQuery);
  assert.ok(r.canonicalRequest.includes('\nx-dup:one,two three\n'));
  assert.equal(r.signedHeaders, 'host;x-amz-date;x-dup');
  assert.equal(r.headers['x-dup'], 'one,two  three');
});

test('a presigned URL with a session token signs X-Amz-Security-Token', () => {
  const p = vectorNamed('s3-doc-presigned-GET');
  const r = presignSigV4({
    credentials: { accessKeyId: p.inputs.accessKeyId, secretAccessKey: p.inputs.secret, sessionToken: 'tok/en+=' },
    region: p.inputs.region,
    service: 's3',
    s3: true,
    method: 'GET',
    host: p.inputs.host,
    path: p.inputs.path,
    timeMs: amzDateToMs(p.inputs.amzDate),
    expiresSeconds: 60,
  });
  assert.ok(r.canonicalQuery.includes('&X-Amz-Security-Token=tok%2Fen%2B%3D'));
  assert.ok(r.url.endsWith(`&X-Amz-Signature=${r.signature}`));
  assert.notEqual(r.signature, p.expected.signature);
});

test('misuse is refused with INTERNAL', () => {
  const base = headerInput(vectorNamed('route53-ListResourceRecordSets'));
  const bad: SigV4Input[] = [
    { ...base, timeMs: Number.NaN },
    { ...base, timeMs: -1 },
    { ...base, path: 'no-slash' },
    { ...base, headers: { Host: 'evil.example' } },
    { ...base, headers: { 'X-Amz-Date': '20000101T000000Z' } },
    { ...base, headers: { 'x-a': 'v\r\nx-b: w' } },
    { ...base, headers: { 'bad name': 'v' } },
    { ...base, query: [['k', '\ud800']] },
  ];
  for (const input of bad) assert.throws(() => signSigV4(input), (e: unknown) => isAppError(e, 'INTERNAL'));
  const p = { ...base, s3: true, expiresSeconds: 60 };
  for (const input of [
    { ...p, expiresSeconds: 0 },
    { ...p, expiresSeconds: 604801 },
    { ...p, expiresSeconds: 1.5 },
    { ...p, query: [['x-amz-signature', 'x'] as const] },
  ]) {
    assert.throws(() => presignSigV4(input), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
  assert.equal(presignSigV4({ ...p, expiresSeconds: 604800 }).query.includes('X-Amz-Expires=604800'), true);
});
