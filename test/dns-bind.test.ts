/**
 * The DNS client layer against real servers: BIND (primary + secondary,
 * authoritative only) and an honest unbound resolving from it. Covers
 * query over UDP/TCP/IPv6 with TC fallback, findZone through the resolver
 * and through configured nameservers, and authoritativeServers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsContext, ServerAddress } from '../src/dns/context.ts';
import { authoritativeServers } from '../src/dns/authoritative.ts';
import { answersFor, query } from '../src/dns/transport.ts';
import { findZone } from '../src/dns/zone.ts';
import { FLAG, RCODE, TYPE } from '../src/dns/wire.ts';
import { startBind, type BindBed } from './harness/bind.ts';
import { startUnbound, type UnboundResolver } from './harness/unbound.ts';
import { freePort } from './harness/ports.ts';
import { rejectsAppError as rejectsWith } from '../src/core/testing/app-error-assert.ts';

/** Eight 200-octet TXT strings: about 1.7 kB, more than the 1232 octets we advertise over UDP. */
const BIG_TXT = Array.from({ length: 8 }, (_, i) => `big TXT "${String(i).repeat(200)}"`);

let bed: BindBed;
let resolver: UnboundResolver;
let deadPort: number;

before(async () => {
  bed = await startBind({
    secondaries: 1,
    zones: [
      { name: 'sub.example.test', records: ['host A 192.0.2.30'] },
      {
        name: 'multi.test',
        records: ['@ NS ns1.multi.test.', '@ NS ns2.multi.test.', 'ns1 A 127.0.0.1', 'ns1 AAAA ::1', 'ns2 A 127.0.0.2', ...BIG_TXT],
      },
    ],
  });
  resolver = await startUnbound({ upstream: bed.primary, zones: bed.zones, mode: 'honest' });
  // A loopback port nobody listens on: a resolver that must never be needed.
  deadPort = await freePort();
});

after(async () => {
  await resolver?.stop();
  await bed?.stop();
});

const primary = (): ServerAddress => bed.primary;
const viaResolver = (): DnsContext => ({ resolvers: [{ host: resolver.host, port: resolver.port }], nameservers: new Map(), timeoutMs: 3000 });


void test('query over UDP, TCP and IPv6 gets the authoritative answer from every server', async () => {
  for (const s of bed.servers) {
    for (const server of [s, { host: '::1', port: s.port }]) {
      for (const tcp of [false, true]) {
        const r = await query(server, { name: 'a.example.test', type: 'A' }, { recursionDesired: false, tcp, timeoutMs: 3000 });
        assert.equal(r.via, tcp ? 'tcp' : 'udp');
        assert.equal(r.rcode, RCODE.NOERROR);
        assert.equal(r.message.flags & FLAG.AA, FLAG.AA);
        assert.deepEqual(answersFor(r.message, 'a.example.test.', TYPE.A).values, ['192.0.2.10']);
        // BIND answers our EDNS0 with its own OPT.
        assert.ok(r.message.additionals.some((rr) => rr.type === TYPE.OPT));
      }
    }
  }
});

void test('an answer larger than 1232 octets comes back truncated over UDP and complete over TCP', async () => {
  const r = await query(primary(), { name: 'big.multi.test', type: 'TXT' }, { recursionDesired: false });
  assert.equal(r.via, 'tcp');
  const values = answersFor(r.message, 'big.multi.test', TYPE.TXT).values;
  assert.equal(values.length, 8);
  assert.ok(values.includes('7'.repeat(200)));
});

void test('negative answers: NXDOMAIN and NODATA carry the SOA', async () => {
  const nx = await query(primary(), { name: 'missing.example.test', type: 'A' }, { recursionDesired: false });
  assert.equal(nx.rcode, RCODE.NXDOMAIN);
  assert.ok(nx.message.authorities.some((rr) => rr.type === TYPE.SOA));
  const nodata = await query(primary(), { name: 'b.example.test', type: 'TXT' }, { recursionDesired: false });
  assert.equal(nodata.rcode, RCODE.NOERROR);
  assert.deepEqual(answersFor(nodata.message, 'b.example.test', TYPE.TXT).values, []);
});

