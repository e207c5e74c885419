import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { signAlibabaRpc, type AlibabaRpcRequest } from './alibaba-rpc.ts';

interface Vector {
  name: string;
  inputs: { method: 'GET' | 'POST'; accessKeySecret: string; hmacKey: string; params: Record<string, string> };
  expected: { canonicalizedQueryString: string; stringToSign: string; signature: string; finalQueryOrFormBody: string };
  published: { signature: string; stringToSign: string } | null;
}

const file = JSON.parse(readFileSync(new URL('../../../shared/vectors/alibaba-rpc-v1.json', import.meta.url), 'utf8')) as {
  notes: string[];
  cases: Vector[];
};

/** The vector's flat parameter list, split into our function's inputs. */
function requestOf(v: Vector): AlibabaRpcRequest {
  const { AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce, Timestamp, ...params } = v.inputs.params;
  assert.equal(SignatureMethod, 'HMAC-SHA1');
  assert.equal(SignatureVersion, '1.0');
  assert.equal(v.inputs.hmacKey, `${v.inputs.accessKeySecret}&`);
  assert.ok(AccessKeyId !== undefined && SignatureNonce !== undefined && Timestamp !== undefined);
  const timeMs = Date.parse(Timestamp);
  assert.ok(Number.isFinite(timeMs));
  return { method: v.inputs.method, params, accessKeyId: AccessKeyId, accessKeySecret: v.inputs.accessKeySecret, timeMs, signatureNonce: SignatureNonce };
}

function caseNamed(prefix: string): Vector {
  const v = file.cases.find((c) => c.name.startsWith(prefix));
  assert.ok(v, prefix);
  return v;
}

test('the vectors file has the five RPC v1 cases', () => {
  assert.equal(file.cases.length, 5);
});

for (const v of file.cases) {
  test(`Alibaba RPC v1 vector: ${v.name}`, () => {
    const signed = signAlibabaRpc(requestOf(v));
    assert.deepEqual(signed.signedParams, v.inputs.params);
    assert.equal(signed.canonicalizedQueryString, v.expected.canonicalizedQueryString);
    assert.equal(signed.stringToSign, v.expected.stringToSign);
    assert.equal(signed.signature, v.expected.signature);
    assert.equal(signed.finalQueryOrFormBody, v.expected.finalQueryOrFormBody);
    if (v.published !== null) {
      assert.equal(signed.stringToSign, v.published.stringToSign);
      assert.equal(signed.signature, v.published.signature);
    }
  });
}

test('Alibaba RPC v1 POST form-body variant of doc DescribeRegions (vectors note)', () => {
  const note = file.notes.find((n) => n.startsWith('POST variant of the doc DescribeRegions'));
  const expectedSignature = note?.match(/signs to (\S+=)/)?.[1];
  assert.ok(expectedSignature);
  const get = caseNamed('doc-ecs-DescribeRegions-GET');
  const signed = signAlibabaRpc({ ...requestOf(get), method: 'POST' });
  assert.equal(signed.stringToSign, `POST${get.expected.stringToSign.slice('GET'.length)}`);
  assert.equal(signed.canonicalizedQueryString, get.expected.canonicalizedQueryString);
  assert.equal(signed.signature, expectedSignature);
  assert.equal(signed.finalQueryOrFormBody, `${get.expected.canonicalizedQueryString}&Signature=${encodeURIComponent(expectedSignature)}`);
});

test('Alibaba RPC v1: one changed byte in the secret or a signed part changes the signature', () => {
  const base = requestOf(caseNamed('alidns-AddDomainRecord-TXT'));
  const reference = signAlibabaRpc(base).signature;
  const variants: AlibabaRpcRequest[] = [
    { ...base, accessKeySecret: 'testsecreT' },
    { ...base, signatureNonce: `${base.signatureNonce.slice(0, -1)}f` },
    { ...base, params: { ...base.params, Value: 'a b*c~d/é+-' } },
    { ...base, accessKeyId: 'testie' },
    { ...base, timeMs: base.timeMs + 1000 },
    { ...base, method: 'POST' },
  ];
  for (const variant of variants) assert.notEqual(signAlibabaRpc(variant).signature, reference);
  // Milliseconds are truncated: the same second signs the same.
  assert.equal(signAlibabaRpc({ ...base, timeMs: base.timeMs + 999 }).signature, reference);
});

test('Alibaba RPC v1 rejects reserved parameters from the caller', () => {
  const base = requestOf(caseNamed('alidns-DeleteDomainRecord-GET'));
  for (const name of ['Signature', 'Timestamp', 'SignatureNonce']) {
    assert.throws(() => signAlibabaRpc({ ...base, params: { ...base.params, [name]: 'x' } }), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
});
