import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { signHuawei, type HuaweiInput } from './huawei.ts';

interface Vector {
  name: string;
  inputs: {
    ak: string;
    sk: string;
    method: string;
    host: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
    sdkDate: string;
  };
  expected: {
    canonicalRequest: string;
    stringToSign: string;
    signedHeaders: string;
    signature: string;
    authorization: string;
  };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/huawei.json', import.meta.url), 'utf8')) as { cases: Vector[] };

/** "20191115T033655Z" -> epoch ms. */
function epochMsOf(sdkDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(sdkDate);
  assert.ok(m);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function inputOf(v: Vector): HuaweiInput {
  const i = v.inputs;
  return { ak: i.ak, sk: i.sk, method: i.method, host: i.host, path: i.path, query: i.query, headers: i.headers, body: i.body, timeMs: epochMsOf(i.sdkDate) };
}

test('the vectors file has the two Huawei cases', () => {
  assert.equal(vectors.cases.length, 2);
});

for (const v of vectors.cases) {
  test(`Huawei vector: ${v.name}`, () => {
    const s = signHuawei(inputOf(v));
    assert.equal(s.sdkDate, v.inputs.sdkDate);
    assert.equal(s.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(s.stringToSign, v.expected.stringToSign);
    assert.equal(s.signedHeaders, v.expected.signedHeaders);
    assert.equal(s.signature, v.expected.signature);
    assert.equal(s.authorization, v.expected.authorization);
    assert.deepEqual(s.headers, { ...v.inputs.headers, Host: v.inputs.host, 'X-Sdk-Date': v.inputs.sdkDate, Authorization: v.expected.authorization });
    // The request line keeps the path as given; only the canonical URI gains the trailing "/".
    assert.equal(s.requestPath, v.inputs.path);
    assert.equal(s.canonicalUri, `${v.inputs.path}/`);
  });
}

const base = (): HuaweiInput => {
  const v = vectors.cases[1];
  assert.ok(v);
  return inputOf(v);
};

test('Huawei: one changed byte in the secret, a query value, the body or the time changes the signature', () => {
  const input = base();
  const good = signHuawei(input).signature;
  assert.notEqual(signHuawei({ ...input, sk: `${input.sk.slice(0, -1)}n` }).signature, good);
  assert.notEqual(signHuawei({ ...input, query: { name: 'home.example.com.', type: 'B' } }).signature, good);
  assert.notEqual(signHuawei({ ...input, body: ' ' }).signature, good);
  assert.notEqual(signHuawei({ ...input, timeMs: input.timeMs + 1000 }).signature, good);
  // Milliseconds are dropped from X-Sdk-Date.
  assert.equal(signHuawei({ ...input, timeMs: input.timeMs + 999 }).signature, good);
  // A path that already ends with "/" signs the same canonical URI.
  assert.equal(signHuawei({ ...input, path: '/v2/recordsets/' }).canonicalUri, '/v2/recordsets/');
  assert.equal(signHuawei({ ...input, path: '/v2/recordsets/' }).signature, good);
});

test('Huawei: path segments and query pairs are RFC 3986-encoded and sorted', () => {
  const s = signHuawei({
    ...base(),
    path: '/v2/zones/a b*(é)/recordsets',
    query: { type: ['TXT', 'A'], name: "x'y~z.-_!", empty: '' },
  });
  assert.equal(s.requestPath, '/v2/zones/a%20b%2A%28%C3%A9%29/recordsets');
  assert.equal(s.canonicalUri, '/v2/zones/a%20b%2A%28%C3%A9%29/recordsets/');
  assert.equal(s.canonicalQueryString, 'empty=&name=x%27y~z.-_%21&type=A&type=TXT');
  assert.equal(s.canonicalRequest.split('\n')[2], s.canonicalQueryString);
});

test('Huawei: every caller header is signed, lower-cased and trimmed, and sorted with host and x-sdk-date', () => {
  const s = signHuawei({ ...base(), headers: { 'Content-Type': ' application/json ', 'X-Project-Id': 'p1' } });
  assert.equal(s.signedHeaders, 'content-type;host;x-project-id;x-sdk-date');
  assert.match(s.canonicalRequest, /\ncontent-type:application\/json\nhost:dns\.myhuaweicloud\.com\nx-project-id:p1\nx-sdk-date:20240501T120000Z\n\n/);
  assert.equal(s.headers['X-Project-Id'], 'p1');
});

test('Huawei: reserved or repeated headers, a relative path, a bad time and lone surrogates are rejected with INTERNAL', () => {
  const isInternal = (e: unknown): boolean => isAppError(e, 'INTERNAL');
  assert.throws(() => signHuawei({ ...base(), headers: { Host: 'evil.example' } }), isInternal);
  assert.throws(() => signHuawei({ ...base(), headers: { 'X-Sdk-Date': '20240501T120000Z' } }), isInternal);
  assert.throws(() => signHuawei({ ...base(), headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } }), isInternal);
  assert.throws(() => signHuawei({ ...base(), headers: { 'content-type': 'a', 'Content-Type': 'b' } }), isInternal);
  assert.throws(() => signHuawei({ ...base(), path: 'v2/recordsets' }), isInternal);
  assert.throws(() => signHuawei({ ...base(), timeMs: Number.NaN }), isInternal);
  assert.throws(() => signHuawei({ ...base(), query: { name: '\ud800' } }), isInternal);
});
