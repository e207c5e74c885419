/**
 * The cloudflare provider against the Cloudflare emulator, whose changes land
 * on the real BIND of the test bed: the contract suite (with paging), bad and
 * read-only tokens, 429 with Retry-After, and records visible over DNS.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { createHttpClient } from '../src/http/client.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { cloudflareManifest } from '../src/providers/cloudflare/manifest.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { findManifest } from '../src/providers/registry.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { probe } from './harness/dns-probe.ts';
import { startCloudflareEmulator, type CloudflareEmulator } from './emulators/cloudflare.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const ZONE = 'example.test.';
const TOKEN = 'cf-full-token_0123456789abcdef';
const READ_ONLY = 'cf-read-only-token_0123456789';
const PAGE = 7;

let bed: BindBed;
let emu: CloudflareEmulator;
let dir: string;
let target: ContractTarget;

const deps = () => ({ clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });

function cloudflare(token: string): DnsProvider {
  const config = cloudflareManifest.parse({ apiToken: token, endpoint: emu.endpoint, zone: ZONE, trust: join(dir, 'emulator-ca.pem'), perPage: PAGE, timeout: 5000 }, 'providers.cf');
  return cloudflareManifest.create(config, deps());
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, token = TOKEN): DnsProvider {
  const config = cloudflareManifest.parse({ apiToken: token, endpoint: emu.endpoint, zone: ZONE, trust: join(dir, 'emulator-ca.pem'), perPage: PAGE, timeout: s.timeoutMs }, 'providers.cf');
  return cloudflareManifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
}

const served = async (name: string, type: 'TXT'): Promise<string[]> => (await probe(bed.primary.host, bed.primary.port, name, type)).answers.map((a) => a.data).sort();

function rejectsWith(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code, JSON.stringify(e.diagnosis));
    return true;
  };
}

before(async () => {
  bed = await startBind({ secondaries: 0 });
  const key = bed.keys[KEY_FULL];
  assert.ok(key);
  const bindConfig = rfc2136Manifest.parse(
    { server: `${bed.primary.host}:${bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'providers.lab',
  );
  const bind = rfc2136Manifest.create(bindConfig, deps());
  emu = await startCloudflareEmulator({ bind, zones: [ZONE], tokens: [TOKEN], readOnlyTokens: [READ_ONLY], defaultPerPage: 20 });
  dir = await mkdtemp(join(tmpdir(), 'zk-cf-'));
  await writeFile(join(dir, 'emulator-ca.pem'), emu.caPem);
  target = { provider: cloudflare(TOKEN), zone: ZONE };
});

after(async () => {
  await emu?.close();
  await stopBind(bed);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

runProviderContract('cloudflare', () => target, { label: 'cf-contract', pagination: 250 });

runProviderFaultSuite(
  'cloudflare',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, 'not-a-known-token'), zone: ZONE, host: emu, served }),
  { label: 'cf-faults', throttleRetryAfter: true },
);

void test('cloudflare is in the registry', () => {
  assert.equal(findManifest('Cloudflare')?.id, 'cloudflare');
});

void test('the listing pages through result_info.total_pages with the configured per_page', async () => {
  const start = emu.log.length;
  const records = await target.provider.getRecords(ZONE);
  const pages = emu.log.slice(start).filter((l) => l.path.includes('/dns_records?'));
  assert.equal(pages.length, Math.ceil(emu.records(ZONE).length / PAGE));
  assert.ok(pages.every((l) => l.path.includes(`per_page=${PAGE}`)));
  assert.equal(records.length, emu.records(ZONE).length);
});

void test('an unknown token is PROVIDER_AUTH after exactly one request', async () => {
  const start = emu.log.length;
  await assert.rejects(cloudflare('not-a-known-token').getRecords(ZONE), rejectsWith('PROVIDER_AUTH'));
  assert.deepEqual(
    emu.log.slice(start).map((l) => l.status),
    [401],
  );
});

void test('the token never appears in the error', async () => {
  const secret = 'secret-token-that-must-not-leak';
  await assert.rejects(cloudflare(secret).getRecords(ZONE), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.ok(!JSON.stringify(e.diagnosis).includes(secret));
    assert.ok(!e.message.includes(secret));
    return true;
  });
});

void test('a read-only token lists, and is PROVIDER_PERMISSION naming the action on a write', async () => {
  const ro = cloudflare(READ_ONLY);
  assert.ok((await ro.getRecords(ZONE)).length > 0);
  await assert.rejects(ro.appendRecords(ZONE, [{ name: 'ro.cf', type: 'TXT', data: 'nope', ttl: 120 }]), (e: unknown) => {
    rejectsWith('PROVIDER_PERMISSION')(e);
    assert.equal((e as AppError).diagnosis.evidence['action'], 'dns_records.create');
    return true;
  });
  assert.equal((await probe(bed.primary.host, bed.primary.port, `ro.cf.${ZONE}`, 'TXT')).answers.length, 0);
});

void test('429 with Retry-After is retried and then succeeds (requests counted)', async () => {
  const start = emu.log.length;
  emu.rateLimit(2);
  await target.provider.appendRecords(ZONE, [{ name: 'limited.cf', type: 'TXT', data: 'after-429', ttl: 120 }]);
  const seen = emu.log.slice(start).map((l) => `${l.status}`);
  assert.deepEqual(seen.slice(0, 3), ['429', '429', '200'], JSON.stringify(emu.log.slice(start)));
  assert.equal(seen.filter((s) => s === '429').length, 2);
  const answer = await probe(bed.primary.host, bed.primary.port, `limited.cf.${ZONE}`, 'TXT');
  assert.deepEqual(answer.answers.map((a) => a.data), ['after-429']);
});

void test('429 beyond the retry budget is HTTP_RATE_LIMITED', async () => {
  const start = emu.log.length;
  emu.rateLimit(100);
  try {
    await assert.rejects(target.provider.getRecords(ZONE), rejectsWith('HTTP_RATE_LIMITED'));
  } finally {
    emu.rateLimit(0);
  }
  assert.equal(emu.log.slice(start).length, 4);
});

void test('a set through Cloudflare is served by BIND, TXT quoting included', async () => {
  const value = 'v=zk "quoted" \\ back';
  await target.provider.setRecords(ZONE, [
    { name: '_acme-challenge.bind-visible', type: 'TXT', data: 'token-one', ttl: 120 },
    { name: '_acme-challenge.bind-visible', type: 'TXT', data: `"${value.replace(/["\\]/g, '\\$&')}"`, ttl: 120 },
    { name: 'www.bind-visible', type: 'CNAME', data: `target.${ZONE}`, ttl: 120 },
  ]);
  const txt = await probe(bed.primary.host, bed.primary.port, `_acme-challenge.bind-visible.${ZONE}`, 'TXT');
  assert.deepEqual(txt.answers.map((a) => a.data).sort(), ['token-one', value].sort());
  const cname = await probe(bed.primary.host, bed.primary.port, `www.bind-visible.${ZONE}`, 'CNAME');
  assert.deepEqual(cname.answers.map((a) => a.data), [`target.${ZONE.slice(0, -1)}`]);
  const stored = emu.records(ZONE).filter((r) => r.name === `_acme-challenge.bind-visible.${ZONE.slice(0, -1)}`).map((r) => r.content).sort();
  assert.deepEqual(stored, ['"token-one"', '"v=zk \\"quoted\\" \\\\ back"'].sort());
  const listed = (await target.provider.getRecords(ZONE)).filter((r) => r.name === '_acme-challenge.bind-visible').map((r) => r.data).sort();
  assert.deepEqual(listed, ['token-one', value].sort());

  await target.provider.setRecords(ZONE, [{ name: '_acme-challenge.bind-visible', type: 'TXT', data: 'token-two', ttl: 120 }]);
  const replaced = await probe(bed.primary.host, bed.primary.port, `_acme-challenge.bind-visible.${ZONE}`, 'TXT');
  assert.deepEqual(replaced.answers.map((a) => a.data), ['token-two']);
});

void test('emulator answers carry an IMF-fixdate Date header and the Cloudflare envelope', async () => {
  const http = createHttpClient({ clock: deps().clock });
  for (const token of [TOKEN, 'unknown-token']) {
    const res = await http.request({ method: 'GET', url: `${emu.endpoint}/zones?name=example.test`, headers: { authorization: `Bearer ${token}` }, trust: { caPem: emu.caPem } });
    assert.match(res.headers['date'] ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const body = JSON.parse(res.body.toString('utf8')) as { success: boolean; errors: unknown[] };
    assert.equal(body.success, token === TOKEN);
    assert.ok(Array.isArray(body.errors));
  }
});
