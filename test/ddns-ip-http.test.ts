/**
 * IP detection against local HTTPS echo servers on loopback (test CA, some
 * on 127.0.0.1, some on ::1): honest ones answering a public address in
 * plain text or JSON, liars answering a private address, a fake-IP
 * (198.18/15) address, an HTML page containing the address, a zone id, a
 * ULA, another public address, and one that takes the request and never
 * answers. The quorum answer must be right and every liar named with its
 * reason; with too few honest sources, IP_QUORUM_NOT_REACHED names them
 * all. Also: sockets are of the section's family only, and `bind` sets the
 * source address. Nothing but loopback is contacted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { renderError } from '../src/cli/render.ts';
import { rejectsAppError } from '../src/core/testing/app-error-assert.ts';
import { addressOrThrow, detect, detectFamily, parseIpDetectionConfig, parseIpFamilyConfig, type FamilyDetection } from '../src/ddns/ip/index.ts';
import { startEchoServer, type EchoServer } from '../src/ddns/ip/testing/echo-server.ts';
import { createHttpClient } from '../src/http/client.ts';
import type { HttpClient } from '../src/http/types.ts';
import { createTestPki } from './harness/test-ca.ts';

const V4 = '81.2.3.4';
const V6 = '2a01:4f8:c0c:1234::1';

let dir: string;
let caFile: string;
let http: HttpClient;
/** A client that connects to ::1 for "localhost" (a pin, not the system resolver). */
let pinnedHttp: HttpClient;
const servers: Record<string, EchoServer> = {};
const url = (name: string): string => (servers[name] as EchoServer).url;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zk-ddns-ip-'));
  const pki = await createTestPki({ now: systemClock.now() });
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, pki.ca.certPem);
  const cert = { certPem: pki.server.certPem, keyPem: pki.server.keyPem };
  const v4 = { ...cert, host: '127.0.0.1' as const };
  const v6 = { ...cert, host: '::1' as const };
  const specs: [string, Promise<EchoServer>][] = [
    ['plain', startEchoServer({ ...v4, reply: { body: `${V4}\n` } })],
    ['json', startEchoServer({ ...v4, reply: { contentType: 'application/json', body: JSON.stringify({ ip: V4, country: 'DE' }) } })],
    ['spaced', startEchoServer({ ...v4, reply: { body: `  ${V4}  \r\n` } })],
    ['private', startEchoServer({ ...v4, reply: { body: '192.168.1.20\n' } })],
    ['fakeip', startEchoServer({ ...v4, reply: { body: '198.18.0.9\n' } })],
    ['html', startEchoServer({ ...v4, reply: { contentType: 'text/html', body: `<!DOCTYPE html><html><body><h1>Your IP</h1><p>${V4}</p></body></html>` } })],
    ['sentence', startEchoServer({ ...v4, reply: { body: `Your IP address is ${V4}.` } })],
    ['other', startEchoServer({ ...v4, reply: { body: '81.2.3.99\n' } })],
    ['error', startEchoServer({ ...v4, reply: { status: 503, body: 'busy' } })],
    ['silent', startEchoServer({ ...v4, reply: 'hang' })],
    ['bound', startEchoServer({ ...v4, reply: (req) => (req.socket.remoteAddress === '127.0.0.2' ? { body: V4 } : { status: 403, body: `not from ${req.socket.remoteAddress ?? '?'}` }) })],
    ['plain6', startEchoServer({ ...v6, reply: { body: `${V6}\n` } })],
    ['json6', startEchoServer({ ...v6, reply: { contentType: 'application/json', body: JSON.stringify({ address: { v6: '2A01:04F8:0C0C:1234:0:0:0:1' } }) } })],
    ['ula6', startEchoServer({ ...v6, reply: { body: 'fd00::1\n' } })],
    ['zone6', startEchoServer({ ...v6, reply: { body: 'fe80::1%eth0\n' } })],
    ['silent6', startEchoServer({ ...v6, reply: 'hang' })],
  ];
  for (const [name, s] of await Promise.all(specs.map(async ([n, p]) => [n, await p] as const))) servers[name] = s;
  http = createHttpClient({ clock: new CorrectedClock({ system: systemClock }) });
  pinnedHttp = createHttpClient({ clock: new CorrectedClock({ system: systemClock }), resolve: { localhost: '::1' } });
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** source URL → [accepted, reason, errorCode] */
function verdicts(d: FamilyDetection | undefined): Record<string, [boolean, string | undefined, string | undefined]> {
  assert.ok(d !== undefined);
  return Object.fromEntries(d.sources.map((s) => [s.source, [s.accepted, s.reason, s.errorCode]]));
}

