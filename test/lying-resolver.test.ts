/**
 * checkResolver against real unbound in its honest, fake-IP and stale forms,
 * resolving from a real BIND (primary + secondary). `nsupdate` changes a
 * record behind the stale resolver's back (an independent RFC 2136 client).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../src/core/finding.ts';
import type { ServerAddress } from '../src/dns/context.ts';
import { checkResolver, type ResolverProbe } from '../src/dns/lying-resolver.ts';
import { answersFor, query } from '../src/dns/transport.ts';
import { TYPE } from '../src/dns/wire.ts';
import { startBind, KEY_FULL, type BindBed } from './harness/bind.ts';
import { startUnbound, FAKE_IP, type UnboundMode, type UnboundResolver } from './harness/unbound.ts';

let bed: BindBed;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'zk-lying-'));
  bed = await startBind({ secondaries: 1 });
});

after(async () => {
  await bed?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

async function withUnbound(mode: UnboundMode, fn: (u: UnboundResolver, addr: ServerAddress) => Promise<void>): Promise<void> {
  const u = await startUnbound({ upstream: bed.primary, zones: bed.zones, mode });
  try {
    await fn(u, { host: u.host, port: u.port });
  } finally {
    await u.stop();
  }
}

/** What every authoritative server of the bed serves (asserting they agree). */
async function authoritative(fqdn: string, type: number): Promise<string[]> {
  const seen = await Promise.all(
    bed.servers.map(async (s) => answersFor((await query(s, { name: fqdn, type }, { recursionDesired: false })).message, fqdn, type).values.sort()),
  );
  for (const v of seen) assert.deepEqual(v, seen[0], `servers disagree on ${fqdn}`);
  return seen[0] ?? [];
}

async function probeFor(fqdn: string, type: number): Promise<ResolverProbe> {
  return { fqdn, type, authoritativeValues: await authoritative(fqdn, type), zone: 'example.test', authoritative: [...bed.servers] };
}

async function nsupdate(lines: readonly string[]): Promise<void> {
  const key = bed.keys[KEY_FULL];
  assert.ok(key);
  const file = join(work, 'key.conf');
  await writeFile(file, `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };\n`, { mode: 0o600 });
  const script = [`server ${bed.primary.host} ${bed.primary.port}`, 'zone example.test', ...lines, 'send', ''].join('\n');
  await new Promise<void>((resolve, reject) => {
    const child = execFile('nsupdate', ['-k', file], { timeout: 20000 }, (err, _out, stderr) => (err === null ? resolve() : reject(new Error(`nsupdate: ${stderr}`))));
    child.stdin?.end(script);
  });
  await bed.waitForSync('example.test');
}

const codes = (fs: readonly Finding[]): string[] => fs.map((f) => f.code);

void test('honest unbound: no findings for A, AAAA and a CNAME name', async () => {
  await withUnbound('honest', async (_u, resolver) => {
    assert.deepEqual(await checkResolver(resolver, await probeFor('a.example.test.', TYPE.A)), []);
    assert.deepEqual(await checkResolver(resolver, await probeFor('a.example.test.', TYPE.AAAA)), []);
    // A CNAME into delegated.test whose target does not exist: both sides serve no address.
    assert.deepEqual(await checkResolver(resolver, await probeFor('_acme-challenge.cname.example.test.', TYPE.A)), []);
  });
});

void test('fake-IP unbound: RESOLVER_FAKE_IP naming the resolver, the name, its answer and the truth', async () => {
  await withUnbound('fake-ip', async (u, resolver) => {
    const findings = await checkResolver(resolver, await probeFor('a.example.test.', TYPE.A));
    assert.deepEqual(codes(findings), ['RESOLVER_FAKE_IP']);
    const f = findings[0];
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.evidence['resolver'], `${u.host}:${u.port}`);
    assert.equal(f?.evidence['name'], 'a.example.test.');
    assert.deepEqual(f?.evidence['answered'], [FAKE_IP]);
    assert.deepEqual(f?.evidence['authoritative'], ['192.0.2.10']);
  });
});

void test('stale unbound: after a change it serves the old value with a TTL counting down', async () => {
  await nsupdate(['update delete stale.example.test A', 'update add stale.example.test 60 A 192.0.2.40']);
  await withUnbound('stale', async (u, resolver) => {
    // Prime the cache, then change the record on the authoritative servers.
    const primed = await query(resolver, { name: 'stale.example.test', type: 'A' });
    assert.deepEqual(answersFor(primed.message, 'stale.example.test', TYPE.A).values, ['192.0.2.40']);
    await nsupdate(['update delete stale.example.test A', 'update add stale.example.test 60 A 192.0.2.41']);
    const probe = await probeFor('stale.example.test.', TYPE.A);
    assert.deepEqual(probe.authoritativeValues, ['192.0.2.41']);
    const findings = await checkResolver(resolver, probe);
    assert.deepEqual(codes(findings), ['RESOLVER_STALE']);
    const f = findings[0];
    assert.equal(f?.evidence['resolver'], `${u.host}:${u.port}`);
    assert.deepEqual(f?.evidence['answered'], ['192.0.2.40']);
    assert.deepEqual(f?.evidence['authoritative'], ['192.0.2.41']);
    const ttl = f?.evidence['ttl'];
    const later = f?.evidence['ttlLater'];
    assert.ok(typeof ttl === 'number' && ttl > 60 && ttl <= 3600, `cache-min-ttl 3600 applies: ${JSON.stringify(ttl)}`);
    assert.ok(typeof later === 'number' && later < ttl, `counting down: ${JSON.stringify(ttl)} -> ${JSON.stringify(later)}`);
  });
});

void test('a resolver that is not there: an info finding, not a lie', async () => {
  const u = await startUnbound({ upstream: bed.primary, zones: bed.zones, mode: 'honest' });
  const gone = { host: u.host, port: u.port };
  await u.stop();
  const findings = await checkResolver(gone, await probeFor('a.example.test.', TYPE.A), { timeoutMs: 500 });
  assert.equal(findings.length, 1);
  assert.ok(['DNS_NETWORK', 'DNS_TIMEOUT'].includes(findings[0]?.code ?? ''), codes(findings).join());
  assert.equal(findings[0]?.severity, 'info');
});
