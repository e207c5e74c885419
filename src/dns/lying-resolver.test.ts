import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import type { ServerAddress } from './context.ts';
import { checkResolver, type ResolverProbe } from './lying-resolver.ts';
import { rdataFromText } from './rdata.ts';
import { startFakeDns, replyTo, type FakeDnsServer, type FakeHandler } from './testing/fake-dns-server.ts';
import { zoneResponder, type FakeRecord } from './testing/zone-responder.ts';
import { CLASS, FLAG, RCODE, TYPE } from './wire.ts';

const RECORDS: FakeRecord[] = [{ name: 'home.example.test', type: 'A', value: '203.0.113.5' }];
const honest = zoneResponder(['example.test'], RECORDS, { aa: false });

let auth: FakeDnsServer;
let resolver: FakeDnsServer;
let handler: FakeHandler = honest;
const addr = (s: FakeDnsServer): ServerAddress => ({ host: s.host, port: s.port });

before(async () => {
  auth = await startFakeDns('127.0.0.1', zoneResponder(['example.test'], RECORDS));
  resolver = await startFakeDns('127.0.0.1', (r) => handler(r));
});
after(async () => {
  await Promise.all([auth.stop(), resolver.stop()]);
});

function probe(): ResolverProbe {
  return { fqdn: 'home.example.test', type: 'A', authoritativeValues: ['203.0.113.5'], zone: 'example.test', authoritative: [addr(auth)] };
}

/** Answers every A question with `ip` and the TTL `ttl(n)` for the n-th request. */
function answering(ip: string | ((name: string) => string | undefined), ttl: (n: number) => number = () => 60): FakeHandler {
  return (r) => {
    const q = r.message.questions[0];
    const value = typeof ip === 'string' ? ip : ip(q?.name ?? '');
    if (q === undefined || value === undefined) return honest(r);
    return [{ bytes: replyTo(r.message, { flags: FLAG.QR | FLAG.RD | FLAG.RA, answers: [{ name: q.name, type: TYPE.A, class: CLASS.IN, ttl: ttl(r.index), rdata: rdataFromText(TYPE.A, value) }] }) }];
  };
}

const noSleep = async (): Promise<void> => {};

void test('honest resolver: no findings, and the canary was asked', async () => {
  handler = honest;
  resolver.requests.length = 0;
  assert.deepEqual(await checkResolver(addr(resolver), probe(), { sleep: noSleep }), []);
  const names = resolver.requests.map((r) => r.message.questions[0]?.name ?? '');
  assert.equal(names[0], 'home.example.test.');
  assert.match(names[1] ?? '', /^zk-canary-[0-9a-f]{12}\.example\.test\.$/);
});

void test('fake-IP resolver: one RESOLVER_FAKE_IP finding naming resolver, name, answer and the truth', async () => {
  handler = answering('198.18.0.7', () => 1);
  const findings = await checkResolver(addr(resolver), probe(), { sleep: noSleep });
  assert.equal(findings.length, 1);
  const f = findings[0];
  assert.equal(f?.code, 'RESOLVER_FAKE_IP');
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.evidence['resolver'], `127.0.0.1:${resolver.port}`);
  assert.equal(f?.evidence['name'], 'home.example.test.');
  assert.deepEqual(f?.evidence['answered'], ['198.18.0.7']);
  assert.deepEqual(f?.evidence['authoritative'], ['203.0.113.5']);
});

void test('NXDOMAIN rewriting: the canary gets an address', async () => {
  handler = answering((name) => (name.startsWith('zk-canary-') ? '192.0.2.250' : undefined));
  const findings = await checkResolver(addr(resolver), probe(), { sleep: noSleep });
  assert.deepEqual(
    findings.map((f) => f.code),
    ['RESOLVER_NXDOMAIN_REWRITE'],
  );
  assert.deepEqual(findings[0]?.evidence['answered'], ['192.0.2.250']);
  assert.match(JSON.stringify(findings[0]?.evidence['name']), /^"zk-canary-/);
});

void test('stale cache: old value with a TTL counting down, asked again after the pause', async () => {
  let slept = 0;
  handler = answering('203.0.113.4', (n) => 3600 - n);
  resolver.requests.length = 0;
  const findings = await checkResolver(addr(resolver), probe(), {
    sleep: async (ms) => {
      slept = ms;
    },
    canary: false,
  });
  assert.equal(slept, 1100);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.code, 'RESOLVER_STALE');
  assert.equal(findings[0]?.evidence['ttl'], 3600);
  assert.equal(findings[0]?.evidence['ttlLater'], 3599);
  assert.deepEqual(findings[0]?.evidence['answered'], ['203.0.113.4']);
});

void test('a stale entry that expires during the pause is still stale', async () => {
  // With maxCacheTtl 50, a TTL of 100 alone would read as a lie; the second look shows the entry expiring.
  handler = (r) => (r.index === 0 ? answering('203.0.113.4', () => 100)(r) : honest(r));
  resolver.requests.length = 0;
  const findings = await checkResolver(addr(resolver), probe(), { sleep: noSleep, canary: false, maxCacheTtl: 50 });
  assert.deepEqual(
    findings.map((f) => f.code),
    ['RESOLVER_STALE'],
  );
});

void test('a rewritten answer whose TTL never moves: RESOLVER_LYING', async () => {
  handler = answering('203.0.113.66', () => 60);
  const findings = await checkResolver(addr(resolver), probe(), { sleep: noSleep, canary: false });
  assert.deepEqual(
    findings.map((f) => [f.code, f.evidence['reason']]),
    [['RESOLVER_LYING', 'static-answer']],
  );
});

void test('a private address for a public name: RESOLVER_LYING without a second look', async () => {
  handler = answering('10.0.0.1', () => 60);
  resolver.requests.length = 0;
  const findings = await checkResolver(addr(resolver), probe(), { sleep: () => Promise.reject(new Error('must not sleep')), canary: false });
  assert.deepEqual(
    findings.map((f) => f.code),
    ['RESOLVER_LYING'],
  );
  assert.equal(resolver.requests.length, 1);
});

void test('a resolver that does not answer: one DNS_TIMEOUT finding, severity info', async () => {
  handler = () => [];
  const findings = await checkResolver(addr(resolver), probe(), { timeoutMs: 150, sleep: noSleep });
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.code, 'DNS_TIMEOUT');
  assert.equal(findings[0]?.severity, 'info');
  assert.equal(findings[0]?.evidence['resolver'], `127.0.0.1:${resolver.port}`);
  assert.equal(findings[0]?.evidence['name'], 'home.example.test.');
});

void test('SERVFAIL: DNS_SERVFAIL info finding', async () => {
  handler = (r) => [{ bytes: replyTo(r.message, { flags: FLAG.QR | RCODE.SERVFAIL }) }];
  const findings = await checkResolver(addr(resolver), probe(), { sleep: noSleep });
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity]),
    [['DNS_SERVFAIL', 'info']],
  );
});

void test('abort rejects with ABORTED', async () => {
  handler = () => [];
  const ac = new AbortController();
  const p = checkResolver(addr(resolver), probe(), { signal: ac.signal, timeoutMs: 30000 });
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === 'ABORTED');
});
