/**
 * The dnsmadeeasy provider against the vendor-exact emulator
 * (test/emulators/dnsmadeeasy.ts), whose records live in a real BIND: the
 * emulator's HMAC verifier against the published vectors, the provider
 * contract with pagination, auth errors, clock skew corrected with at most
 * one extra request, and `zonekeeper record set`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import type { Clock } from '../src/clock/clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { findManifest } from '../src/providers/registry.ts';
import { dnsmadeeasyManifest } from '../src/providers/dnsmadeeasy/manifest.ts';
import type { DmeProvider } from '../src/providers/dnsmadeeasy/provider.ts';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';
import { authenticateDme, dmeHmacValid, parseImfFixdate, startDmeEmulator, type DmeEmulator } from './emulators/dnsmadeeasy.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const FULL = { apiKey: '1c1a3c91-4770-4ce7-96f4-54c0eb0e457a', secretKey: 'c9b5625f-9834-4ff8-baba-4ed5f32cae55' };
const ZONE = 'example.test.';
const PAGE = 40;

let bed: BindBed;
let emu: DmeEmulator;
let noDate: DmeEmulator;
let dir: string;
let trustFile: string;
let target: ContractTarget;

function provider(o: { apiKey?: string; secretKey?: string; clock?: Clock; emulator?: DmeEmulator } = {}): DmeProvider {
  const e = o.emulator ?? emu;
  const config = dnsmadeeasyManifest.parse(
    { apiKey: o.apiKey ?? FULL.apiKey, secretKey: o.secretKey ?? FULL.secretKey, endpoint: e.endpoint, trust: trustFile, zone: 'example.test' },
    'providers.dme',
  );
  return dnsmadeeasyManifest.create(config, {
    clock: new CorrectedClock({ system: o.clock ?? systemClock }),
    dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 },
  }) as DmeProvider;
}

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultProvider(s: ProviderSetup, secretKey = FULL.secretKey): DmeProvider {
  const config = dnsmadeeasyManifest.parse({ apiKey: FULL.apiKey, secretKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test', timeout: s.timeoutMs }, 'providers.dme');
  return dnsmadeeasyManifest.create(config, { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }) as DmeProvider;
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

interface VectorCase {
  readonly name: string;
  readonly inputs: { readonly apiKey: string; readonly secretKey: string; readonly epochSeconds: number };
  readonly expected: { readonly requestDate: string; readonly hmac: string };
}

describe('dnsmadeeasy emulator: its own verifier against the published vectors', () => {
  const vectors = JSON.parse(readFileSync('/work/shared/vectors/dnsmadeeasy.json', 'utf8')) as { cases: VectorCase[] };

  test('every vector verifies; one changed byte of the hmac, the date or the secret does not', () => {
    assert.ok(vectors.cases.length >= 2);
    for (const c of vectors.cases) {
      const { secretKey, epochSeconds, apiKey } = c.inputs;
      const { requestDate, hmac } = c.expected;
      assert.equal(parseImfFixdate(requestDate), epochSeconds * 1000, c.name);
      assert.ok(dmeHmacValid(secretKey, requestDate, hmac), c.name);
      const flipped = `${hmac.slice(0, -1)}${hmac.endsWith('0') ? '1' : '0'}`;
      assert.equal(dmeHmacValid(secretKey, requestDate, flipped), false, c.name);
      assert.equal(dmeHmacValid(secretKey, requestDate.replace('GMT', 'GMU'), hmac), false, c.name);
      assert.equal(dmeHmacValid(`${secretKey.slice(0, -1)}x`, requestDate, hmac), false, c.name);
      const keys = new Map([[apiKey, secretKey]]);
      authenticateDme({ apiKey, requestDate, hmac }, keys, epochSeconds * 1000 + 29_000);
      assert.throws(() => authenticateDme({ apiKey, requestDate, hmac: flipped }, keys, epochSeconds * 1000), /Unable to verify HMAC/);
      assert.throws(() => authenticateDme({ apiKey, requestDate, hmac }, keys, epochSeconds * 1000 + 31_000), /too far out of sync.  Difference in times is -31000, header value is \d+000$/);
    }
  });

  test('IMF-fixdate parsing is strict (weekday, zero-padded day)', () => {
    assert.equal(parseImfFixdate('Sat, 12 Feb 2011 20:59:04 GMT'), 1297544344000);
    assert.equal(parseImfFixdate('Sun, 12 Feb 2011 20:59:04 GMT'), undefined);
    assert.equal(parseImfFixdate('Wed, 1 May 2024 09:05:07 GMT'), undefined);
  });
});

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startDmeEmulator({ bed, keys: [FULL], pageSize: PAGE });
  noDate = await startDmeEmulator({ bed, keys: [FULL], sendDate: false });
  dir = mkdtempSync(join(tmpdir(), 'zk-dme-'));
  trustFile = join(dir, 'emulator-roots.pem');
  writeFileSync(trustFile, `${emu.rootPem}\n${noDate.rootPem}`);
  target = { provider: provider(), zone: ZONE };
});

after(async () => {
  await emu.close();
  await noDate.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

runProviderContract('dnsmadeeasy', () => target, { label: 'dme', pagination: 250 });

runProviderFaultSuite(
  'dnsmadeeasy',
  () => ({ provider: (s) => faultProvider(s), unauthorized: (s) => faultProvider(s, '00000000-0000-4000-8000-000000000000'), zone: ZONE, host: emu, served }),
  { label: 'dme-faults', throttleRetryAfter: false },
);

describe('dnsmadeeasy: registry, zones, errors', () => {
  test('the provider is registered under its id and its alias', () => {
    assert.equal(findManifest('dnsmadeeasy')?.id, 'dnsmadeeasy');
    assert.equal(findManifest('DME')?.id, 'dnsmadeeasy');
  });

  test('record lists are paged: every small page of the server is fetched', async () => {
    emu.reset();
    const all = await target.provider.getRecords(ZONE);
    assert.ok(all.length > 250, `${all.length} records`);
    assert.equal(emu.count('listRecords'), Math.ceil(all.length / PAGE));
  });

  test('GET /dns/managed/ lists the zones of the account', async () => {
    assert.deepEqual((await provider().listZones()).sort(), [...bed.zones].map((z) => `${z.replace(/\.$/, '')}.`).sort());
  });

  test('an unknown zone → ZONE_NOT_FOUND', async () => {
    await rejectsWith(provider().getRecords('nowhere.test.'), 'ZONE_NOT_FOUND');
  });

  test('records written through the API are served by BIND; TXT with quotes round-trips', async () => {
    await target.provider.appendRecords(ZONE, [{ name: 'dns-visible.dme', type: 'TXT', data: 'seen over DNS', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.dme.example.test', 'TXT'), ['seen over DNS']);
    await target.provider.setRecords(ZONE, [{ name: 'dns-visible.dme', type: 'TXT', data: 'say "hi"', ttl: 120 }]);
    assert.deepEqual(await served('dns-visible.dme.example.test', 'TXT'), ['say "hi"']);
    const listed = (await target.provider.getRecords(ZONE)).filter((r) => r.name === 'dns-visible.dme');
    assert.deepEqual(listed.map((r) => r.data), ['say "hi"']);
  });

  test('a wrong secret key → PROVIDER_AUTH, one request, never retried', async () => {
    emu.reset();
    await rejectsWith(provider({ secretKey: 'wrong-secret-key-000000000000000' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('hmac'), 1);
  });

  test('an unknown API key → PROVIDER_AUTH (403), one request', async () => {
    emu.reset();
    await rejectsWith(provider({ apiKey: 'no-such-key' }).getRecords(ZONE), 'PROVIDER_AUTH');
    assert.equal(emu.count(), 1);
    assert.equal(emu.errors.get('key'), 1);
  });

  test('deleting a record another client already deleted is not an error (404 = gone)', async () => {
    const a = provider();
    await a.appendRecords(ZONE, [{ name: 'gone.dme', type: 'TXT', data: 'x', ttl: 120 }]);
    await provider().deleteRecords(ZONE, [{ name: 'gone.dme', type: 'TXT', data: 'x' }]);
    await a.deleteRecords(ZONE, [{ name: 'gone.dme', type: 'TXT', data: '' }]);
    assert.deepEqual(await served('gone.dme.example.test', 'TXT'), []);
  });
});

describe('dnsmadeeasy: clock skew', () => {
  test('no skew: no extra request', async () => {
    const p = provider();
    await p.getRecords(ZONE);
    emu.reset();
    await p.appendRecords(ZONE, [{ name: 'skew0.dme', type: 'TXT', data: 'zero', ttl: 120 }]);
    assert.equal(emu.count('createRecord'), 1);
    assert.equal(emu.errors.get('skew'), undefined);
  });

  for (const shift of ['-10m', '+10m', '-2h', '+2h', '-1d', '+1d']) {
    test(`system clock ${shift}: corrected with exactly one extra request`, async () => {
      const p = provider({ clock: new ShiftedClock(parseShift(shift)) });
      emu.reset();
      const name = `skew${shift.replace(/[+-]/, (c) => (c === '+' ? 'p' : 'm'))}.dme`;
      await p.setRecords(ZONE, [{ name, type: 'TXT', data: shift, ttl: 120 }]);
      assert.equal(emu.errors.get('skew'), 1);
      assert.equal(emu.count('createRecord'), 1);
      assert.equal(emu.count('domainByName'), 2, 'the first request, refused, then sent again');
      assert.deepEqual(await served(`${name}.example.test`, 'TXT'), [shift]);
      emu.reset();
      await p.getRecords(ZONE);
      assert.equal(emu.errors.get('skew'), undefined);
    });
  }

  test('without a Date header the body corrects the clock (Difference read as client − server)', async () => {
    const p = provider({ clock: new ShiftedClock(parseShift('+2h')), emulator: noDate });
    noDate.reset();
    await p.getRecords(ZONE);
    assert.equal(noDate.errors.get('skew'), 1);
    assert.equal(noDate.count('domainByName'), 2);
  });

  test('20 concurrent calls at +2h all succeed, each with at most one extra request', async () => {
    const p = provider({ clock: new ShiftedClock(parseShift('+2h')) });
    emu.reset();
    const names = Array.from({ length: 20 }, (_, i) => `conc${i}.dme`);
    await Promise.all(names.map((name) => p.setRecords(ZONE, [{ name, type: 'TXT', data: 'concurrent', ttl: 120 }])));
    const skewed = emu.errors.get('skew') ?? 0;
    assert.ok(skewed >= 1 && skewed <= 20, `${skewed} skewed`);
    assert.equal(emu.count('createRecord'), 20);
    for (const name of names) assert.deepEqual(await served(`${name}.example.test`, 'TXT'), ['concurrent']);
  });
});

describe('dnsmadeeasy: the CLI', () => {
  test('zonekeeper record set through the dnsmadeeasy provider: BIND serves the record', async () => {
    const file = join(dir, 'zonekeeper.yaml');
    writeProviderConfig(file, bed, 'dme', { type: 'dnsmadeeasy', apiKey: FULL.apiKey, secretKey: FULL.secretKey, endpoint: emu.endpoint, trust: trustFile, zone: 'example.test' });
    emu.reset();
    const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.dme.example.test', 'A', '192.0.2.45', '--provider', 'dme']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await served('cli.dme.example.test', 'A'), ['192.0.2.45']);
    assert.ok(emu.count('createRecord') + emu.count('updateRecord') >= 1);
  });
});
