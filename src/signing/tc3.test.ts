import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { signTc3, type Tc3Input } from './tc3.ts';

interface Vector {
  name: string;
  inputs: {
    secretId: string;
    secretKey: string;
    service: string;
    host: string;
    method: string;
    path: string;
    query: string;
    contentType: string;
    extraSigned?: Record<string, string>;
    payload: string;
    timestamp: number;
    action: string;
    version: string;
    region: string;
  };
  expected: {
    hashedRequestPayload: string;
    canonicalRequest: string;
    credentialScope: string;
    stringToSign: string;
    signingKeyHex: string;
    signedHeaders: string;
    signature: string;
    authorization: string;
    requestHeaders: Record<string, string>;
  };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/tencent-tc3.json', import.meta.url), 'utf8')) as { cases: Vector[] };

function inputOf(v: Vector): Tc3Input {
  const i = v.inputs;
  assert.equal(i.path, '/');
  assert.ok(i.method === 'GET' || i.method === 'POST');
  const extra = Object.keys(i.extraSigned ?? {});
  // The only extra signed header the vectors use is x-tc-action, carrying the action itself.
  assert.ok(extra.length === 0 || (extra.length === 1 && i.extraSigned?.['x-tc-action'] === i.action));
  return {
    secretId: i.secretId,
    secretKey: i.secretKey,
    service: i.service,
    host: i.host,
    action: i.action,
    version: i.version,
    region: i.region,
    method: i.method,
    query: i.query,
    contentType: i.contentType,
    payload: i.payload,
    timeMs: i.timestamp * 1000,
    signAction: extra.length === 1,
  };
}

test('the vectors file has the six TC3 cases', () => {
  assert.equal(vectors.cases.length, 6);
});

for (const v of vectors.cases) {
  test(`TC3 vector: ${v.name}`, () => {
    const s = signTc3(inputOf(v));
    assert.equal(s.timestamp, v.inputs.timestamp);
    assert.equal(s.hashedRequestPayload, v.expected.hashedRequestPayload);
    assert.equal(s.canonicalRequest, v.expected.canonicalRequest);
    assert.equal(s.credentialScope, v.expected.credentialScope);
    assert.equal(s.stringToSign, v.expected.stringToSign);
    assert.equal(s.signingKeyHex, v.expected.signingKeyHex);
    assert.equal(s.signedHeaders, v.expected.signedHeaders);
    assert.equal(s.signature, v.expected.signature);
    assert.equal(s.authorization, v.expected.authorization);
    assert.deepEqual(s.headers, v.expected.requestHeaders);
  });
}

const base = (): Tc3Input => {
  const v = vectors.cases.find((c) => c.inputs.service === 'dnspod' && c.inputs.extraSigned === undefined);
  assert.ok(v);
  return inputOf(v);
};

test('TC3: one changed byte in the secret key, the payload or the time changes the signature', () => {
  const input = base();
  const good = signTc3(input).signature;
  assert.notEqual(signTc3({ ...input, secretKey: `${input.secretKey.slice(0, -1)}X` }).signature, good);
  assert.notEqual(signTc3({ ...input, payload: input.payload.toString().replace('example.com', 'example.org') }).signature, good);
  assert.notEqual(signTc3({ ...input, timeMs: input.timeMs + 1000 }).signature, good);
  // Sub-second parts of the time are not signed: X-TC-Timestamp is whole seconds.
  assert.equal(signTc3({ ...input, timeMs: input.timeMs + 999 }).signature, good);
});

test('TC3: the credential scope uses the UTC date on both sides of midnight UTC', () => {
  const input = base();
  const lastSecond = Date.UTC(2023, 10, 14, 23, 59, 59);
  const firstSecond = Date.UTC(2023, 10, 15, 0, 0, 0);
  assert.equal(signTc3({ ...input, timeMs: lastSecond + 999 }).credentialScope, '2023-11-14/dnspod/tc3_request');
  assert.equal(signTc3({ ...input, timeMs: firstSecond }).credentialScope, '2023-11-15/dnspod/tc3_request');
  // 16:00Z on the 15th is already 00:00 on the 16th in UTC+8: the scope must still say the 15th.
  assert.equal(signTc3({ ...input, timeMs: Date.UTC(2023, 10, 15, 16, 0, 0) }).credentialScope, '2023-11-15/dnspod/tc3_request');
});

test('TC3: region and token headers are sent only when given, and are not signed', () => {
  const input = base();
  const plain = signTc3(input);
  const withBoth = signTc3({ ...input, region: 'ap-guangzhou', token: 'tok' });
  assert.equal(withBoth.headers['X-TC-Region'], 'ap-guangzhou');
  assert.equal(withBoth.headers['X-TC-Token'], 'tok');
  assert.equal(plain.headers['X-TC-Region'], undefined);
  assert.equal(plain.headers['X-TC-Token'], undefined);
  assert.equal(withBoth.signature, plain.signature);
});

test('TC3: a non-finite or negative time is rejected with INTERNAL', () => {
  for (const timeMs of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
    assert.throws(() => signTc3({ ...base(), timeMs }), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
});
