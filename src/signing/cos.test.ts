import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { cosSignTime, signCos, type CosInput } from './cos.ts';
import { signSigV4 } from './sigv4.ts';

interface NativeInputs {
  secretId: string;
  secretKey: string;
  method: string;
  pathname: string;
  keyTime: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}
interface SigV4Inputs {
  method: string;
  host: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body: string;
  accessKeyId: string;
  secret: string;
  region: string;
  service: string;
  amzDate: string;
  s3: boolean;
  signPayloadHeader: boolean;
}
interface Vector {
  name: string;
  inputs: NativeInputs | SigV4Inputs;
  expected: Record<string, string>;
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/cos.json', import.meta.url), 'utf8')) as { cases: Vector[] };

function isNative(i: NativeInputs | SigV4Inputs): i is NativeInputs {
  return 'keyTime' in i;
}

function nativeInput(i: NativeInputs): CosInput {
  const [start, end] = i.keyTime.split(';').map(Number);
  assert.ok(start !== undefined && end !== undefined);
  return {
    secretId: i.secretId,
    secretKey: i.secretKey,
    method: i.method,
    pathname: i.pathname,
    query: i.query,
    headers: i.headers,
    signTime: { startSeconds: start, endSeconds: end },
  };
}

/** "20240501T120000Z" -> epoch ms. */
function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  assert.ok(m);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

test('the vectors file has the six COS cases (five native, one SigV4)', () => {
  assert.equal(vectors.cases.length, 6);
  assert.equal(vectors.cases.filter((c) => isNative(c.inputs)).length, 5);
});

for (const v of vectors.cases) {
  const inputs = v.inputs;
  if (isNative(inputs)) {
    test(`COS native vector: ${v.name}`, () => {
      const r = signCos(nativeInput(inputs));
      const e = v.expected;
      assert.equal(r.keyTime, inputs.keyTime);
      assert.equal(r.signKey, e['signKey']);
      assert.equal(r.urlParamList, e['urlParamList']);
      assert.equal(r.httpParameters, e['httpParameters']);
      assert.equal(r.headerList, e['headerList']);
      assert.equal(r.httpHeaders, e['httpHeaders']);
      assert.equal(r.httpString, e['httpString']);
      assert.equal(r.sha1HttpString, e['sha1HttpString']);
      assert.equal(r.stringToSign, e['stringToSign']);
      assert.equal(r.signature, e['signature']);
      assert.equal(r.authorization, e['authorization']);
      assert.equal(r.headers['Authorization'], e['authorization']);
      for (const [k, val] of Object.entries(inputs.headers)) assert.equal(r.headers[k], val);
    });
  } else {
    test(`COS S3-compatible (SigV4) vector: ${v.name}`, () => {
      const r = signSigV4({
        credentials: { accessKeyId: inputs.accessKeyId, secretAccessKey: inputs.secret },
        region: inputs.region,
        service: inputs.service,
        s3: inputs.s3,
        signPayloadHeader: inputs.signPayloadHeader,
        method: inputs.method,
        host: inputs.host,
        path: inputs.path,
        query: inputs.query,
        headers: inputs.headers,
        body: inputs.body,
        timeMs: amzDateToMs(inputs.amzDate),
      });
      const e = v.expected;
      assert.equal(r.payloadHash, e['payloadHash']);
      assert.equal(r.canonicalRequest, e['canonicalRequest']);
      assert.equal(r.stringToSign, e['stringToSign']);
      assert.equal(r.signingKeyHex, e['signingKeyHex']);
      assert.equal(r.signedHeaders, e['signedHeaders']);
      assert.equal(r.signature, e['signature']);
      assert.equal(r.authorization, e['authorization']);
    });
  }
}

function firstNative(): { input: CosInput; headers: Record<string, string>; signature: string } {
  const v = vectors.cases[0];
  assert.ok(v !== undefined && isNative(v.inputs));
  return { input: nativeInput(v.inputs), headers: v.inputs.headers, signature: String(v.expected['signature']) };
}

test('negative: one changed byte in the secret or in a signed part changes the signature', () => {
  const { input, headers, signature } = firstNative();
  assert.equal(signCos(input).signature, signature);
  const key = input.secretKey;
  const flipped = `${key.slice(0, -1)}${key.endsWith('z') ? 'y' : 'z'}`;
  assert.notEqual(signCos({ ...input, secretKey: flipped }).signature, signature);
  assert.notEqual(signCos({ ...input, pathname: input.pathname.replace('(', '[') }).signature, signature);
  assert.notEqual(signCos({ ...input, method: 'POST' }).signature, signature);
  assert.notEqual(signCos({ ...input, signTime: { ...input.signTime, endSeconds: input.signTime.endSeconds + 1 } }).signature, signature);
  assert.notEqual(signCos({ ...input, headers: { ...headers, 'x-cos-acl': 'public-read' } }).signature, signature);
  assert.notEqual(signCos({ ...input, query: { acl: '' } }).signature, signature);
});

test('valueless parameters sign as "k=", names are lower-cased after encoding, a session token is signed', () => {
  const { input } = firstNative();
  const r = signCos({ ...input, query: { acl: '', 'Ü x': 'a/b' }, headers: { Host: 'h' }, sessionToken: 'tok' });
  assert.equal(r.httpParameters, '%c3%9c%20x=a%2Fb&acl='); // sorted on the encoded names: '%' < 'a'
  assert.equal(r.urlParamList, '%c3%9c%20x;acl');
  assert.equal(r.headerList, 'host;x-cos-security-token');
  assert.equal(r.headers['x-cos-security-token'], 'tok');
  assert.equal(r.headers['Host'], 'h');
});

test('cosSignTime is the SDK default window: now - 1 s to now - 1 s + 900 s', () => {
  assert.deepEqual(cosSignTime(1_700_000_000_999), { startSeconds: 1_699_999_999, endSeconds: 1_700_000_899 });
  assert.deepEqual(cosSignTime(1_700_000_000_000, 60), { startSeconds: 1_699_999_999, endSeconds: 1_700_000_059 });
  for (const [t, s] of [
    [Number.NaN, 900],
    [0, 900],
    [1_700_000_000_000, 0],
    [1_700_000_000_000, 1.5],
  ] as const) {
    assert.throws(() => cosSignTime(t, s), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
});

test('misuse is refused with INTERNAL', () => {
  const { input } = firstNative();
  const bad: CosInput[] = [
    { ...input, signTime: { startSeconds: 10, endSeconds: 9 } },
    { ...input, signTime: { startSeconds: 1.5, endSeconds: 9 } },
    { ...input, pathname: 'no-slash' },
    { ...input, pathname: '/a\nb' },
    { ...input, headers: { Host: 'h', host: 'h' } },
    { ...input, headers: { Host: 'h\r\nX: y' } },
    { ...input, headers: { Authorization: 'x' } },
    { ...input, headers: { 'x-cos-security-token': 'a' }, sessionToken: 'b' },
    { ...input, query: { a: '\udc00' } },
  ];
  for (const i of bad) assert.throws(() => signCos(i), (e: unknown) => isAppError(e, 'INTERNAL'));
});
