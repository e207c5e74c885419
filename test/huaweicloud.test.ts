/**
 * The huaweicloud provider against the vendor-exact emulator
 * (test/emulators/huaweicloud.ts), whose records live in a real BIND: the
 * provider contract with pagination, auth and permission errors, clock skew
 * corrected from the APIGW.0301 "server time:" with exactly one extra
 * request, and `zonekeeper record set`.
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
import { huaweicloudManifest } from '../src/providers/huaweicloud/manifest.ts';
import type { HuaweiProvider } from '../src/providers/huaweicloud/provider.ts';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';
import { startHuaweiEmulator, type HuaweiEmulator } from './emulators/huaweicloud.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const FULL = { accessKeyId: 'HWFULLAK0000000000000', secretAccessKey: 'full-sk-0000000000000000000000000000000' };
const DENIED = { accessKeyId: 'HWDENIEDAK00000000000', secretAccessKey: 'denied-sk-00000000000000000000000000000', denied: true };
const ZONE = 'example.test.';
const PAGE = 40;

let bed: BindBed;
let emu: HuaweiEmulator;
let dir: string;
let trustFile: string;
let target: ContractTarget;

function provider(o: { accessKeyId?: string; secretAccessKey?: string; clock?: CorrectedClock; system?: Clock } = {}): HuaweiProvider {
  const config = huaweicloudManifest.parse(
    { accessKeyId: o.accessKeyId ?? FULL.accessKeyId, secretAccessKey: o.secretAccessKey ?? FULL.secretAccessKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' },
    'providers.hw',
  );
  return huaweicloudManifest.create(config, {
    clock: o.clock ?? new CorrectedClock({ system: o.system ?? systemClock }),
    dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 },
  }) as HuaweiProvider;
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, secretAccessKey = FULL.secretAccessKey): HuaweiProvider {
  const config = huaweicloudManifest.parse({ accessKeyId: FULL.accessKeyId, secretAccessKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test', timeout: s.timeoutMs }, 'providers.hw');
  return huaweicloudManifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as HuaweiProvider;
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
  emu = await startHuaweiEmulator({ bed, keys: [FULL, DENIED], pageSize: PAGE });
  dir = mkdtempSync(join(tmpdir(), 'zk-huawei-'));
  trustFile = join(dir, 'emulator-root.pem');
  writeFileSync(trustFile, emu.rootPem);
  target = { provider: provider(), zone: ZONE };
});

after(async () => {
  await emu.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

runProviderContract('huaweicloud', () => target, { label: 'hw', pagination: 250 });

runProviderFaultSuite(
  'huaweicloud',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, 'wrong-sk-000000000000000000000000000000'), zone: ZONE, host: emu, served }),
  { label: 'hw-faults', throttleRetryAfter: false },
);

describe('huaweicloud: registry, paging, errors', () => {
  test('the provider is registered under its id and its alias', () => {
    assert.equal(findManifest('huaweicloud')?.id, 'huaweicloud');
    assert.equal(findManifest('Huawei')?.id, 'huaweicloud');
  });

  test('recordsets are paged: every small page of the server is fetched', async () => {
    const p = provider();
    await p.getRecords(ZONE); // zone id now cached
    emu.reset();
    const all = await p.getRecords(ZONE);
    assert.ok(all.length > 250, `${all.length} records`);
    const sets = new Set(all.map((r) => `${r.name}|${r.type}`)).size + 1; // + the SOA recordset, listed but dropped
    assert.equal(emu.count('GET recordsets'), Math.ceil(sets / PAGE));
    assert.equal(emu.errors.size, 0);
  });

  test('the public zones of the account are listed', async () => {
    assert.deepEqual((await provider().listZones()).sort(), [...bed.zones].map((z) => `${z.replace(/\.$/, '')}.`).sort());
  });

  test('TXT values with quotes and spaces round-trip and are served by BIND', async () => {
    const data = 'say "hi" \\ there';
    await target.provider.appendRecords(ZONE, [{ name: 'quoted.hw', type: 'TXT', data, ttl: 120 }]);
    assert.deepEqual((await target.provider.getRecords(ZONE)).filter((r) => r.name === 'quoted.hw').map((r) => r.data), [data]);
    assert.deepEqual(await served('quoted.hw.example.test', 'TXT'), [data]);
  });

  test('a wrong SK → PROVIDER_AUTH, one request, never retried', async () => {
    emu.reset();
    await rejectsWith(provider({ secretAccessKey: 'wrong-sk-00000000000000000000000000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('APIGW.0301 signature'), 1);
  });

  test('an unknown AK → PROVIDER_AUTH, one request', async () => {
    emu.reset();
    await rejectsWith(provider({ accessKeyId: 'HWNOBODY' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('APIGW.0301 ak'), 1);
  });

  test('a denied key can list but a write → PROVIDER_PERMISSION, nothing applied', async () => {
    const denied = provider(DENIED);
    assert.ok((await denied.getRecords(ZONE)).length > 0);
    emu.reset();
    await rejectsWith(denied.appendRecords(ZONE, [{ name: 'denied.hw', type: 'TXT', data: 'x' }]), 'PROVIDER_PERMISSION');
    assert.equal(emu.errors.get('DNS.0030'), 1);
    assert.deepEqual(await served('denied.hw.example.test', 'TXT'), []);
  });
});

describe('huaweicloud: clock skew', () => {
  test('no skew: no extra request', async () => {
    const p = provider();
    emu.reset();
    await p.appendRecords(ZONE, [{ name: 'skew0.hw', type: 'TXT', data: 'zero', ttl: 120 }]);
    assert.equal(emu.errors.size, 0);
    assert.equal(emu.count(), 3); // zone, recordset lookup, POST
  });

  for (const shift of ['-20m', '+20m', '-1d', '+1d']) {
    test(`system clock ${shift}: corrected from the explicit server time with exactly one extra request`, async () => {
      const clock = new CorrectedClock({ system: new ShiftedClock(parseShift(shift)) });
      const p = provider({ clock });
      emu.reset();
      const name = `skew${shift.replace(/[+-]/, (c) => (c === '+' ? 'p' : 'm'))}.hw`;
      await p.appendRecords(ZONE, [{ name, type: 'TXT', data: shift, ttl: 120 }]);
      assert.equal(emu.errors.get('APIGW.0301 expired'), 1);
      assert.equal(emu.errors.size, 1);
      assert.equal(emu.count(), 4); // zone (twice), recordset lookup, POST
      assert.equal(emu.reportedServerTimes.length, 1);
      // The "server time:" of the message became a clock sample of its own.
      const apig = clock.status().sources.find((s) => s.source === `apig:127.0.0.1:${emu.port}`);
      assert.ok(apig !== undefined, JSON.stringify(clock.status().sources));
      assert.ok(Math.abs(apig.offsetMs + parseShift(shift)) < 5000, `offset ${apig.offsetMs}`);
      assert.deepEqual(await served(`${name}.example.test`, 'TXT'), [shift]);
      emu.reset();
      await p.getRecords(ZONE);
      assert.equal(emu.errors.size, 0);
    });
  }

  test('20 concurrent calls at +2h all succeed, each with at most one extra request', async () => {
    const p = provider({ system: new ShiftedClock(parseShift('+2h')) });
    emu.reset();
    const names = Array.from({ length: 20 }, (_, i) => `conc${i}.hw`);
    await Promise.all(names.map((name) => p.appendRecords(ZONE, [{ name, type: 'TXT', data: 'concurrent', ttl: 120 }])));
    const expired = emu.errors.get('APIGW.0301 expired') ?? 0;
    assert.ok(expired >= 1 && expired <= 20, `${expired} expired`);
    assert.equal(emu.errors.size, 1);
    assert.equal(emu.count('POST recordset'), 20);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'TXT'), ['concurrent']);
  });
});

describe('huaweicloud: the CLI', () => {
  test('zonekeeper record set through the huawei provider: BIND serves the record', async () => {
    const file = join(dir, 'zonekeeper.yaml');
    writeProviderConfig(file, bed, 'hw', { type: 'huawei', accessKeyId: FULL.accessKeyId, secretAccessKey: FULL.secretAccessKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' });
    emu.reset();
    const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.hw.example.test', 'A', '192.0.2.46', '--provider', 'hw']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await served('cli.hw.example.test', 'A'), ['192.0.2.46']);
    assert.ok(emu.count('POST recordset') + emu.count('PUT recordset') >= 1);
  });
});
