/**
 * The powerdns provider against the REAL PowerDNS Authoritative server
 * (Debian pdns-server, SQLite backend) on loopback: the contract suite (with
 * 250 records), a bad key, a rejected record, records served over DNS by
 * pdns itself, and `zonekeeper record set` through the CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { createHttpClient } from '../src/http/client.ts';
import type { HttpClient } from '../src/http/types.ts';
import { PowerDnsClient } from '../src/providers/powerdns/client.ts';
import { powerdnsManifest } from '../src/providers/powerdns/manifest.ts';
import { PowerDnsProvider } from '../src/providers/powerdns/provider.ts';
import { findManifest } from '../src/providers/registry.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { runCli } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { PDNS_ZONE, startPowerDns, type PowerDnsBed } from './harness/powerdns.ts';
import { startFaultProxy, type FaultProxy } from './emulators/fault-proxy.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const ZONE = PDNS_ZONE;

let pdns: PowerDnsBed;
let dir: string;
let target: ContractTarget;
/** Fault-injecting proxy in front of the pdns API, for the fault suite. */
let faulty: FaultProxy;

/** What PowerDNS answers for GET /zones/<id> (what a truncated answer cuts). */
const PDNS_ZONE_ANSWER = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    id: 'example.test.',
    name: 'example.test.',
    kind: 'Native',
    rrsets: [
      { name: 'example.test.', type: 'NS', ttl: 3600, records: [{ content: 'ns1.example.test.', disabled: false }], comments: [] },
      { name: 'www.example.test.', type: 'A', ttl: 300, records: [{ content: '192.0.2.1', disabled: false }], comments: [] },
    ],
    serial: 2026010101,
  }),
};

function faultProvider(s: ProviderSetup, apiKey = pdns.apiKey): DnsProvider {
  return powerdnsManifest.create(powerdnsManifest.parse({ endpoint: faulty.url, apiKey, zone: ZONE, timeout: s.timeoutMs }, 'providers.pdns'), { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
}

const deps = () => ({ clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });

function powerdns(apiKey: string): DnsProvider {
  return powerdnsManifest.create(powerdnsManifest.parse({ endpoint: pdns.apiUrl, apiKey, zone: ZONE, timeout: 5000 }, 'providers.pdns'), deps());
}

function rejectsWith(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code, JSON.stringify(e.diagnosis));
    return true;
  };
}

const served = async (name: string, type: 'A' | 'TXT' | 'CNAME'): Promise<string[]> =>
  (await probe('127.0.0.1', pdns.dnsPort, name, type)).answers.map((a) => a.data).sort();

before(async () => {
  pdns = await startPowerDns();
  dir = await mkdtemp(join(tmpdir(), 'zk-pdns-test-'));
  target = { provider: powerdns(pdns.apiKey), zone: ZONE };
  faulty = await startFaultProxy(pdns.apiUrl, PDNS_ZONE_ANSWER);
});

after(async () => {
  await faulty?.close();
  await pdns?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

runProviderContract('powerdns', () => target, { label: 'pdns-contract', pagination: 250 });

runProviderFaultSuite(
  'powerdns',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, 'wrong-api-key-0000'), zone: ZONE, host: faulty, served: (name, type) => served(name, type) }),
  { label: 'pdns-faults', throttleRetryAfter: true },
);

void test('powerdns is in the registry', () => {
  assert.equal(findManifest('PowerDNS')?.id, 'powerdns');
});