void test('query through unbound follows the CNAME chain', async () => {
  const r = await query({ host: resolver.host, port: resolver.port }, { name: '_acme-challenge.cname.example.test', type: 'A' });
  const a = answersFor(r.message, '_acme-challenge.cname.example.test', TYPE.A);
  assert.deepEqual(a.cnameChain, ['cname.delegated.test.']);
  assert.deepEqual(a.values, []);
  assert.equal(r.rcode, RCODE.NXDOMAIN);
});

void test('findZone through the resolver', async () => {
  const cases: Array<[string, string]> = [
    ['example.test', 'example.test.'],
    ['a.example.test', 'example.test.'],
    ['deep.missing.example.test', 'example.test.'],
    ['*.example.test', 'example.test.'],
    ['_acme-challenge.cname.example.test', 'example.test.'], // a CNAME into delegated.test
    ['host.sub.example.test', 'sub.example.test.'],
    ['x.delegated.test', 'delegated.test.'],
    ['big.multi.test', 'multi.test.'],
  ];
  for (const [name, zone] of cases) {
    const z = await findZone(name, viaResolver());
    assert.equal(z.zone, zone, name);
    assert.equal(z.soa.mname, 'localhost.', name);
    assert.equal(z.soa.minimum, 30, name);
    assert.deepEqual(z.via, { host: resolver.host, port: resolver.port });
  }
  // Nothing outside the bed's zones resolves: unbound's root goes to a BIND that refuses, unbound says SERVFAIL.
  // (Not `.invalid`: unbound serves that TLD itself, with an SOA.)
  await rejectsWith(findZone('www.example.nonexistent', viaResolver()), 'ZONE_NOT_FOUND', { reason: 'rcode', rcode: 'SERVFAIL' });
});

void test('findZone through configured nameservers asks them only (the resolver is dead)', async () => {
  const secondary = bed.secondaries[0];
  assert.ok(secondary);
  const ctx: DnsContext = {
    resolvers: [{ host: '127.0.0.1', port: deadPort }],
    nameservers: new Map([
      ['example.test', [secondary]],
      ['delegated.test', [{ host: '::1', port: bed.primary.port }]],
    ]),
    timeoutMs: 3000,
  };
  const z = await findZone('_acme-challenge.a.example.test', ctx);
  assert.equal(z.zone, 'example.test.');
  assert.deepEqual(z.via, secondary);
  assert.equal((await findZone('host.sub.example.test', ctx)).zone, 'sub.example.test.');
  assert.equal((await findZone('_acme-challenge.cname.example.test', ctx)).zone, 'example.test.');
  const d = await findZone('cname.delegated.test', ctx);
  assert.equal(d.zone, 'delegated.test.');
  assert.deepEqual(d.via, { host: '::1', port: bed.primary.port });
  // Not configured: the dead resolver is asked and the failure is reported as it is.
  await rejectsWith(findZone('x.multi.test', { ...ctx, timeoutMs: 300 }), 'DNS_NETWORK', { errno: 'ECONNREFUSED' });
});

void test('authoritativeServers: configured servers as given', async () => {
  const ctx: DnsContext = { ...viaResolver(), nameservers: new Map([['example.test.', [...bed.servers]]]) };
  assert.deepEqual(await authoritativeServers('example.test', ctx), [...bed.servers]);
});

void test('authoritativeServers: NS hosts resolved through the resolver, port 53, deduplicated', async () => {
  const sorted = (xs: ServerAddress[]): string[] => xs.map((s) => `${s.nsName ?? '?'} ${s.host} ${s.port}`).sort();
  assert.deepEqual(sorted(await authoritativeServers('example.test', viaResolver())), ['localhost. 127.0.0.1 53', 'localhost. ::1 53']);
  // multi.test: localhost., ns1 (the same two addresses) and ns2 (127.0.0.2).
  const multi = await authoritativeServers('multi.test', viaResolver());
  assert.equal(multi.length, 3);
  assert.deepEqual(multi.map((s) => s.host).sort(), ['127.0.0.1', '127.0.0.2', '::1']);
  assert.equal(multi.find((s) => s.host === '127.0.0.2')?.nsName, 'ns2.multi.test.');
  assert.ok(multi.every((s) => s.port === 53));
  await rejectsWith(authoritativeServers('a.example.test', viaResolver()), 'NAMESERVERS_NOT_FOUND');
});
