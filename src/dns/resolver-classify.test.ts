import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFakeIp, isNonPublic } from './ip-ranges.ts';
import { classifyCanaryAnswer, classifyResolverAnswer, ttlDecides, type ResolverObservation } from './resolver-classify.ts';
import { RCODE, TYPE } from './wire.ts';

const base: ResolverObservation = {
  resolver: '127.0.0.1:5353',
  fqdn: 'home.example.test.',
  type: TYPE.A,
  rcode: RCODE.NOERROR,
  values: ['203.0.113.5'],
  ttl: 300,
};
const auth = { values: ['203.0.113.5'] };

void test('ip ranges', () => {
  for (const ip of ['198.18.0.1', '198.19.255.254', '::ffff:198.18.0.7']) assert.equal(isFakeIp(ip), true, ip);
  for (const ip of ['198.17.255.255', '198.20.0.0', '2001:db8::1', 'nonsense']) assert.equal(isFakeIp(ip), false, ip);
  for (const ip of ['10.1.2.3', '172.31.0.1', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '100.127.255.255', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1'])
    assert.equal(isNonPublic(ip), true, ip);
  for (const ip of ['203.0.113.5', '172.32.0.1', '100.128.0.1', '2001:db8::1', '8.8.8.8']) assert.equal(isNonPublic(ip), false, ip);
});

void test('honest: same values (any order, any spelling), whatever the TTL', () => {
  assert.equal(classifyResolverAnswer(base, auth), undefined);
  assert.equal(classifyResolverAnswer({ ...base, ttl: 0 }, auth), undefined);
  assert.equal(
    classifyResolverAnswer({ ...base, type: TYPE.AAAA, values: ['2001:DB8::1', '2001:db8:0::2'] }, { values: ['2001:db8::2', '2001:db8::1'] }),
    undefined,
  );
  assert.equal(classifyResolverAnswer({ ...base, rcode: RCODE.NXDOMAIN, values: [], ttl: 30 }, { values: [] }), undefined);
});

void test('fake-IP range: RESOLVER_FAKE_IP with the evidence the user needs', () => {
  const f = classifyResolverAnswer({ ...base, values: ['198.18.0.7'], ttl: 1 }, auth);
  assert.equal(f?.code, 'RESOLVER_FAKE_IP');
  assert.equal(f?.severity, 'warning');
  assert.deepEqual(f?.evidence, {
    resolver: '127.0.0.1:5353',
    name: 'home.example.test.',
    type: 'A',
    rcode: 'NOERROR',
    answered: ['198.18.0.7'],
    authoritative: ['203.0.113.5'],
    reason: 'fake-ip-range',
    ttl: 1,
  });
  // Counting down or not, a fake IP stays a fake IP.
  assert.equal(ttlDecides({ ...base, values: ['198.18.0.7'] }, auth), false);
  // The authoritative servers really serving a 198.18 address is not fake.
  assert.equal(classifyResolverAnswer({ ...base, values: ['198.18.0.7'] }, { values: ['198.18.0.7'] }), undefined);
});

void test('private/loopback/CGNAT answer for a public name: RESOLVER_LYING', () => {
  for (const ip of ['10.0.0.1', '127.0.0.1', '100.64.1.1', '0.0.0.0', '169.254.0.1']) {
    const f = classifyResolverAnswer({ ...base, values: [ip] }, auth);
    assert.equal(f?.code, 'RESOLVER_LYING', ip);
    assert.equal(f?.evidence['reason'], 'non-public-address');
  }
  const v6 = classifyResolverAnswer({ ...base, type: TYPE.AAAA, values: ['::1'] }, { values: ['2001:db8::1'] });
  assert.equal(v6?.code, 'RESOLVER_LYING');
  // Ad-blocker style: 0.0.0.0 for a name the zone does not have.
  assert.equal(classifyResolverAnswer({ ...base, values: ['0.0.0.0'] }, { values: [] })?.code, 'RESOLVER_LYING');
  // A zone that serves private addresses itself: an old private value is just stale.
  assert.equal(classifyResolverAnswer({ ...base, values: ['10.0.0.1'] }, { values: ['10.0.0.2'] })?.code, 'RESOLVER_STALE');
});

void test('other values: stale when the TTL counts down, lying when it does not', () => {
  const old = { ...base, values: ['203.0.113.4'], ttl: 3590 };
  assert.equal(ttlDecides(old, auth), true);
  const stale = classifyResolverAnswer({ ...old, ttlCountingDown: true, ttlLater: 3589 }, auth);
  assert.equal(stale?.code, 'RESOLVER_STALE');
  assert.equal(stale?.evidence['ttl'], 3590);
  assert.equal(stale?.evidence['ttlLater'], 3589);
  assert.deepEqual(stale?.evidence['answered'], ['203.0.113.4']);
  assert.deepEqual(stale?.evidence['authoritative'], ['203.0.113.5']);
  assert.equal(classifyResolverAnswer({ ...old, ttlCountingDown: false }, auth)?.code, 'RESOLVER_LYING');
  assert.equal(classifyResolverAnswer({ ...old, ttlCountingDown: false }, auth)?.evidence['reason'], 'static-answer');
});

void test('other values, TTL not measured: plausible cache TTL is stale, 0 or huge is lying', () => {
  const old = { ...base, values: ['203.0.113.4'] };
  assert.equal(classifyResolverAnswer({ ...old, ttl: 120 }, auth)?.code, 'RESOLVER_STALE');
  assert.equal(classifyResolverAnswer({ ...old, ttl: 0 }, auth)?.code, 'RESOLVER_LYING');
  assert.equal(classifyResolverAnswer({ ...old, ttl: 604801 }, auth)?.code, 'RESOLVER_LYING');
  assert.equal(classifyResolverAnswer({ ...old, ttl: 90000 }, auth, { maxCacheTtl: 86400 })?.code, 'RESOLVER_LYING');
  // Missing one of two values (an RRset that grew) is a difference too.
  assert.equal(classifyResolverAnswer({ ...base, type: TYPE.TXT, values: ['a'], ttl: 50 }, { values: ['a', 'b'] })?.code, 'RESOLVER_STALE');
});

void test('cached NXDOMAIN for a name that now exists: stale, reason cached-old-negative', () => {
  const f = classifyResolverAnswer({ ...base, rcode: RCODE.NXDOMAIN, values: [], ttl: 25 }, auth);
  assert.equal(f?.code, 'RESOLVER_STALE');
  assert.equal(f?.evidence['reason'], 'cached-old-negative');
  assert.equal(f?.evidence['rcode'], 'NXDOMAIN');
  assert.equal(classifyResolverAnswer({ ...base, rcode: RCODE.NXDOMAIN, values: [], ttl: undefined }, auth)?.code, 'RESOLVER_LYING');
});

void test('SERVFAIL/REFUSED: info, not lying', () => {
  const s = classifyResolverAnswer({ ...base, rcode: RCODE.SERVFAIL, values: [] }, auth);
  assert.equal(s?.code, 'DNS_SERVFAIL');
  assert.equal(s?.severity, 'info');
  assert.equal(classifyResolverAnswer({ ...base, rcode: RCODE.REFUSED, values: [] }, auth)?.code, 'DNS_REFUSED');
});

void test('CNAME chain appears in the evidence', () => {
  const f = classifyResolverAnswer({ ...base, values: ['198.18.0.1'], cnameChain: ['cdn.example.net.'] }, auth);
  assert.deepEqual(f?.evidence['cnameChain'], ['cdn.example.net.']);
});

void test('canary: address for a nonexistent name', () => {
  const canary = { ...base, fqdn: 'zk-canary-00ff.example.test.', values: ['192.0.2.200'] };
  assert.equal(classifyCanaryAnswer(canary)?.code, 'RESOLVER_NXDOMAIN_REWRITE');
  assert.equal(classifyCanaryAnswer({ ...canary, values: ['198.18.3.4'] })?.code, 'RESOLVER_FAKE_IP');
  assert.equal(classifyCanaryAnswer({ ...canary, rcode: RCODE.NXDOMAIN, values: [] }), undefined);
  assert.equal(classifyCanaryAnswer({ ...canary, values: [] }), undefined);
});