void test('IPv4: three honest endpoints agree; every liar is named with its reason', async () => {
  const config = parseIpDetectionConfig(
    {
      ipv4: {
        quorum: 2,
        sources: [
          { type: 'http', trust: caFile, urls: [url('plain'), { url: url('json'), format: 'json' }, url('spaced'), url('private'), url('fakeip'), url('html'), url('sentence'), url('other'), url('error')] },
          { type: 'http', trust: caFile, timeout: 300, urls: [url('silent')] },
        ],
      },
      ipv6: false,
    },
    {},
  );
  const found = await detect(config, { clock: systemClock, http });
  assert.equal(found.ipv6, undefined);
  assert.equal(found.ipv4?.address, V4);
  assert.equal(found.ipv4?.votes, 3);
  assert.equal(found.ipv4?.error, undefined);
  assert.deepEqual(verdicts(found.ipv4), {
    [url('plain')]: [true, undefined, undefined],
    [url('json')]: [true, undefined, undefined],
    [url('spaced')]: [true, undefined, undefined],
    [url('private')]: [false, 'private', undefined],
    [url('fakeip')]: [false, 'benchmark', undefined],
    [url('html')]: [false, 'html', undefined],
    [url('sentence')]: [false, 'text-around-address', undefined],
    [url('other')]: [false, 'disagrees', undefined],
    [url('error')]: [false, 'http-status', undefined],
    [url('silent')]: [false, 'timeout', 'HTTP_TIMEOUT'],
  });
  const byUrl = new Map(found.ipv4?.sources.map((s) => [s.source, s]));
  assert.equal(byUrl.get(url('private'))?.answer, '192.168.1.20');
  assert.equal(byUrl.get(url('other'))?.address, '81.2.3.99');
  assert.equal(byUrl.get(url('error'))?.status, 503);
  assert.match(byUrl.get(url('html'))?.answer ?? '', /^<!DOCTYPE html>/);
  assert.equal(servers['silent']?.hits(), 1, 'the silent endpoint was asked once, not retried');
});

void test('IPv6 over ::1: JSON field and plain text agree; ULA, zone id and silence are named', async () => {
  const config = parseIpFamilyConfig(
    {
      sources: [
        { type: 'http', trust: caFile, urls: [url('plain6'), { url: url('json6'), format: 'json', field: 'address.v6' }, url('ula6'), url('zone6')] },
        { type: 'http', trust: caFile, timeout: 300, urls: [url('silent6')] },
      ],
    },
    6,
    'ddns.ipv6',
    {},
  );
  const d = await detectFamily(config, { clock: systemClock, http, ifInet6Path: join(dir, 'no-table') });
  assert.equal(d.address, V6);
  assert.deepEqual(verdicts(d), {
    [url('plain6')]: [true, undefined, undefined],
    [url('json6')]: [true, undefined, undefined],
    [url('ula6')]: [false, 'ula', undefined],
    [url('zone6')]: [false, 'zone-id', undefined],
    [url('silent6')]: [false, 'timeout', 'HTTP_TIMEOUT'],
  });
});

void test('IPv6: an answer that is one of our own temporary addresses (kernel flags) is refused', async () => {
  const table = join(dir, 'if_inet6');
  await writeFile(table, '2a0104f80c0c12340000000000000001 03 40 00 01     eth0\n');
  const config = parseIpFamilyConfig({ sources: [{ type: 'http', trust: caFile, urls: [url('plain6'), { url: url('json6'), format: 'json', field: 'address.v6' }] }] }, 6, 'ddns.ipv6', {});
  const d = await detectFamily(config, { clock: systemClock, http, ifInet6Path: table });
  assert.equal(d.address, undefined);
  assert.deepEqual(
    d.sources.map((s) => [s.answer, s.reason]),
    [
      [V6, 'temporary'],
      [V6, 'temporary'],
    ],
  );
});

