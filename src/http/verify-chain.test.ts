import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { systemClock } from '../clock/system-clock.ts';
import { breakSignature, DAY_MS, makeCert, makeRoot, type TestCert } from './testing/certs.ts';
import { verifyChainAt, type ChainResult } from './verify-chain.ts';

const now = systemClock.now();
let root: TestCert;
let otherRoot: TestCert;
let inter: TestCert;
let leaf: TestCert;

before(async () => {
  root = await makeRoot('Test Root', now);
  otherRoot = await makeRoot('Test Root', now); // same name, other key
  inter = await makeCert({ name: 'Test Intermediate', issuer: root, ca: true, notBefore: now - 100 * DAY_MS, notAfter: now + 100 * DAY_MS });
  leaf = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test', '*.wild.test'], ips: ['127.0.0.1', '::1'], notBefore: now - 10 * DAY_MS, notAfter: now + 10 * DAY_MS });
});

function reason(r: ChainResult): string {
  return r.ok ? 'ok' : r.reason;
}

test('a sound chain verifies, the path runs leaf to root', () => {
  const r = verifyChainAt([leaf.x509, inter.x509], [root.x509], 'api.test', now);
  assert.ok(r.ok);
  assert.deepEqual(
    r.path.map((c) => c.subject),
    ['CN=api.test', 'CN=Test Intermediate', 'CN=Test Root'],
  );
});

test('presented order does not matter and unrelated extras are ignored', async () => {
  const stray = await makeRoot('Stray', now);
  assert.equal(reason(verifyChainAt([leaf.x509, stray.x509, root.x509, inter.x509], [root.x509], 'api.test', now)), 'ok');
});

test('the leaf must come first: a chain that starts at the intermediate is for another host', () => {
  assert.equal(reason(verifyChainAt([inter.x509, leaf.x509], [root.x509], 'api.test', now)), 'hostname-mismatch');
});

test('expired leaf: expired now, valid at a time inside its window', async () => {
  const expired = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], notBefore: now - 10 * DAY_MS, notAfter: now - DAY_MS });
  const r = verifyChainAt([expired.x509, inter.x509], [root.x509], 'api.test', now);
  assert.equal(reason(r), 'expired');
  assert.ok(!r.ok && r.subject === 'CN=api.test');
  assert.equal(reason(verifyChainAt([expired.x509, inter.x509], [root.x509], 'api.test', now - 2 * DAY_MS)), 'ok');
});

test('expired intermediate is reported with its own subject', async () => {
  const oldInter = await makeCert({ name: 'Old Intermediate', issuer: root, ca: true, notBefore: now - 100 * DAY_MS, notAfter: now - DAY_MS });
  const l = await makeCert({ name: 'api.test', issuer: oldInter, dns: ['api.test'], notBefore: now - 10 * DAY_MS, notAfter: now + 10 * DAY_MS });
  const r = verifyChainAt([l.x509, oldInter.x509], [root.x509], 'api.test', now);
  assert.ok(!r.ok);
  assert.equal(r.reason, 'expired');
  assert.equal(r.subject, 'CN=Old Intermediate');
  assert.equal(reason(verifyChainAt([l.x509, oldInter.x509], [root.x509], 'api.test', now - 2 * DAY_MS)), 'ok');
});

test('an expired root is expired too', async () => {
  const oldRoot = await makeCert({ name: 'Old Root', ca: true, notBefore: now - 100 * DAY_MS, notAfter: now - DAY_MS });
  const l = await makeCert({ name: 'api.test', issuer: oldRoot, dns: ['api.test'], notBefore: now - 10 * DAY_MS, notAfter: now + 10 * DAY_MS });
  const r = verifyChainAt([l.x509], [oldRoot.x509], 'api.test', now);
  assert.ok(!r.ok && r.reason === 'expired' && r.subject === 'CN=Old Root');
});

test('not-yet-valid leaf: refused now, accepted once its window opens', async () => {
  const future = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], notBefore: now + DAY_MS, notAfter: now + 30 * DAY_MS });
  assert.equal(reason(verifyChainAt([future.x509, inter.x509], [root.x509], 'api.test', now)), 'not-yet-valid');
  assert.equal(reason(verifyChainAt([future.x509, inter.x509], [root.x509], 'api.test', now + 2 * DAY_MS)), 'ok');
});

test('host names: exact, case and trailing dot, one-label wildcard only', () => {
  const v = (host: string): string => reason(verifyChainAt([leaf.x509, inter.x509], [root.x509], host, now));
  assert.equal(v('api.test'), 'ok');
  assert.equal(v('API.Test.'), 'ok');
  assert.equal(v('other.test'), 'hostname-mismatch');
  assert.equal(v('a.wild.test'), 'ok');
  assert.equal(v('a.b.wild.test'), 'hostname-mismatch');
  assert.equal(v('wild.test'), 'hostname-mismatch');
});

