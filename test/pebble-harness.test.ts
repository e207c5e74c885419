/**
 * Smoke tests of the ACME test bed: real Pebble 2.4.0 (validating against
 * real BIND), its test PKI and the ARI proxy, driven with plain node:https
 * and a minimal JWS signer built on jose (no product ACME code).
 *
 * Two Pebbles: `main` (one alternate chain, default TLS window, ARI proxy in
 * front) and `eab` (EAB required, TLS certificate expired yesterday).
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FlattenedSign, exportJWK, type JWK } from 'jose';
import { AuthorityKeyIdentifierExtension, BasicConstraintsExtension, X509Certificate, X509CertificateGenerator } from '@peculiar/x509';
import { systemClock } from '../src/clock/system-clock.ts';
import { startBind, type BindBed } from './harness/bind.ts';
import { newEabKey, startPebble, type PebbleBed } from './harness/pebble.ts';
import { ariCertId, startAriProxy, type AriProxy } from './harness/ari-responder.ts';
import { httpsRequest, type HttpsRequestOptions, type HttpsResponse } from './harness/https-request.ts';

const DAY = 86_400_000;
const EAB_KID = 'kid-zk';
const EAB_KEY = newEabKey();

let bind: BindBed;
let main: PebbleBed;
let eab: PebbleBed;
let ari: AriProxy;

before(async () => {
  bind = await startBind({ secondaries: 0 });
  const now = systemClock.now();
  [main, eab] = await Promise.all([
    startPebble({ dnsServer: bind.primary, now, alternateRoots: 1 }),
    startPebble({
      dnsServer: bind.primary,
      now,
      eab: { [EAB_KID]: EAB_KEY },
      tlsNotBefore: new Date(now - 120 * DAY),
      tlsNotAfter: new Date(now - DAY),
    }),
  ]);
  ari = await startAriProxy({ pebble: main });
});

after(async () => {
  await ari?.stop();
  await Promise.all([main?.stop(), eab?.stop()]);
  await bind?.stop();
});

type Directory = Record<string, string> & { meta?: Record<string, unknown> };

/** TLS for `bed`: trust its CA normally, or pin its exact certificate (for the expired one). */
function tls(bed: PebbleBed, pinned = false): HttpsRequestOptions {
  return pinned ? { ca: bed.tlsCaPem, pinnedCertPem: bed.pki.server.certPem } : { ca: bed.tlsCaPem };
}

async function directory(url: string, t: HttpsRequestOptions): Promise<Directory> {
  const res = await httpsRequest(url, t);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as Directory;
}

function tlsCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.equal((e as { code?: unknown }).code, code, String(e));
    return true;
  };
}

/** A throwaway ES256 account signer: just enough ACME to poke the bed. */
class Signer {
  readonly key: KeyObject;
  readonly jwk: JWK;
  kid: string | undefined;

  private constructor(key: KeyObject, jwk: JWK) {
    this.key = key;
    this.jwk = jwk;
  }

  static async create(): Promise<Signer> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const full = await exportJWK(createPublicKey(privateKey));
    return new Signer(privateKey, { kty: 'EC', crv: full.crv, x: full.x, y: full.y } as JWK);
  }

  async post(dir: Directory, url: string, payload: unknown, t: HttpsRequestOptions): Promise<HttpsResponse> {
    const nonce = (await httpsRequest(String(dir['newNonce']), { ...t, method: 'HEAD' })).headers['replay-nonce'];
    assert.equal(typeof nonce, 'string');
    const header = this.kid === undefined ? { alg: 'ES256', nonce, url, jwk: this.jwk } : { alg: 'ES256', nonce, url, kid: this.kid };
    const body = await new FlattenedSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(this.key);
    return httpsRequest(url, { ...t, method: 'POST', headers: { 'content-type': 'application/jose+json' }, body: JSON.stringify(body) });
  }

  async register(dir: Directory, t: HttpsRequestOptions, extra: Record<string, unknown> = {}): Promise<HttpsResponse> {
    const res = await this.post(dir, String(dir['newAccount']), { termsOfServiceAgreed: true, ...extra }, t);
    if (res.status === 201) this.kid = String(res.headers['location']);
    return res;
  }
}

