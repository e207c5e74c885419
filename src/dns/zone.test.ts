import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsContext, ServerAddress } from './context.ts';
import { findZone } from './zone.ts';
import { authoritativeServers } from './authoritative.ts';
import { startFakeDns, type FakeDnsServer } from './testing/fake-dns-server.ts';
import { zoneResponder, type FakeRecord } from './testing/zone-responder.ts';
import { rejectsAppError as rejectsWith } from '../core/testing/app-error-assert.ts';

const ZONES = ['example.test', 'sub.example.test', 'other.test'];
const RECORDS: FakeRecord[] = [
  { name: 'www.example.test', type: 'A', value: '192.0.2.1' },
  { name: 'alias.example.test', type: 'CNAME', value: 'nothing.other.test.' },
  { name: 'host.sub.example.test', type: 'A', value: '192.0.2.2' },
  { name: 'up.sub.example.test', type: 'CNAME', value: 'nothing.example.test.' },
  { name: 'deleg.example.test', type: 'NS', value: 'ns.elsewhere.test.' },
  { name: 'example.test', type: 'NS', value: 'ns1.example.test.' },
  { name: 'example.test', type: 'NS', value: 'ns2.example.test.' },
  { name: 'example.test', type: 'NS', value: 'ns3.other.test.' },
  { name: 'ns1.example.test', type: 'A', value: '192.0.2.53' },
  { name: 'ns1.example.test', type: 'AAAA', value: '2001:db8::53' },
  { name: 'ns2.example.test', type: 'A', value: '192.0.2.53' },
  { name: 'sub.example.test', type: 'NS', value: 'nowhere.other.test.' },
  { name: 'other.test', type: 'NS', value: 'gone.other.test.' },
];

let resolver: FakeDnsServer;
let auth: FakeDnsServer;
let silent: FakeDnsServer;
let refusing: FakeDnsServer;
const addr = (s: FakeDnsServer): ServerAddress => ({ host: s.host, port: s.port });

before(async () => {
  resolver = await startFakeDns('127.0.0.1', zoneResponder(ZONES, RECORDS, { aa: false }));
  auth = await startFakeDns('::1', zoneResponder(['example.test'], RECORDS, { chase: false }));
  silent = await startFakeDns('127.0.0.1', () => []);
  refusing = await startFakeDns('127.0.0.1', zoneResponder(['unrelated.test'], []));
});
after(async () => {
  await Promise.all([resolver, auth, silent, refusing].map((s) => s.stop()));
});

function ctx(o: Partial<DnsContext> = {}): DnsContext {
  return { resolvers: [addr(resolver)], nameservers: new Map(), timeoutMs: 2000, ...o };
}


void test('findZone via resolvers: the apex itself, a name in it, a nonexistent deep name', async () => {
  for (const [name, zone] of [
    ['example.test', 'example.test.'],
    ['WWW.example.test', 'example.test.'],
    ['a.b.c.example.test', 'example.test.'],
    ['host.sub.example.test', 'sub.example.test.'],
    ['*.sub.example.test', 'sub.example.test.'],
    ['_acme-challenge.other.test', 'other.test.'],
  ]) {
    const z = await findZone(name as string, ctx());
    assert.equal(z.zone, zone, name);
    assert.equal(z.soa.zone, zone);
    assert.equal(z.soa.mname, `ns.${zone}`);
    assert.deepEqual(z.via, addr(resolver));
  }
});

void test('findZone: the SOA behind a CNAME is the target zone, so the walk goes up from the name', async () => {
  resolver.requests.length = 0;
  const z = await findZone('alias.example.test', ctx());
  assert.equal(z.zone, 'example.test.');
  assert.deepEqual(
    resolver.requests.map((r) => r.message.questions[0]?.name),
    ['alias.example.test.', 'example.test.'],
  );
  // A CNAME into the parent zone: the parent's SOA comes back, yet the name's zone is the child.
  assert.equal((await findZone('up.sub.example.test', ctx())).zone, 'sub.example.test.');
});

void test('findZone: a resolver that does not answer is skipped', async () => {
  const z = await findZone('www.example.test', ctx({ resolvers: [addr(silent), addr(resolver)], timeoutMs: 150 }));
  assert.equal(z.zone, 'example.test.');
  await rejectsWith(findZone('www.example.test', ctx({ resolvers: [addr(silent)], timeoutMs: 150 })), 'DNS_TIMEOUT');
});

void test('findZone: REFUSED everywhere is ZONE_NOT_FOUND with the rcode', async () => {
  await rejectsWith(findZone('www.nowhere.invalid', ctx()), 'ZONE_NOT_FOUND', { reason: 'rcode', rcode: 'REFUSED' });
});

void test('findZone with configured nameservers: asks only them, without recursion', async () => {
  auth.requests.length = 0;
  const nameservers = new Map([
    ['test', [addr(silent)]],
    ['Example.Test', [addr(auth)]],
  ]);
  const z = await findZone('www.example.test', ctx({ resolvers: [addr(silent)], nameservers, timeoutMs: 500 }));
  assert.equal(z.zone, 'example.test.');
  assert.deepEqual(z.via, addr(auth));
  assert.ok(auth.requests.length > 0);
  assert.ok(auth.requests.every((r) => (r.message.flags & 0x0100) === 0), 'RD clear');
});

void test('findZone with configured nameservers: a delegation away, or a server that does not serve the zone', async () => {
  const nameservers = new Map([['example.test', [addr(auth)]]]);
  await rejectsWith(findZone('x.deleg.example.test', ctx({ nameservers })), 'ZONE_NOT_FOUND', {
    reason: 'delegated',
    delegation: 'deleg.example.test.',
    configuredZone: 'example.test.',
  });
  await rejectsWith(findZone('www.example.test', ctx({ nameservers: new Map([['example.test', [addr(refusing)]]]) })), 'ZONE_NOT_FOUND', {
    rcode: 'REFUSED',
  });
});

void test('findZone rejects invalid names', async () => {
  await rejectsWith(findZone('a..b', ctx()), 'NAME_INVALID');
});

void test('authoritativeServers: NS set via the resolvers, A then AAAA, port 53, deduplicated, nsName kept', async () => {
  const servers = await authoritativeServers('example.test', ctx());
  assert.deepEqual(servers, [
    { host: '192.0.2.53', port: 53, nsName: 'ns1.example.test.' },
    { host: '2001:db8::53', port: 53, nsName: 'ns1.example.test.' },
  ]);
});

void test('authoritativeServers: configured servers win', async () => {
  const nameservers = new Map([['example.test.', [addr(auth), addr(auth)]]]);
  assert.deepEqual(await authoritativeServers('EXAMPLE.test', ctx({ nameservers })), [addr(auth)]);
});

void test('authoritativeServers: NAMESERVERS_NOT_FOUND when no NS host resolves or there is no NS set', async () => {
  await rejectsWith(authoritativeServers('other.test', ctx()), 'NAMESERVERS_NOT_FOUND', {
    reason: 'unresolvable',
    nameservers: ['gone.other.test.'],
  });
  await rejectsWith(authoritativeServers('www.example.test', ctx()), 'NAMESERVERS_NOT_FOUND', { reason: 'no-ns-records' });
  await rejectsWith(authoritativeServers('nothing.invalid', ctx()), 'NAMESERVERS_NOT_FOUND', { reason: 'rcode', rcode: 'REFUSED' });
});
