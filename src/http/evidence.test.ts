import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestEvidence, urlForEvidence } from './evidence.ts';

test('user info is dropped and secret-looking query values are masked', () => {
  const u = urlForEvidence(new URL('https://me:pw@api.test/v1/x?AccessKeyId=AK1&Signature=abc%2B&SignatureNonce=n1&api_key=k&page=2'));
  assert.ok(!u.includes('me:') && !u.includes('pw@'));
  assert.ok(!u.includes('abc') && !u.includes('=k&') && !u.includes('AK1'), u);
  assert.match(u, /page=2/);
  assert.match(u, /^https:\/\/api\.test\/v1\/x\?/);
});

test('host is the bare name the certificate must match', () => {
  assert.deepEqual(requestEvidence(new URL('https://API.Test:8443/')), { url: 'https://api.test:8443/', host: 'api.test' });
  assert.equal(requestEvidence(new URL('https://[::1]:8443/')).host, '::1');
});