test('directory over HTTPS trusting the test CA: every RFC 8555 endpoint, all on 127.0.0.1:<port>', async () => {
  const origin = new URL(main.directoryUrl).origin;
  assert.match(origin, /^https:\/\/127\.0\.0\.1:\d+$/);
  const dir = await directory(main.directoryUrl, tls(main));
  for (const k of ['newNonce', 'newAccount', 'newOrder', 'revokeCert', 'keyChange']) {
    assert.ok(String(dir[k]).startsWith(`${origin}/`), `${k}: ${dir[k]}`);
  }
  assert.equal(dir.meta?.['externalAccountRequired'], false);
  assert.equal(dir['renewalInfo'], undefined, 'Pebble 2.4.0 has no ARI of its own');
});

test('a client trusting only the unrelated CA fails TLS verification', async () => {
  await assert.rejects(httpsRequest(main.directoryUrl, { ca: main.otherCaPem }), tlsCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
});

test('nonce endpoint: HEAD 200 and GET 204, each with a fresh Replay-Nonce', async () => {
  const dir = await directory(main.directoryUrl, tls(main));
  const head = await httpsRequest(String(dir['newNonce']), { ...tls(main), method: 'HEAD' });
  const get = await httpsRequest(String(dir['newNonce']), tls(main));
  assert.equal(head.status, 200);
  assert.equal(get.status, 204);
  const [a, b] = [head.headers['replay-nonce'], get.headers['replay-nonce']];
  assert.match(String(a), /^[A-Za-z0-9_-]+$/);
  assert.match(String(b), /^[A-Za-z0-9_-]+$/);
  assert.notEqual(a, b);
});

test('roots() and intermediates(): one per chain, intermediate i signed by root i', async () => {
  const [roots, inters] = [await main.roots(), await main.intermediates()];
  assert.equal(roots.length, 2, 'default chain + 1 alternate');
  assert.equal(inters.length, 2);
  const r = roots.map((p) => new X509Certificate(p));
  const i = inters.map((p) => new X509Certificate(p));
  assert.notEqual(r[0]?.subject, r[1]?.subject);
  for (let n = 0; n < 2; n++) {
    const root = r[n];
    const inter = i[n];
    assert.ok(root !== undefined && inter !== undefined);
    assert.equal(await root.isSelfSigned(crypto), true);
    assert.equal(root.getExtension(BasicConstraintsExtension)?.ca, true);
    assert.equal(inter.getExtension(BasicConstraintsExtension)?.ca, true);
    assert.equal(await inter.verify({ publicKey: root.publicKey, signatureOnly: true }, crypto), true, `chain ${n}`);
    const other = r[1 - n];
    assert.ok(other !== undefined);
    assert.equal(await inter.verify({ publicKey: other.publicKey, signatureOnly: true }, crypto), false, `chain ${n} vs other root`);
  }
});

test('the TLS validity window comes from the options: an expired certificate fails as CERT_HAS_EXPIRED', async () => {
  await assert.rejects(httpsRequest(eab.directoryUrl, tls(eab)), tlsCode('CERT_HAS_EXPIRED'));
  assert.equal((await eab.roots()).length, 1, 'the harness pins the certificate, so management still works');
});

test('EAB: externalAccountRequired only when configured; newAccount needs a binding made with the configured key', async () => {
  const t = tls(eab, true);
  const dir = await directory(eab.directoryUrl, t);
  assert.equal(dir.meta?.['externalAccountRequired'], true);

  const without = await (await Signer.create()).register(dir, t);
  assert.equal(without.status, 403, without.text);
  assert.equal((JSON.parse(without.text) as { type: string }).type, 'urn:ietf:params:acme:error:externalAccountRequired');

  const s = await Signer.create();
  const binding = await new FlattenedSign(new TextEncoder().encode(JSON.stringify(s.jwk)))
    .setProtectedHeader({ alg: 'HS256', kid: EAB_KID, url: String(dir['newAccount']) })
    .sign(Buffer.from(EAB_KEY, 'base64url'));
  const withEab = await s.register(dir, t, { externalAccountBinding: binding });
  assert.equal(withEab.status, 201, withEab.text);
});

test('ariCertId matches the RFC 9773 section 4.1 example', async () => {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '87654321', // encoded 00 87 65 43 21
      name: 'CN=example',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new AuthorityKeyIdentifierExtension('69885b6b87464041e1b37b847ba0ae2cde01c8d4')],
    },
    crypto,
  );
  assert.equal(ariCertId(cert.toString('pem')), 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
});

