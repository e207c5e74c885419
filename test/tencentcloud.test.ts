/**
 * The tencentcloud (DNSPod) provider against the vendor-exact emulator
 * (test/emulators/tencent.ts), whose records live in a real BIND: the
 * provider contract with pagination, auth and permission errors, clock skew
 * corrected with at most one extra request, and `zonekeeper record set`.
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
import { tencentcloudManifest } from '../src/providers/tencentcloud/manifest.ts';
import type { TencentProvider } from '../src/providers/tencentcloud/provider.ts';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';
import { startTencentEmulator, type TencentEmulator } from './emulators/tencent.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const FULL = { secretId: 'AKIDfull0000000000000000000000000000', secretKey: 'full-secret-key-0000000000000000' };
const READ_ONLY = { secretId: 'AKIDread0000000000000000000000000000', secretKey: 'read-secret-key-0000000000000000', readOnly: true };
const ZONE = 'example.test.';

let bed: BindBed;
let emu: TencentEmulator;
let dir: string;
let trustFile: string;
let target: ContractTarget;

function provider(o: { secretId?: string; secretKey?: string; clock?: Clock } = {}): TencentProvider {
  const config = tencentcloudManifest.parse(
    { secretId: o.secretId ?? FULL.secretId, secretKey: o.secretKey ?? FULL.secretKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' },
    'providers.tc',
  );
  return tencentcloudManifest.create(config, {
    clock: new CorrectedClock({ system: o.clock ?? systemClock }),
    dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 },
  }) as TencentProvider;
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, key: { secretId: string; secretKey: string } = FULL): TencentProvider {
  const config = tencentcloudManifest.parse({ ...key, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test', timeout: s.timeoutMs }, 'providers.tc');
  return tencentcloudManifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as TencentProvider;
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
  emu = await startTencentEmulator({ bed, keys: [FULL, READ_ONLY], pageSize: 40 });
  dir = mkdtempSync(join(tmpdir(), 'zk-tencent-'));
  trustFile = join(dir, 'emulator-root.pem');
  writeFileSync(trustFile, emu.rootPem);
  target = { provider: provider(), zone: ZONE };
});

after(async () => {
  await emu.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

runProviderContract('tencentcloud', () => target, { label: 'tc', pagination: 250 });

runProviderFaultSuite(
  'tencentcloud',
  () => ({
    provider: (s) => faultProvider(s),
    unauthorized: (s) => faultProvider(s, { secretId: FULL.secretId, secretKey: 'wrong-secret-key-000000000000000' }),
    zone: ZONE,
    host: emu,
    served,
  }),
  { label: 'tc-faults', throttleRetryAfter: false },
);

describe('tencentcloud: registry, zones, errors', () => {
  test('the provider is registered under its id and its alias', () => {
    assert.equal(findManifest('tencentcloud')?.id, 'tencentcloud');
    assert.equal(findManifest('DNSPod')?.id, 'tencentcloud');
  });

  test('DescribeRecordList is paged: every small page of the server is fetched', async () => {
    emu.reset();
    const all = await target.provider.getRecords(ZONE);
    assert.ok(all.length > 250, `${all.length} records`);
    assert.equal(emu.count('DescribeRecordList'), Math.ceil(all.length / 40));
  });

  test('DescribeDomainList lists the zones of the account', async () => {
    assert.deepEqual((await provider().listZones()).sort(), [...bed.zones].map((z) => `${z.replace(/\.$/, '')}.`).sort());
  });

  test('records written through the API are served by BIND', async () => {
    await target.provider.appendRecords(ZONE, [{ name: 'dns-visible.tc', type: 'TXT', data: 'seen over DNS', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.tc.example.test', 'TXT'), ['seen over DNS']);
    await target.provider.setRecords(ZONE, [{ name: 'dns-visible.tc', type: 'TXT', data: 'replaced', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.tc.example.test', 'TXT'), ['replaced']);
  });

  test('a set of many names to one new value (a DDNS pass): one zone listing and one ModifyRecordBatch job, served by BIND', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `batch${i}.tc`);
    await target.provider.setRecords(ZONE, names.map((name) => ({ name, type: 'A', data: '81.2.69.1', ttl: 600 })));
    emu.reset();
    await target.provider.setRecords(ZONE, [...names.map((name) => ({ name, type: 'A', data: '81.2.69.2' })), { name: 'batch-ttl.tc', type: 'A', data: '81.2.69.2', ttl: 300 }]);
    assert.equal(emu.count('ModifyRecordBatch'), 1);
    assert.equal(emu.count('ModifyRecord'), 0);
    assert.equal(emu.count('CreateRecord'), 1, 'a record not there yet is created');
    assert.ok(emu.count('DescribeBatchTask') >= 1);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'A'), ['81.2.69.2'], name);
    assert.deepEqual(await served('batch-ttl.tc.example.test', 'A'), ['81.2.69.2']);
  });

  test('a wrong secret key → PROVIDER_AUTH, one request, never retried', async () => {
    emu.reset();
    await rejectsWith(provider({ secretKey: 'wrong-secret-key-000000000000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('AuthFailure.SignatureFailure'), 1);
  });

  test('an unknown SecretId → PROVIDER_AUTH', async () => {
    emu.reset();
    await rejectsWith(provider({ secretId: 'AKIDunknown' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.errors.get('AuthFailure.SecretIdNotFound'), 1);
  });

  test('a read-only key can list but a write → PROVIDER_PERMISSION', async () => {
    const ro = provider(READ_ONLY);
    assert.ok((await ro.getRecords(ZONE)).length > 0);
    await rejectsWith(ro.appendRecords(ZONE, [{ name: 'ro.tc', type: 'TXT', data: 'x' }]), 'PROVIDER_PERMISSION');
    assert.deepEqual(await served('ro.tc.example.test', 'TXT'), []);
  });
});

describe('tencentcloud: clock skew', () => {
  test('no skew: no extra request', async () => {
    emu.reset();
    await provider().appendRecords(ZONE, [{ name: 'skew0.tc', type: 'TXT', data: 'zero', ttl: 120 }]);
    assert.equal(emu.count('CreateRecord'), 1);
    assert.equal(emu.errors.get('AuthFailure.SignatureExpire'), undefined);
  });

  for (const shift of ['-10m', '+10m', '-1d', '+1d']) {
    test(`system clock ${shift}: corrected with exactly one extra request`, async () => {
      const p = provider({ clock: new ShiftedClock(parseShift(shift)) });
      emu.reset();
      const name = `skew${shift.replace(/[+-]/, (c) => (c === '+' ? 'p' : 'm'))}.tc`;
      await p.appendRecords(ZONE, [{ name, type: 'TXT', data: shift, ttl: 120 }]);
      assert.equal(emu.count('CreateRecord'), 2);
      assert.equal(emu.errors.get('AuthFailure.SignatureExpire'), 1);
      assert.deepEqual(await served(`${name}.example.test`, 'TXT'), [shift]);
      // Corrected from now on: the next call needs no extra request.
      emu.reset();
      await p.getRecords(ZONE);
      assert.equal(emu.errors.get('AuthFailure.SignatureExpire'), undefined);
    });
  }

  test('20 concurrent calls at +2h all succeed, each with at most one extra request', async () => {
    const p = provider({ clock: new ShiftedClock(parseShift('+2h')) });
    emu.reset();
    const names = Array.from({ length: 20 }, (_, i) => `conc${i}.tc`);
    await Promise.all(names.map((name) => p.appendRecords(ZONE, [{ name, type: 'TXT', data: 'concurrent', ttl: 120 }])));
    assert.ok(emu.count('CreateRecord') <= 40, `${emu.count('CreateRecord')} requests`);
    const expired = emu.errors.get('AuthFailure.SignatureExpire') ?? 0;
    assert.ok(expired >= 1 && expired <= 20, `${expired} expired`);
    assert.equal(emu.count('CreateRecord'), 20 + expired);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'TXT'), ['concurrent']);
  });
});

describe('tencentcloud: the CLI', () => {
  test('zonekeeper record set through the tencentcloud provider: BIND serves the record', async () => {
    const file = join(dir, 'zonekeeper.yaml');
    writeProviderConfig(file, bed, 'tencent', { type: 'tencentcloud', secretId: FULL.secretId, secretKey: FULL.secretKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' });
    emu.reset();
    const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.tc.example.test', 'A', '192.0.2.44', '--provider', 'tencent']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await served('cli.tc.example.test', 'A'), ['192.0.2.44']);
    assert.ok(emu.count('CreateRecord') + emu.count('ModifyRecord') >= 1);
  });
});
