import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../clock/system-clock.ts';
import { certExtensions, pathLenConstraint } from './cert-extensions.ts';
import { DAY_MS, makeCert, makeRoot } from './testing/certs.ts';

const now = systemClock.now();

test('lists the extensions of a certificate with their criticality', async () => {
  const root = await makeRoot('R', now);
  const leaf = await makeCert({ name: 'a.test', issuer: root, dns: ['a.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const exts = certExtensions(leaf.x509.raw);
  const byOid = new Map(exts.map((e) => [e.oid, e.critical]));
  assert.equal(byOid.get('2.5.29.19'), true); // basicConstraints, made critical
  assert.equal(byOid.get('2.5.29.15'), true); // keyUsage
  assert.equal(byOid.get('2.5.29.17'), false); // subjectAltName
  assert.equal(byOid.get('2.5.29.37'), false); // extKeyUsage
  assert.equal(byOid.get('2.5.29.35'), false); // authorityKeyIdentifier
  assert.equal(pathLenConstraint(exts), undefined);
});

test('reads pathLenConstraint, including a multi-arc OID of a private extension', async () => {
  const ca = await makeCert({ name: 'CA', ca: true, pathLen: 3, extra: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, der: Uint8Array.from([0x05, 0x00]) }], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const exts = certExtensions(ca.x509.raw);
  assert.equal(pathLenConstraint(exts), 3);
  assert.ok(exts.some((e) => e.oid === '1.3.6.1.4.1.99999.1' && !e.critical));
});

test('malformed DER is a TypeError', () => {
  assert.throws(() => certExtensions(Uint8Array.from([0x30, 0x05, 0x30])), TypeError);
  assert.throws(() => certExtensions(Uint8Array.from([0x04, 0x00])), TypeError);
});