test('ARI proxy directory: renewalInfo added, every URL moved to the proxy origin', async () => {
  const dir = await directory(ari.directoryUrl, tls(main));
  assert.equal(dir['renewalInfo'], ari.renewalInfoUrl);
  assert.ok(ari.renewalInfoUrl.startsWith(`${ari.origin}/`));
  assert.notEqual(ari.origin, new URL(main.directoryUrl).origin);
  for (const k of ['newNonce', 'newAccount', 'newOrder', 'revokeCert', 'keyChange']) {
    assert.ok(String(dir[k]).startsWith(`${ari.origin}/`), `${k}: ${dir[k]}`);
  }
});

test('renewal-info: the window set for a certID with Retry-After; unknown certID 404; malformed 400', async () => {
  const certId = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';
  const start = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
  const end = new Date(Date.UTC(2030, 0, 3, 3, 4, 5));
  ari.setWindow(certId, { start, end, explanationURL: 'https://example.test/why', retryAfterSeconds: 120 });
  const res = await httpsRequest(`${ari.renewalInfoUrl}/${certId}`, tls(main));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['retry-after'], '120');
  assert.deepEqual(JSON.parse(res.text), {
    suggestedWindow: { start: start.toISOString(), end: end.toISOString() },
    explanationURL: 'https://example.test/why',
  });
  assert.ok(ari.renewalInfoRequests.includes(certId));

  ari.clearWindow(certId);
  assert.equal((await httpsRequest(`${ari.renewalInfoUrl}/${certId}`, tls(main))).status, 404);
  assert.equal((await httpsRequest(`${ari.renewalInfoUrl}/no-dot`, tls(main))).status, 400);
});

test('newOrder through the proxy: signed proxy URLs verify, Pebble accepts `replaces`, the proxy records it', async () => {
  const t = tls(main);
  const dir = await directory(ari.directoryUrl, t);
  const s = await Signer.create();
  const acct = await s.register(dir, t);
  assert.equal(acct.status, 201, acct.text);
  assert.ok(s.kid?.startsWith(`${ari.origin}/`), `account Location: ${s.kid}`);

  const seen = ari.orders.length;
  const identifiers = [{ type: 'dns', value: 'a.example.test' }];
  const replaces = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';
  const order = await s.post(dir, String(dir['newOrder']), { identifiers, replaces }, t);
  assert.equal(order.status, 201, order.text);
  assert.ok(String(order.headers['location']).startsWith(`${ari.origin}/`));
  const body = JSON.parse(order.text) as { authorizations: string[]; finalize: string };
  assert.ok(body.finalize.startsWith(`${ari.origin}/`));
  assert.ok(body.authorizations.every((u) => u.startsWith(`${ari.origin}/`)));
  assert.deepEqual(ari.orders.slice(seen), [{ identifiers, replaces, status: 201 }]);

  const plain = await s.post(dir, String(dir['newOrder']), { identifiers }, t);
  assert.equal(plain.status, 201, plain.text);
  assert.deepEqual(ari.orders.slice(seen + 1), [{ identifiers, status: 201 }]);
});
