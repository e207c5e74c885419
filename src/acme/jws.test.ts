import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { base64url, calculateJwkThumbprint, flattenedVerify, importJWK } from 'jose';
import { externalAccountBinding, generateAccountKey, importAccountKey, signJws, thumbprint, type AccountKey } from './jws.ts';

/** jose (an independent implementation) is the oracle for every signature here. */
async function verifiedPayload(jws: { protected: string; payload: string; signature: string }, key: AccountKey): Promise<string> {
  const r = await flattenedVerify(jws, createPublicKey(key.privateKey));
  return new TextDecoder().decode(r.payload);
}

const keys: [string, () => Promise<AccountKey>][] = [
  ['ES256', () => generateAccountKey().key],
  ['ES384', () => importAccountKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())],
  ['RS256', () => importAccountKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())],
];

for (const [alg, make] of keys) {
  void test(`${alg}: jose verifies our JWS with kid and with jwk; POST-as-GET has an empty payload`, async () => {
    const key = await make();
    assert.equal(key.alg, alg);
    const withKid = await signJws({ key, url: 'https://ca.test/order', nonce: 'abc', kid: 'https://ca.test/acct/1', payload: { identifiers: [{ type: 'dns', value: 'a.test' }] } });
    assert.deepEqual(JSON.parse(await verifiedPayload(withKid, key)), { identifiers: [{ type: 'dns', value: 'a.test' }] });
    const header = JSON.parse(Buffer.from(withKid.protected, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(header, { alg, nonce: 'abc', url: 'https://ca.test/order', kid: 'https://ca.test/acct/1' });
    const withJwk = await signJws({ key, url: 'https://ca.test/new', nonce: 'n', payload: undefined });
    assert.equal(withJwk.payload, '');
    assert.equal(await verifiedPayload(withJwk, key), '');
    const jwkHeader = JSON.parse(Buffer.from(withJwk.protected, 'base64url').toString()) as { jwk: Record<string, string> };
    assert.equal(await thumbprint(key), await calculateJwkThumbprint(jwkHeader.jwk, 'sha256'));
  });
}

void test('RFC 7638 3.1 example thumbprint', async () => {
  const n =
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
  const key = { privateKey: createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' }), publicJwk: { e: 'AQAB', kty: 'RSA', n }, alg: 'RS256' } as unknown as AccountKey;
  assert.equal(await thumbprint(key), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

void test('EAB: an HS256 JWS over the account JWK that verifies with the HMAC key', async () => {
  const key = await generateAccountKey().key;
  const hmacKey = base64url.encode(new Uint8Array(32).fill(7));
  const eab = await externalAccountBinding(key, 'kid-1', hmacKey, 'https://ca.test/new-acct');
  const r = await flattenedVerify(eab, await importJWK({ kty: 'oct', k: hmacKey }, 'HS256'));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.payload)), key.publicJwk);
  assert.deepEqual(r.protectedHeader, { alg: 'HS256', kid: 'kid-1', url: 'https://ca.test/new-acct' });
});
