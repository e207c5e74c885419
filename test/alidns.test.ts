/**
 * The alidns provider against the vendor-exact emulator
 * (test/emulators/alidns.ts), whose records live in a real BIND: the
 * provider contract with pagination, auth and permission errors, clock skew
 * corrected with exactly one extra request and a fresh nonce, and
 * `zonekeeper record set`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import type { Clock } from '../src/clock/clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { findManifest } from '../src/providers/registry.ts';
import { alidnsManifest } from '../src/providers/alidns/manifest.ts';
import type { AlidnsProvider } from '../src/providers/alidns/provider.ts';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';
import { startAlidnsEmulator, type AlidnsEmulator } from './emulators/alidns.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const FULL = { accessKeyId: 'LTAIfull00000000000000', accessKeySecret: 'full-secret-00000000000000000' };
const RAM_DENIED = { accessKeyId: 'LTAIram000000000000000', accessKeySecret: 'ram-secret-000000000000000000', ramDenied: true };
const ZONE = 'example.test.';
const PAGE = 40;

let bed: BindBed;
let emu: AlidnsEmulator;
let dir: string;
let trustFile: string;
let target: ContractTarget;

function provider(o: { accessKeyId?: string; accessKeySecret?: string; clock?: Clock } = {}): AlidnsProvider {
  const config = alidnsManifest.parse(
    { accessKeyId: o.accessKeyId ?? FULL.accessKeyId, accessKeySecret: o.accessKeySecret ?? FULL.accessKeySecret, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' },
    'providers.ali',
  );
  return alidnsManifest.create(config, {
    clock: new CorrectedClock({ system: o.clock ?? systemClock }),
    dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 },
  }) as AlidnsProvider;
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, accessKeySecret = FULL.accessKeySecret): AlidnsProvider {
  const config = alidnsManifest.parse({ accessKeyId: FULL.accessKeyId, accessKeySecret, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test', timeout: s.timeoutMs }, 'providers.ali');
  return alidnsManifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as AlidnsProvider;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code, JSON.stringify(e.diagnosis.evidence));
    return true;
  });
}

async function served(name: string, type: 'TXT' | 'A'): Promise<string[]> {
  return (await probe(bed.primary.host, bed.primary.port, name, type)).answers.map((a) => a.data).sort();
}

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startAlidnsEmulator({ bed, keys: [FULL, RAM_DENIED], pageSize: PAGE });
  dir = mkdtempSync(join(tmpdir(), 'zk-alidns-'));
  trustFile = join(dir, 'emulator-root.pem');
  writeFileSync(trustFile, emu.rootPem);
  target = { provider: provider(), zone: ZONE };
});

after(async () => {
  await emu.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

runProviderContract('alidns', () => target, { label: 'ali', pagination: 250 });

runProviderFaultSuite(
  'alidns',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, 'wrong-secret-000000000000000000'), zone: ZONE, host: emu, served }),
  { label: 'ali-faults', throttleRetryAfter: false },
);

describe('alidns: registry, zones, errors', () => {
  test('the provider is registered under its id and its alias', () => {
    assert.equal(findManifest('alidns')?.id, 'alidns');
    assert.equal(findManifest('Aliyun')?.id, 'alidns');
  });

  test('DescribeDomainRecords is paged: every small page of the server is fetched', async () => {
    emu.reset();
    const all = await target.provider.getRecords(ZONE);
    assert.ok(all.length > 250, `${all.length} records`);
    assert.equal(emu.count('DescribeDomainRecords'), Math.ceil(all.length / PAGE));
    assert.equal(emu.errors.size, 0);
  });

  test('DescribeDomains lists the zones of the account', async () => {
    assert.deepEqual((await provider().listZones()).sort(), [...bed.zones].map((z) => `${z.replace(/\.$/, '')}.`).sort());
  });

  test('records written through the API are served by BIND', async () => {
    await target.provider.appendRecords(ZONE, [{ name: 'dns-visible.ali', type: 'TXT', data: 'seen over DNS', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.ali.example.test', 'TXT'), ['seen over DNS']);
    await target.provider.setRecords(ZONE, [{ name: 'dns-visible.ali', type: 'TXT', data: 'replaced', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.ali.example.test', 'TXT'), ['replaced']);
  });

  test('appending a record that exists is not an error (DomainRecordDuplicate)', async () => {
    const rec = { name: 'dup.ali', type: 'TXT', data: 'twice', ttl: 120 };
    await target.provider.appendRecords(ZONE, [rec]);
    emu.reset();
    await target.provider.appendRecords(ZONE, [rec]);
    assert.equal(emu.errors.get('DomainRecordDuplicate'), 1);
    assert.deepEqual(await served('dup.ali.example.test', 'TXT'), ['twice']);
  });

  test('a wrong secret → PROVIDER_AUTH, one request, never retried', async () => {
    emu.reset();
    await rejectsWith(provider({ accessKeySecret: 'wrong-secret-0000000000000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('SignatureDoesNotMatch'), 1);
  });

  test('an unknown AccessKeyId → PROVIDER_AUTH', async () => {
    emu.reset();
    await rejectsWith(provider({ accessKeyId: 'LTAIunknown' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.errors.get('InvalidAccessKeyId.NotFound'), 1);
  });

  test('a RAM-denied key can list but a write → PROVIDER_PERMISSION', async () => {
    const denied = provider(RAM_DENIED);
    assert.ok((await denied.getRecords(ZONE)).length > 0);
    emu.reset();
    await rejectsWith(denied.appendRecords(ZONE, [{ name: 'ram.ali', type: 'TXT', data: 'x' }]), 'PROVIDER_PERMISSION');
    assert.equal(emu.errors.get('Forbidden.RAM'), 1);
    assert.deepEqual(await served('ram.ali.example.test', 'TXT'), []);
  });
});

describe('alidns: clock skew', () => {
  test('no skew: no extra request', async () => {
    emu.reset();
    await provider().appendRecords(ZONE, [{ name: 'skew0.ali', type: 'TXT', data: 'zero', ttl: 120 }]);
    assert.equal(emu.count('AddDomainRecord'), 1);
    assert.equal(emu.errors.get('InvalidTimeStamp.Expired'), undefined);
  });

  for (const shift of ['-20m', '+20m', '-1d', '+1d']) {
    test(`system clock ${shift}: corrected with exactly one extra request and a fresh nonce`, async () => {
      const p = provider({ clock: new ShiftedClock(parseShift(shift)) });
      emu.reset();
      const name = `skew${shift.replace(/[+-]/, (c) => (c === '+' ? 'p' : 'm'))}.ali`;
      await p.appendRecords(ZONE, [{ name, type: 'TXT', data: shift, ttl: 120 }]);
      assert.equal(emu.count('AddDomainRecord'), 2);
      assert.equal(emu.errors.get('InvalidTimeStamp.Expired'), 1);
      assert.equal(emu.errors.size, 1);
      assert.equal(emu.nonceReuses(), 0);
      assert.deepEqual(await served(`${name}.example.test`, 'TXT'), [shift]);
      // Corrected from now on: the next call needs no extra request.
      emu.reset();
      await p.getRecords(ZONE);
      assert.equal(emu.errors.get('InvalidTimeStamp.Expired'), undefined);
    });
  }

  test('20 concurrent calls at +2h all succeed, each with at most one extra request, no nonce reused', async () => {
    const p = provider({ clock: new ShiftedClock(parseShift('+2h')) });
    emu.reset();
    const names = Array.from({ length: 20 }, (_, i) => `conc${i}.ali`);
    await Promise.all(names.map((name) => p.appendRecords(ZONE, [{ name, type: 'TXT', data: 'concurrent', ttl: 120 }])));
    const expired = emu.errors.get('InvalidTimeStamp.Expired') ?? 0;
    assert.ok(expired >= 1 && expired <= 20, `${expired} expired`);
    assert.equal(emu.count('AddDomainRecord'), 20 + expired);
    assert.equal(emu.nonceReuses(), 0);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'TXT'), ['concurrent']);
  });
});

describe('alidns: the CLI', () => {
  test('zonekeeper record set through the alidns provider: BIND serves the record', async () => {
    const file = join(dir, 'zonekeeper.yaml');
    writeProviderConfig(file, bed, 'ali', { type: 'alidns', accessKeyId: FULL.accessKeyId, accessKeySecret: FULL.accessKeySecret, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' });
    emu.reset();
    const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.ali.example.test', 'A', '192.0.2.45', '--provider', 'ali']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await served('cli.ali.example.test', 'A'), ['192.0.2.45']);
    assert.ok(emu.count('AddDomainRecord') + emu.count('UpdateDomainRecord') >= 1);
  });
});
