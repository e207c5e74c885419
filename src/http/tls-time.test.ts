/**
 * TLS verified at the trusted time, against real local HTTPS servers whose
 * certificates are outside their validity by the system clock. Every
 * refused connection must refuse before a request byte: the servers count
 * requests and the refusal tests assert none arrived.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getCACertificates } from 'node:tls';
import { systemClock } from '../clock/system-clock.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { createHttpClient } from './client.ts';
import { DAY_MS, makeCert, makeRoot, type TestCert } from './testing/certs.ts';
import { startHttpsServer, type TestServer } from './testing/servers.ts';
import { StubTrustedClock } from './testing/stub-clock.ts';
import { trustRoots } from './tls-time.ts';
import type { HttpResponse } from './types.ts';

let root: TestCert;
let otherRoot: TestCert;
/** Leaf expired yesterday. */
let expired: TestServer;
/** Leaf valid from tomorrow. */
let future: TestServer;
/** Sound leaf under an intermediate that expired yesterday. */
let expiredInter: TestServer;

before(async () => {
  const now = systemClock.now();
  root = await makeRoot('Time Root', now);
  otherRoot = await makeRoot('Other Root', now);
  const ok = (req: unknown, res: { end: (s: string) => void }): void => res.end('verified');
  const oldLeaf = await makeCert({ name: 'api.test', issuer: root, dns: ['api.test'], notBefore: now - 30 * DAY_MS, notAfter: now - DAY_MS });
  expired = await startHttpsServer(oldLeaf.certPem, oldLeaf.keyPem, ok);
  const newLeaf = await makeCert({ name: 'api.test', issuer: root, dns: ['api.test'], notBefore: now + DAY_MS, notAfter: now + 30 * DAY_MS });
  future = await startHttpsServer(newLeaf.certPem, newLeaf.keyPem, ok);
  const inter = await makeCert({ name: 'Old Intermediate', issuer: root, ca: true, notBefore: now - 100 * DAY_MS, notAfter: now - DAY_MS });
  const leaf = await makeCert({ name: 'api.test', issuer: inter, dns: ['api.test'], notBefore: now - 30 * DAY_MS, notAfter: now + 30 * DAY_MS });
  expiredInter = await startHttpsServer(leaf.certPem + inter.certPem, leaf.keyPem, ok);
});

after(async () => {
  await Promise.all([expired.close(), future.close(), expiredInter.close()]);
});

function get(server: TestServer, clock: StubTrustedClock, o: { host?: string; caPem?: string } = {}): Promise<HttpResponse> {
  const host = o.host ?? 'api.test';
  const http = createHttpClient({ clock, resolve: { [host]: '127.0.0.1' }, maxAttempts: 1 });
  return http.request({ method: 'GET', url: `https://${host}:${server.port}/`, trust: { caPem: o.caPem ?? root.certPem } });
}

function totalHits(server: TestServer): number {
  return [...server.hits.values()].reduce((a, b) => a + b, 0);
}

test('expired yesterday by the system clock, valid at a trusted time two days ago: accepted', async () => {
  const clock = new StubTrustedClock({ offsetMs: -2 * DAY_MS, trusted: true });
  const hitsBefore = totalHits(expired);
  const r = await get(expired, clock);
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'verified');
  assert.equal(totalHits(expired), hitsBefore + 1);
  // The response over the trusted-time connection is sampled like any other.
  assert.equal(clock.samples.length, 1);
});

test('the same with an untrusted clock: CLOCK_UNTRUSTED, naming the certificate, and nothing sent', async () => {
  const clock = new StubTrustedClock({ offsetMs: -2 * DAY_MS, trusted: false });
  const hitsBefore = totalHits(expired);
  const e = await rejectsAppError(get(expired, clock), 'CLOCK_UNTRUSTED', { host: 'api.test', subject: 'CN=api.test', verificationSkipped: false, clockTrusted: false });
  assert.equal(e.diagnosis.evidence['url'], `https://api.test:${expired.port}/`);
  for (const k of ['validFrom', 'validTo', 'systemTime', 'trustedTime']) assert.equal(typeof e.diagnosis.evidence[k], 'string', k);
  assert.equal(totalHits(expired), hitsBefore);
});

test('trusted time also outside the validity: TLS_CERT_EXPIRED', async () => {
  const clock = new StubTrustedClock({ offsetMs: 0, trusted: true });
  const hitsBefore = totalHits(expired);
  const e = await rejectsAppError(get(expired, clock), 'TLS_CERT_EXPIRED', { subject: 'CN=api.test', clockTrusted: true });
  assert.equal(typeof e.diagnosis.evidence['validTo'], 'string');
  assert.equal(totalHits(expired), hitsBefore);
});

test('wrong host name on the trusted-time path: TLS_HOSTNAME_MISMATCH (the custom path checks the host)', async () => {
  const clock = new StubTrustedClock({ offsetMs: -2 * DAY_MS, trusted: true });
  const hitsBefore = totalHits(expired);
  await rejectsAppError(get(expired, clock, { host: 'wrong.test' }), 'TLS_HOSTNAME_MISMATCH', { host: 'wrong.test', subject: 'CN=api.test' });
  assert.equal(totalHits(expired), hitsBefore);
});

test('untrusted CA on the trusted-time path: TLS_UNTRUSTED (OpenSSL reports only the expiry)', async () => {
  const clock = new StubTrustedClock({ offsetMs: -2 * DAY_MS, trusted: true });
  const hitsBefore = totalHits(expired);
  await rejectsAppError(get(expired, clock, { caPem: otherRoot.certPem }), 'TLS_UNTRUSTED', { subject: 'CN=api.test', issuer: 'CN=Time Root' });
  assert.equal(totalHits(expired), hitsBefore);
});

test('valid from tomorrow, trusted time two days ahead: accepted; at the system time: TLS_CERT_NOT_YET_VALID', async () => {
  const r = await get(future, new StubTrustedClock({ offsetMs: 2 * DAY_MS, trusted: true }));
  assert.equal(r.status, 200);
  const hitsBefore = totalHits(future);
  await rejectsAppError(get(future, new StubTrustedClock({ offsetMs: 0, trusted: true })), 'TLS_CERT_NOT_YET_VALID', { subject: 'CN=api.test' });
  assert.equal(totalHits(future), hitsBefore);
});

test('an expired intermediate: accepted at a trusted time inside its validity, else named in TLS_CERT_EXPIRED', async () => {
  const r = await get(expiredInter, new StubTrustedClock({ offsetMs: -2 * DAY_MS, trusted: true }));
  assert.equal(r.status, 200);
  await rejectsAppError(get(expiredInter, new StubTrustedClock({ offsetMs: 0, trusted: true })), 'TLS_CERT_EXPIRED', { subject: 'CN=Old Intermediate' });
});

test('trust roots: the request bundle only, else Node\'s default CA certificates', () => {
  assert.deepEqual(
    trustRoots(root.certPem + otherRoot.certPem).map((c) => c.subject),
    ['CN=Time Root', 'CN=Other Root'],
  );
  assert.equal(trustRoots('no certificates here').length, 0);
  assert.equal(trustRoots(undefined).length, getCACertificates('default').length);
  assert.ok(trustRoots(undefined).length > 50);
});