void test('quorum not reached: IP_QUORUM_NOT_REACHED names every source and why', async () => {
  const config = parseIpFamilyConfig(
    {
      quorum: 2,
      sources: [
        { type: 'http', trust: caFile, urls: [url('plain'), url('private'), url('html')] },
        { type: 'http', urls: [url('spaced')] }, // no trust: the test CA is not a system root
        { type: 'http', trust: caFile, timeout: 300, urls: [url('silent')] },
      ],
    },
    4,
    'ddns.ipv4',
    {},
  );
  const d = await detectFamily(config, { clock: systemClock, http });
  assert.equal(d.address, undefined);
  const e = await rejectsAppError(Promise.resolve().then(() => addressOrThrow(d)), 'IP_QUORUM_NOT_REACHED', { family: 'ipv4', quorum: 2, votes: 1 });
  const [plain, priv, html, untrusted, silent, ...rest] = e.diagnosis.evidence['sources'] as Record<string, unknown>[];
  assert.deepEqual(rest, []);
  assert.deepEqual(plain, { type: 'http', source: url('plain'), answer: V4, reason: 'not-confirmed' });
  assert.deepEqual(priv, { type: 'http', source: url('private'), answer: '192.168.1.20', reason: 'private' });
  assert.deepEqual({ ...html, answer: undefined }, { type: 'http', source: url('html'), answer: undefined, reason: 'html' });
  assert.match(String(html?.['answer']), /^<!DOCTYPE html>.*81\.2\.3\.4/);
  assert.deepEqual(untrusted, { type: 'http', source: url('spaced'), reason: 'request-failed', errorCode: 'TLS_UNTRUSTED' });
  assert.deepEqual(silent, { type: 'http', source: url('silent'), reason: 'timeout', errorCode: 'HTTP_TIMEOUT' });
  // Both languages render it, naming every source.
  for (const lang of ['en', 'zh-CN'] as const) {
    const text = renderError(lang, e, false);
    for (const name of ['plain', 'private', 'html', 'spaced', 'silent']) assert.ok(text.includes(url(name)), `${lang} names ${name}`);
  }
});

void test('sockets are of the section family only: "localhost" pinned to ::1 answers the IPv6 section, not the IPv4 one', async () => {
  const port = new URL(url('plain6')).port;
  const target = `https://localhost:${port}/ip`;
  const raw = { sources: [{ type: 'http', trust: caFile, urls: [target] }] };
  const hitsBefore = servers['plain6']?.hits() ?? 0;
  const v4 = await detectFamily(parseIpFamilyConfig(raw, 4, 'ddns.ipv4', {}), { clock: systemClock, http: pinnedHttp });
  assert.deepEqual(verdicts(v4), { [target]: [false, 'request-failed', 'HTTP_CONNECTION'] });
  assert.equal(v4.sources[0]?.detail, 'EAFNOSUPPORT');
  assert.equal(servers['plain6']?.hits(), hitsBefore, 'nothing was sent over the other family');
  const v6 = await detectFamily(parseIpFamilyConfig(raw, 6, 'ddns.ipv6', {}), { clock: systemClock, http: pinnedHttp, ifInet6Path: join(dir, 'no-table') });
  assert.equal(v6.address, V6);
  // The client itself refuses an IP literal of the other family before connecting.
  await rejectsAppError(http.request({ method: 'GET', url: url('plain6'), family: 4 }), 'HTTP_CONNECTION', { error: 'EAFNOSUPPORT' });
});

void test('bind sets the source address of the sockets', async () => {
  const raw = (bind?: string): unknown => ({ sources: [{ type: 'http', trust: caFile, urls: [url('bound')], ...(bind === undefined ? {} : { bind }) }] });
  const bound = await detectFamily(parseIpFamilyConfig(raw('127.0.0.2'), 4, 'ddns.ipv4', {}), { clock: systemClock, http });
  assert.equal(bound.address, V4);
  const unbound = await detectFamily(parseIpFamilyConfig(raw(), 4, 'ddns.ipv4', {}), { clock: systemClock, http });
  assert.equal(unbound.sources[0]?.reason, 'http-status');
  assert.equal(unbound.sources[0]?.status, 403);
  const noSuch = await detectFamily(parseIpFamilyConfig(raw('zk-no-such0'), 4, 'ddns.ipv4', {}), { clock: systemClock, http });
  assert.equal(noSuch.sources[0]?.reason, 'bind-no-address');
});
