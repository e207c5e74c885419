/**
 * The route53 provider against the vendor-exact emulator
 * (test/emulators/route53.ts), whose records live in a real BIND: the
 * provider contract with pagination, auth and permission errors, clock skew
 * corrected from Route 53's "(NOW - 5 min.)" with exactly one extra
 * request, and `zonekeeper record set`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { findManifest } from '../src/providers/registry.ts';
import { route53Manifest } from '../src/providers/route53/manifest.ts';
import type { Route53Provider } from '../src/providers/route53/provider.ts';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const FULL = { accessKeyId: 'AKIAZKFULL0000000000', secretAccessKey: 'full/secret+0000000000000000000000000000' };
const DENIED = { accessKeyId: 'AKIAZKDENIED00000000', secretAccessKey: 'denied-secret-000000000000000000000000', denied: true };
const SESSION = { accessKeyId: 'ASIAZKSESSION0000000', secretAccessKey: 'session-secret-00000000000000000000000', sessionToken: 'FwoGZXIvYXdzE//token+with/slashes==' };
const ZONE = 'example.test.';
const PAGE = 40;

let bed: BindBed;
let emu: Route53Emulator;
let dir: string;
let trustFile: string;
let target: ContractTarget;

function provider(o: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; clock?: CorrectedClock; hostedZoneId?: string } = {}): Route53Provider {
  const config = route53Manifest.parse(
    {
      accessKeyId: o.accessKeyId ?? FULL.accessKeyId,
      secretAccessKey: o.secretAccessKey ?? FULL.secretAccessKey,
      ...(o.sessionToken === undefined ? {} : { sessionToken: o.sessionToken }),
      ...(o.hostedZoneId === undefined ? {} : { hostedZoneId: o.hostedZoneId }),
      endpoint: emu.endpoint,
      trust: trustFile,
      zone: 'example.test',
    },
    'providers.r53',
  );
  return route53Manifest.create(config, { clock: o.clock ?? new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as Route53Provider;
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, secretAccessKey = FULL.secretAccessKey): Route53Provider {
  const config = route53Manifest.parse({ accessKeyId: FULL.accessKeyId, secretAccessKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test', timeout: s.timeoutMs }, 'providers.r53');
  return route53Manifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as Route53Provider;
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
  emu = await startRoute53Emulator({ bed, keys: [FULL, DENIED, SESSION], pageSize: PAGE });
  dir = mkdtempSync(join(tmpdir(), 'zk-route53-'));
  trustFile = join(dir, 'emulator-root.pem');
  writeFileSync(trustFile, emu.rootPem);
  target = { provider: provider(), zone: ZONE };
});

after(async () => {
  await emu.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

runProviderContract('route53', () => target, { label: 'r53', pagination: 250 });

runProviderFaultSuite(
  'route53',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, 'wrong/secret+0000000000000000000000000000'), zone: ZONE, host: emu, served }),
  { label: 'r53-faults', throttleRetryAfter: false },
);

describe('route53: registry, zones, paging, errors', () => {
  test('the provider is registered under its id and its alias', () => {
    assert.equal(findManifest('route53')?.id, 'route53');
    assert.equal(findManifest('AWS')?.id, 'route53');
  });

  test('ListResourceRecordSets is paged: every small page of the server is fetched', async () => {
    const p = provider({ hostedZoneId: emu.zoneIds.get(ZONE) ?? '' });
    emu.reset();
    const all = await p.getRecords(ZONE);
    assert.ok(all.length > 250, `${all.length} records`);
    const sets = new Set(all.map((r) => `${r.name}|${r.type}`)).size + 1; // + the SOA set
    assert.equal(emu.count('ListResourceRecordSets'), Math.ceil(sets / PAGE));
    assert.equal(emu.count('ListHostedZonesByName'), 0);
    assert.equal(emu.errors.size, 0);
  });

  test('ListHostedZonesByName lists the zones of the account', async () => {
    assert.deepEqual((await provider().listZones()).sort(), [...bed.zones].map((z) => z.toLowerCase().replace(/\.?$/, '.')).sort());
  });

  test('TXT with quotes, backslashes and UTF-8 round-trips and is served by BIND', async () => {
    const values = ['say "hi" \\ there', 'été ✓', 'y'.repeat(200)];
    await target.provider.setRecords(ZONE, values.map((data) => ({ name: 'quoted.r53', type: 'TXT', data, ttl: 120 })));
    const listed = (await target.provider.getRecords(ZONE)).filter((r) => r.name === 'quoted.r53').map((r) => r.data).sort();
    assert.deepEqual(listed, [...values].sort());
    assert.deepEqual(await served('quoted.r53.example.test', 'TXT'), [...values].sort());
  });

  test('session credentials (x-amz-security-token) are accepted', async () => {
    await provider(SESSION).appendRecords(ZONE, [{ name: 'session.r53', type: 'TXT', data: 'temp', ttl: 120 }]);
    assert.deepEqual(await served('session.r53.example.test', 'TXT'), ['temp']);
  });

  test('a wrong secret → PROVIDER_AUTH, one request, never retried', async () => {
    emu.reset();
    await rejectsWith(provider({ secretAccessKey: 'wrong/secret+000000000000000000000000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('SignatureDoesNotMatch'), 1);
  });

  test('an unknown access key → PROVIDER_AUTH (InvalidClientTokenId)', async () => {
    emu.reset();
    await rejectsWith(provider({ accessKeyId: 'AKIAZKNOBODY00000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.errors.get('InvalidClientTokenId'), 1);
  });

  test('a denied key can list but a write → PROVIDER_PERMISSION (AccessDenied), nothing written', async () => {
    const denied = provider(DENIED);
    assert.ok((await denied.getRecords(ZONE)).length > 0);
    emu.reset();
    await rejectsWith(denied.appendRecords(ZONE, [{ name: 'denied.r53', type: 'TXT', data: 'x' }]), 'PROVIDER_PERMISSION');
    assert.equal(emu.errors.get('AccessDenied'), 1);
    assert.deepEqual(await served('denied.r53.example.test', 'TXT'), []);
  });
});

describe('route53: clock skew', () => {
  test('no skew: no extra request', async () => {
    emu.reset();
    await provider().appendRecords(ZONE, [{ name: 'skew0.r53', type: 'TXT', data: 'zero', ttl: 120 }]);
    assert.equal(emu.count('ChangeResourceRecordSets'), 1);
    assert.equal(emu.errors.size, 0);
  });

  for (const shift of ['-10m', '+10m', '-1d', '+1d']) {
    test(`system clock ${shift}: corrected from the explicit NOW with exactly one extra request`, async () => {
      const clock = new CorrectedClock({ system: new ShiftedClock(parseShift(shift)) });
      const p = provider({ clock, hostedZoneId: emu.zoneIds.get(ZONE) ?? '' });
      emu.reset();
      const name = `skew${shift.replace(/[+-]/, (c) => (c === '+' ? 'p' : 'm'))}.r53`;
      await p.appendRecords(ZONE, [{ name, type: 'TXT', data: shift, ttl: 120 }]);
      // One read (ListResourceRecordSets) refused for skew, then everything goes through.
      assert.equal(emu.errors.get('SignatureDoesNotMatch'), 1);
      assert.equal(emu.errors.size, 1);
      assert.equal(emu.count(), 3);
      assert.equal(emu.skewNows.length, 1);
      // The corrected clock now agrees with the server's NOW (whole seconds) far better than the shift.
      assert.ok(Math.abs(clock.now() - (emu.skewNows[0] as number)) < 5_000, `${clock.now() - (emu.skewNows[0] as number)} ms`);
      assert.deepEqual(await served(`${name}.example.test`, 'TXT'), [shift]);
      emu.reset();
      await p.getRecords(ZONE);
      assert.equal(emu.errors.size, 0);
    });
  }

  test('20 concurrent calls at +2h all succeed, each with at most one extra request', async () => {
    const p = provider({ clock: new CorrectedClock({ system: new ShiftedClock(parseShift('+2h')) }), hostedZoneId: emu.zoneIds.get(ZONE) ?? '' });
    emu.reset();
    const names = Array.from({ length: 20 }, (_, i) => `conc${i}.r53`);
    await Promise.all(names.map((name) => p.appendRecords(ZONE, [{ name, type: 'TXT', data: 'concurrent', ttl: 120 }])));
    const skewed = emu.errors.get('SignatureDoesNotMatch') ?? 0;
    assert.ok(skewed >= 1 && skewed <= 20, `${skewed} skew answers`);
    assert.equal(emu.skewNows.length, skewed);
    assert.equal(emu.count(), 40 + skewed);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'TXT'), ['concurrent']);
  });
});

describe('route53: the CLI', () => {
  test('zonekeeper record set through the route53 provider: BIND serves the record', async () => {
    const file = join(dir, 'zonekeeper.yaml');
    writeProviderConfig(file, bed, 'r53', { type: 'route53', accessKeyId: FULL.accessKeyId, secretAccessKey: FULL.secretAccessKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' });
    emu.reset();
    const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.r53.example.test', 'A', '192.0.2.53', '--provider', 'r53']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await served('cli.r53.example.test', 'A'), ['192.0.2.53']);
    assert.ok(emu.count('ChangeResourceRecordSets') >= 1);
  });
});
