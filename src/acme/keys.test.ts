import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createCsr, generateCertificateKey, importCertificateKey, KEY_TYPES } from './keys.ts';

for (const type of KEY_TYPES) {
  void test(`${type}: the CSR verifies with openssl and carries every name`, async () => {
    const key = await generateCertificateKey(type);
    const csr = await createCsr(key, ['example.test', '*.example.test', 'xn--bcher-kva.example.test']);
    const text = execFileSync('openssl', ['req', '-inform', 'DER', '-noout', '-text', '-verify'], { input: csr, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
    assert.match(text, /Subject: CN ?= ?example\.test/);
    assert.match(text, /DNS:example\.test, DNS:\*\.example\.test, DNS:xn--bcher-kva\.example\.test/);
    const bits = type.startsWith('ec') ? type.slice(2) : type.slice(3);
    assert.match(text, new RegExp(`Public-Key: \\(${bits} bit\\)`));
    // The PEM round-trips: a reused key makes the same public key.
    const again = await importCertificateKey(type, key.pem);
    const csr2 = await createCsr(again, ['example.test']);
    const pub = (der: Uint8Array): string => execFileSync('openssl', ['req', '-inform', 'DER', '-noout', '-pubkey'], { input: der }).toString();
    assert.equal(pub(csr2), pub(csr));
  });
}