test('IP addresses match IP subjectAltNames only', async () => {
  const v = (host: string, c: TestCert = leaf): string => reason(verifyChainAt([c.x509, inter.x509], [root.x509], host, now));
  assert.equal(v('127.0.0.1'), 'ok');
  assert.equal(v('[::1]'), 'ok');
  assert.equal(v('127.0.0.2'), 'hostname-mismatch');
  // A DNS name that looks like an IP does not count as an IP SAN.
  const dnsOnly = await makeCert({ name: '127.0.0.1', issuer: inter, dns: ['127.0.0.1'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(v('127.0.0.1', dnsOnly), 'hostname-mismatch');
});

test('a root of the same name but another key is not trusted', () => {
  assert.equal(reason(verifyChainAt([leaf.x509, inter.x509], [otherRoot.x509], 'api.test', now)), 'untrusted');
});

test('an unknown issuer is untrusted; a missing intermediate too', async () => {
  const stranger = await makeRoot('Stranger Root', now);
  assert.equal(reason(verifyChainAt([leaf.x509, inter.x509], [stranger.x509], 'api.test', now)), 'untrusted');
  assert.equal(reason(verifyChainAt([leaf.x509], [root.x509], 'api.test', now)), 'untrusted');
  assert.equal(reason(verifyChainAt([leaf.x509, inter.x509], [], 'api.test', now)), 'untrusted');
});

test('a root the peer sends itself is not trusted unless it is in the trust set', () => {
  assert.equal(reason(verifyChainAt([leaf.x509, inter.x509, root.x509], [otherRoot.x509], 'api.test', now)), 'untrusted');
});

test('a broken signature on the leaf or the intermediate is refused', () => {
  const badLeaf = new X509Certificate(breakSignature(leaf.certPem));
  const badInter = new X509Certificate(breakSignature(inter.certPem));
  assert.equal(reason(verifyChainAt([badLeaf, inter.x509], [root.x509], 'api.test', now)), 'bad-signature');
  assert.equal(reason(verifyChainAt([leaf.x509, badInter], [root.x509], 'api.test', now)), 'bad-signature');
});

test('an issuer without the CA flag cannot issue', async () => {
  // Without a key usage extension only the CA flag stops it.
  const notCa = await makeCert({ name: 'Not A CA', issuer: inter, noKeyUsage: true, notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const l2 = await makeCert({ name: 'api.test', issuer: notCa, dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([l2.x509, notCa.x509, inter.x509], [root.x509], 'api.test', now)), 'not-a-ca');
  // With a key usage that lacks keyCertSign it is not an issuer at all.
  const l3 = await makeCert({ name: 'api.test', issuer: leaf, dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([l3.x509, leaf.x509, inter.x509], [root.x509], 'api.test', now)), 'untrusted');
});

test('a leaf for client authentication only is not a server certificate', async () => {
  const client = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], serverAuth: false, notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([client.x509, inter.x509], [root.x509], 'api.test', now)), 'not-server-auth');
});

test('failures that do not depend on time win over expiry', async () => {
  const stranger = await makeRoot('Stranger Root', now);
  const expired = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], notBefore: now - 10 * DAY_MS, notAfter: now - DAY_MS });
  assert.equal(reason(verifyChainAt([expired.x509, inter.x509], [stranger.x509], 'api.test', now)), 'untrusted');
  assert.equal(reason(verifyChainAt([expired.x509, inter.x509], [root.x509], 'wrong.test', now)), 'hostname-mismatch');
});

test('a self-signed certificate trusted directly verifies', async () => {
  const self = await makeCert({ name: 'api.test', dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([self.x509], [self.x509], 'api.test', now)), 'ok');
  assert.equal(reason(verifyChainAt([self.x509], [root.x509], 'api.test', now)), 'untrusted');
});

test('of two intermediates with the same name and key, the one valid at the time is used', async () => {
  const keys = inter.keys;
  const oldCopy = await makeCert({ name: 'Test Intermediate', issuer: root, ca: true, keys, notBefore: now - 400 * DAY_MS, notAfter: now - 200 * DAY_MS });
  const r = verifyChainAt([leaf.x509, oldCopy.x509, inter.x509], [root.x509], 'api.test', now);
  assert.ok(r.ok);
  assert.equal(r.path[1]?.fingerprint256, inter.x509.fingerprint256);
  // With only the old copy, the path exists but is expired.
  assert.equal(reason(verifyChainAt([leaf.x509, oldCopy.x509], [root.x509], 'api.test', now)), 'expired');
});

test('no certificate at all is a programming error', () => {
  assert.throws(() => verifyChainAt([], [root.x509], 'api.test', now), TypeError);
});

test('a pathLenConstraint is enforced', async () => {
  const top = await makeCert({ name: 'Top Intermediate', issuer: root, ca: true, pathLen: 0, notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const below = await makeCert({ name: 'Lower Intermediate', issuer: top, ca: true, notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const l = await makeCert({ name: 'api.test', issuer: below, dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const r = verifyChainAt([l.x509, below.x509, top.x509], [root.x509], 'api.test', now);
  assert.ok(!r.ok && r.reason === 'path-too-long' && r.subject === 'CN=Top Intermediate');
  // pathLen 0 still allows issuing leaves directly.
  const direct = await makeCert({ name: 'api.test', issuer: top, dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([direct.x509, top.x509], [root.x509], 'api.test', now)), 'ok');
});

test('name constraints and unknown critical extensions are refused, not ignored', async () => {
  // NameConstraints { permittedSubtrees [0] { GeneralSubtree { dNSName "api.test" } } }
  const nc = Uint8Array.from([0x30, 0x0e, 0xa0, 0x0c, 0x30, 0x0a, 0x82, 0x08, ...Buffer.from('api.test')]);
  const constrained = await makeCert({ name: 'Constrained', issuer: root, ca: true, extra: [{ oid: '2.5.29.30', critical: true, der: nc }], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  const l = await makeCert({ name: 'api.test', issuer: constrained, dns: ['api.test'], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([l.x509, constrained.x509], [root.x509], 'api.test', now)), 'unsupported-extension');
  const NULL = Uint8Array.from([0x05, 0x00]);
  const odd = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], extra: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, der: NULL }], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([odd.x509, inter.x509], [root.x509], 'api.test', now)), 'unsupported-extension');
  const harmless = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], extra: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, der: NULL }], notBefore: now - DAY_MS, notAfter: now + DAY_MS });
  assert.equal(reason(verifyChainAt([harmless.x509, inter.x509], [root.x509], 'api.test', now)), 'ok');
});
