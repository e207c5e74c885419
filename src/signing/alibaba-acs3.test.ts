import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { signAlibabaAcs3, type AlibabaAcs3Request } from './alibaba-acs3.ts';

interface Vector {
  name: string;
  inputs: {
    method: AlibabaAcs3Request['method'];
    host: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
    accessKeyId: string;
    secret: string;
  };
  expected: {
    hashedRequestPayload: string;
    canonicalQueryString: string;
    canonicalHeaders: string;
    signedHeaders: string;
    canonicalRequest: string;
    stringToSign: string;
    signature: string;
    authorization: string;
    requestHeaders: Record<string, string>;
  };
  published: { authorization: string } | null;
}

const file = JSON.parse(readFileSync(new URL('../../../shared/vectors/alibaba-acs3.json', import.meta.url), 'utf8')) as { cases: Vector[] };

function requestOf(v: Vector): AlibabaAcs3Request {
  const h = v.inputs.headers;
  assert.deepEqual(Object.keys(h).sort(), ['x-acs-action', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']);
  const timeMs = Date.parse(h['x-acs-date'] ?? '');
  assert.ok(Number.isFinite(timeMs));
  return {
    method: v.inputs.method,
    host: v.inputs.host,
    path: v.inputs.path,
    query: v.inputs.query,
    action: h['x-acs-action'] ?? '',
    version: h['x-acs-version'] ?? '',
    body: v.inputs.body,
    accessKeyId: v.inputs.accessKeyId,
    accessKeySecret: v.inputs.secret,
    timeMs,
    signatureNonce: h['x-acs-signature-nonce'] ?? '',
  };
}

test('the vectors file has the three ACS3 cases', () => {
  assert.equal(file.cases.length, 3);
});

for (const v of file.cases) {
  test(`Alibaba ACS3 vector: ${v.name}`, () => {
    const signed = signAlibabaAcs3(requestOf(v));
    assert.equal(signed.hashedRequestPayload, v.expected.hashedRequestPayload);
    assert.equal(signed.canonicalQueryString, v.expected.canonicalQueryString);
    assert.equal(signed.canonicalHeaders, v.expected.canonicalHeaders);
    assert.equal(signed.signedHeaders, v.expected.signedHeaders);
    assert.equal(signed.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(signed.stringToSign, v.expected.stringToSign);
    assert.equal(signed.signature, v.expected.signature);
    assert.equal(signed.authorization, v.expected.authorization);
    assert.deepEqual(signed.requestHeaders, v.expected.requestHeaders);
    if (v.published !== null) assert.equal(signed.authorization, v.published.authorization);
  });
}

test('Alibaba ACS3: one changed byte in the secret or a signed part changes the signature', () => {
  const v = file.cases.find((c) => c.name.startsWith('alidns-AddDomainRecord-TXT'));
  assert.ok(v);
  const base = requestOf(v);
  const reference = signAlibabaAcs3(base).signature;
  const variants: AlibabaAcs3Request[] = [
    { ...base, accessKeySecret: 'testsecreT' },
    { ...base, signatureNonce: `${base.signatureNonce.slice(0, -1)}e` },
    { ...base, query: { ...base.query, Value: 'a b*c~d/é+-' } },
    { ...base, action: 'AddDomainRecorD' },
    { ...base, host: 'alidns.aliyuncs.con' },
    { ...base, body: ' ' },
    { ...base, path: '/x' },
    { ...base, timeMs: base.timeMs + 1000 },
    { ...base, method: 'GET' },
    { ...base, contentType: 'application/x-www-form-urlencoded' },
    { ...base, securityToken: 'token' },
  ];
  for (const variant of variants) assert.notEqual(signAlibabaAcs3(variant).signature, reference);
  // Milliseconds are truncated: the same second signs the same.
  assert.equal(signAlibabaAcs3({ ...base, timeMs: base.timeMs + 999 }).signature, reference);
  // The access key id is not in the signed string, only in Authorization.
  const otherId = signAlibabaAcs3({ ...base, accessKeyId: 'testie' });
  assert.equal(otherId.signature, reference);
  assert.match(otherId.authorization, /Credential=testie,/);
});

test('Alibaba ACS3 signs and sends content-type and the security token when given', () => {
  const v = file.cases[0];
  assert.ok(v);
  const signed = signAlibabaAcs3({ ...requestOf(v), contentType: ' application/json ', securityToken: 'sts' });
  assert.equal(signed.signedHeaders, 'content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version');
  assert.match(signed.canonicalHeaders, /^content-type:application\/json\nhost:/);
  assert.match(signed.canonicalHeaders, /\nx-acs-security-token:sts\n/);
  assert.equal(signed.requestHeaders['x-acs-security-token'], 'sts');
});

test('Alibaba ACS3 percent-encodes path segments and keeps "/"', () => {
  const v = file.cases[0];
  assert.ok(v);
  const signed = signAlibabaAcs3({ ...requestOf(v), path: '/a b/c*é' });
  assert.equal(signed.canonicalRequest.split('\n')[1], '/a%20b/c%2A%C3%A9');
  assert.throws(() => signAlibabaAcs3({ ...requestOf(v), path: 'relative' }), (e: unknown) => isAppError(e, 'INTERNAL'));
});