void test('a wrong API key is PROVIDER_AUTH after exactly one request, and the key is not in the error', async () => {
  const secret = 'wrong-key-that-must-not-leak';
  const http = createHttpClient({ clock: deps().clock });
  const statuses: number[] = [];
  const counting: HttpClient = {
    request: async (r) => {
      const res = await http.request(r);
      statuses.push(res.status);
      return res;
    },
  };
  const provider = new PowerDnsProvider({ client: new PowerDnsClient({ http: counting, endpoint: pdns.apiUrl, apiKey: secret, serverId: 'localhost' }), zone: ZONE });
  await assert.rejects(provider.getRecords(ZONE), (e: unknown) => {
    rejectsWith('PROVIDER_AUTH')(e);
    assert.ok(!JSON.stringify((e as AppError).diagnosis).includes(secret));
    assert.ok(!(e as AppError).message.includes(secret));
    return true;
  });
  assert.deepEqual(statuses, [401]);
});

void test('an unknown zone is ZONE_NOT_FOUND; content PowerDNS refuses is PROVIDER_REJECTED', async () => {
  await assert.rejects(target.provider.getRecords('absent.test.'), rejectsWith('ZONE_NOT_FOUND'));
  await assert.rejects(target.provider.setRecords(ZONE, [{ name: 'bad.pdns', type: 'MX', data: 'not an mx', ttl: 120 }]), rejectsWith('PROVIDER_REJECTED'));
});

void test('records written through the API are served over DNS by pdns, TXT quoting included', async () => {
  const value = 'v=zk "quoted" \\ back';
  await target.provider.setRecords(ZONE, [
    { name: '_acme-challenge.dns-visible', type: 'TXT', data: 'token-one', ttl: 120 },
    { name: '_acme-challenge.dns-visible', type: 'TXT', data: `"${value.replace(/["\\]/g, '\\$&')}"`, ttl: 120 },
    { name: 'www.dns-visible', type: 'CNAME', data: `target.${ZONE}`, ttl: 120 },
    { name: 'a.dns-visible', type: 'A', data: '192.0.2.10', ttl: 120 },
  ]);
  assert.deepEqual(await served(`_acme-challenge.dns-visible.${ZONE}`, 'TXT'), ['token-one', value].sort());
  assert.deepEqual(await served(`www.dns-visible.${ZONE}`, 'CNAME'), [`target.${ZONE.slice(0, -1)}`]);
  const listed = (await target.provider.getRecords(ZONE)).filter((r) => r.name === '_acme-challenge.dns-visible').map((r) => r.data).sort();
  assert.deepEqual(listed, ['token-one', value].sort());

  await target.provider.appendRecords(ZONE, [{ name: 'a.dns-visible', type: 'A', data: '192.0.2.11', ttl: 120 }]);
  assert.deepEqual(await served(`a.dns-visible.${ZONE}`, 'A'), ['192.0.2.10', '192.0.2.11']);
  await target.provider.deleteRecords(ZONE, [{ name: 'a.dns-visible', type: 'A', data: '192.0.2.10' }]);
  assert.deepEqual(await served(`a.dns-visible.${ZONE}`, 'A'), ['192.0.2.11']);
  await target.provider.deleteRecords(ZONE, [{ name: '_acme-challenge.dns-visible', type: 'TXT', data: '' }]);
  assert.deepEqual(await served(`_acme-challenge.dns-visible.${ZONE}`, 'TXT'), []);
});

void test('zonekeeper record set --provider pdns: exit 0 and served by pdns', async () => {
  const config = join(dir, 'zonekeeper.yaml');
  await writeFile(
    config,
    [
      'dns:',
      '  resolvers: []',
      '  nameservers:',
      `    example.test: ["127.0.0.1:${pdns.dnsPort}"]`,
      'providers:',
      '  pdns:',
      '    type: powerdns',
      `    endpoint: ${JSON.stringify(pdns.apiUrl)}`,
      `    apiKey: ${JSON.stringify(pdns.apiKey)}`,
      '    zone: example.test',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const r = await runCli(['--config', config, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.example.test', 'A', '192.0.2.90', '--provider', 'pdns']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual((r.json as { values?: string[] }).values, ['192.0.2.90']);
  assert.deepEqual(await served('cli.example.test', 'A'), ['192.0.2.90']);
});
