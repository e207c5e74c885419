/**
 * `zonekeeper provider test` as a whole process: against BIND (rfc2136, TSIG)
 * and against the Tencent and Route 53 emulators writing into that BIND.
 * Each check's status and code are asserted from --json; the probe record
 * is gone afterwards (asked of BIND itself); a wrong secret costs exactly one
 * request; the vendor's clock offset is reported under libfaketime.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FULL, KEY_TXT_ONLY, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli, type CliResult } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { writeProviderConfig } from './harness/zk-config.ts';
import { startTencentEmulator, type TencentEmulator } from './emulators/tencent.ts';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.ts';
import { freePort } from './harness/ports.ts';

const TC_FULL = { secretId: 'AKIDptfull000000000000000000000000000', secretKey: 'pt-full-secret-key-0000000000000' };
const TC_RO = { secretId: 'AKIDptread000000000000000000000000000', secretKey: 'pt-read-secret-key-0000000000000', readOnly: true };
const R53_FULL = { accessKeyId: 'AKIAPTFULL0000000000', secretAccessKey: 'pt-full-r53-secret-00000000000000000000' };
const R53_DENIED = { accessKeyId: 'AKIAPTDENY0000000000', secretAccessKey: 'pt-deny-r53-secret-00000000000000000000', denied: true };

let bed: BindBed;
let tc: TencentEmulator;
let r53: Route53Emulator;
let dir: string;

interface Check {
  id: string;
  status: string;
  reason?: string;
  zone?: string;
  zones?: string[];
  probe?: { name: string; leftBehind?: boolean };
  offsetMs?: number;
  sources?: { source: string; offsetMs: number }[];
  error?: { code: string; evidence: Record<string, unknown> };
}
interface Report {
  ok: boolean;
  zone?: string;
  checks: Check[];
  error?: { code: string };
}

function config(name: string, settings: Record<string, string>): string {
  return writeProviderConfig(join(dir, `${name}.yaml`), bed, name, settings);
}

function run(file: string, args: string[], o: { faketime?: string; lang?: string } = {}): Promise<CliResult> {
  const name = file.replace(/^.*\/|\.yaml$/g, '');
  return runCli(['--config', file, '--data', join(dir, `data-${name}`), '--json', ...(o.lang === undefined ? [] : ['--lang', o.lang]), 'provider', 'test', ...args], o.faketime === undefined ? {} : { faketime: o.faketime });
}

function report(r: CliResult): Report {
  assert.ok(r.json !== undefined, `${r.stdout}\n${r.stderr}`);
  return r.json as Report;
}

function statuses(rep: Report): Record<string, string> {
  return Object.fromEntries(rep.checks.map((c) => [c.id, c.status]));
}

function check(rep: Report, id: string): Check {
  const c = rep.checks.find((x) => x.id === id);
  assert.ok(c !== undefined, id);
  return c;
}

async function txtAt(fqdn: string): Promise<string[]> {
  return (await probe(bed.primary.host, bed.primary.port, fqdn, 'TXT')).answers.map((a) => a.data);
}

function rfc2136(name: string, keyName: string, secret?: string): string {
  const key = bed.keys[keyName];
  assert.ok(key !== undefined);
  const file = join(dir, `${name}.yaml`);
  const primary = `${bed.primary.host}:${bed.primary.port}`;
  writeFileSync(
    file,
    [
      'dns:',
      '  resolvers: []',
      '  nameservers:',
      ...bed.zones.map((z) => `    ${z}: ["${primary}"]`),
      'providers:',
      `  ${name}:`,
      '    type: rfc2136',
      `    server: "${primary}"`,
      `    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${secret ?? key.secret}" }`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-provider-test-'));
  bed = await startBind({ secondaries: 0 });
  [tc, r53] = await Promise.all([startTencentEmulator({ bed, keys: [TC_FULL, TC_RO] }), startRoute53Emulator({ bed, keys: [R53_FULL, R53_DENIED] })]);
  writeFileSync(join(dir, 'tc-root.pem'), tc.rootPem);
  writeFileSync(join(dir, 'r53-root.pem'), r53.rootPem);
});

after(async () => {
  await Promise.all([tc.close(), r53.close()]);
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

const tcSettings = (k: { secretId: string; secretKey: string }, extra: Record<string, string> = {}): Record<string, string> => ({
  type: 'tencentcloud',
  secretId: k.secretId,
  secretKey: k.secretKey,
  endpoint: tc.endpoint,
  trust: join(dir, 'tc-root.pem'),
  ...extra,
});

describe('provider test: rfc2136 on BIND', () => {
  test('every check passes; the probe TXT was created and is gone; TSIG time is the vendor clock', async () => {
    const r = await run(rfc2136('lab', KEY_FULL), ['lab', '--zone', 'example.test']);
    assert.equal(r.status, 0, r.stderr);
    const rep = report(r);
    assert.deepEqual(statuses(rep), { reachable: 'ok', credential: 'ok', zone: 'ok', write: 'ok', clock: 'ok' });
    const probeName = check(rep, 'write').probe?.name ?? '';
    assert.match(probeName, /^_zonekeeper-probe-[0-9a-f]{10}\.example\.test\.$/);
    assert.deepEqual(await txtAt(probeName), []);
    assert.ok(check(rep, 'clock').sources?.some((s) => s.source.startsWith('tsig:')), JSON.stringify(check(rep, 'clock')));
  });

  test('a TXT-only key passes too: the probe is a TXT record (and the bed allows transfers from loopback)', async () => {
    const r = await run(rfc2136('txtonly', KEY_TXT_ONLY), ['txtonly', '--zone', 'example.test']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(statuses(report(r)), { reachable: 'ok', credential: 'ok', zone: 'ok', write: 'ok', clock: 'ok' });
  });

  test('a wrong secret: credential failed with TSIG_BADSIG, write not attempted, exit 1', async () => {
    const r = await run(rfc2136('badsig', KEY_FULL, 'd3Jvbmctc2VjcmV0LWZvci10aGUta2V5LTAwMDAwMDA='), ['badsig', '--zone', 'example.test']);
    assert.equal(r.status, 1, r.stderr);
    const rep = report(r);
    assert.equal(rep.ok, false);
    assert.deepEqual(statuses(rep), { reachable: 'ok', credential: 'failed', zone: 'skipped', write: 'skipped', clock: 'skipped' });
    assert.equal(check(rep, 'credential').error?.code, 'TSIG_BADSIG');
    assert.equal(rep.error?.code, 'TSIG_BADSIG');
    assert.ok(!r.stdout.includes('d3Jvbmctc2VjcmV0') && !r.stderr.includes('d3Jvbmctc2VjcmV0'), 'the secret is never printed');
  });

  test('--read-only: no write; a provider that cannot list zones needs --zone (exit 2)', async () => {
    const file = rfc2136('ro', KEY_FULL);
    const r = await run(file, ['ro', '--zone', 'example.test', '--read-only']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(check(report(r), 'write').reason, 'read-only');
    const noZone = await run(file, ['ro']);
    assert.equal(noZone.status, 2);
    assert.equal((noZone.json as { error?: { code: string } }).error?.code, 'USAGE');
  });

  test('a server that does not answer: reachable failed, the rest skipped', async () => {
    const port = await freePort();
    const file = join(dir, 'dead.yaml');
    writeFileSync(file, ['dns: { resolvers: [] }', 'providers:', '  dead:', '    type: rfc2136', `    server: "127.0.0.1:${port}"`, '    timeout: 500', `    tsig: { name: k, algorithm: hmac-sha256, secret: "a2V5a2V5a2V5a2V5" }`, ''].join('\n'));
    const r = await run(file, ['dead', '--zone', 'example.test']);
    assert.equal(r.status, 1, r.stderr);
    const rep = report(r);
    assert.equal(check(rep, 'reachable').status, 'failed');
    assert.match(check(rep, 'reachable').error?.code ?? '', /^DNS_(TIMEOUT|NETWORK)$/);
    assert.equal(check(rep, 'write').reason, 'earlier-failure');
  });
});

describe('provider test: tencentcloud emulator', () => {
  test('full key, no zone configured: the zones are listed; with --zone the probe is written and removed', async () => {
    const file = config('tc', tcSettings(TC_FULL));
    let r = await run(file, ['tc']);
    assert.equal(r.status, 0, r.stderr);
    let rep = report(r);
    assert.equal(check(rep, 'zone').status, 'ok');
    assert.deepEqual(check(rep, 'zone').zones, [...bed.zones].map((z) => z.replace(/\.?$/, '.')).sort());
    assert.equal(check(rep, 'write').reason, bed.zones.length > 1 ? 'several-zones' : undefined);
    tc.reset();
    r = await run(file, ['tc', '--zone', 'example.test']);
    assert.equal(r.status, 0, r.stderr);
    rep = report(r);
    assert.deepEqual(statuses(rep), { reachable: 'ok', credential: 'ok', zone: 'ok', write: 'ok', clock: 'ok' });
    assert.equal(tc.count('CreateRecord'), 1);
    assert.deepEqual(await txtAt(check(rep, 'write').probe?.name ?? ''), []);
    assert.ok(check(rep, 'clock').sources?.some((s) => s.source.startsWith('http:')));
  });

  test('wrong secret key: credential failed (PROVIDER_AUTH) after exactly one request', async () => {
    tc.reset();
    const r = await run(config('tcbad', tcSettings({ secretId: TC_FULL.secretId, secretKey: 'wrong-secret-key-000000000000000' })), ['tcbad']);
    assert.equal(r.status, 1, r.stderr);
    const rep = report(r);
    assert.equal(check(rep, 'credential').error?.code, 'PROVIDER_AUTH');
    assert.equal(tc.count(), 1);
  });

  test('read-only key: write failed with PROVIDER_PERMISSION naming the action; nothing left in BIND', async () => {
    const r = await run(config('tcro', tcSettings(TC_RO, { zone: 'example.test' })), ['tcro']);
    assert.equal(r.status, 1, r.stderr);
    const rep = report(r);
    assert.deepEqual(statuses(rep), { reachable: 'ok', credential: 'ok', zone: 'ok', write: 'failed', clock: 'ok' });
    const w = check(rep, 'write');
    assert.equal(w.error?.code, 'PROVIDER_PERMISSION');
    assert.ok(JSON.stringify(w.error?.evidence).includes('CreateRecord'), JSON.stringify(w.error));
    assert.deepEqual(await txtAt(w.probe?.name ?? ''), []);
  });

  test('--zone the account does not hold: zone failed, ZONE_NOT_FOUND not-in-account, exit 2', async () => {
    const r = await run(config('tc', tcSettings(TC_FULL)), ['tc', '--zone', 'not-mine.test']);
    assert.equal(r.status, 2, r.stderr);
    const z = check(report(r), 'zone');
    assert.equal(z.error?.code, 'ZONE_NOT_FOUND');
    assert.equal(z.error?.evidence['reason'], 'not-in-account');
  });

  test('system clock 2 h ahead: every check passes and the clock check warns with the offset', async () => {
    const r = await run(config('tcskew', tcSettings(TC_FULL, { zone: 'example.test' })), ['tcskew'], { faketime: '+2h' });
    assert.equal(r.status, 0, r.stderr);
    const c = check(report(r), 'clock');
    assert.equal(c.status, 'warning');
    assert.ok(Math.abs((c.offsetMs ?? 0) + 7_200_000) < 5_000, String(c.offsetMs));
  });

  test('a trailing space in the SecretId: exit 2 with its position before anything is sent; zh-CN text', async () => {
    tc.reset();
    const r = await run(config('tcspace', tcSettings({ secretId: `${TC_FULL.secretId} `, secretKey: TC_FULL.secretKey })), ['tcspace'], { lang: 'zh-CN' });
    assert.equal(r.status, 2);
    const e = (r.json as { error: { code: string; evidence: Record<string, unknown> } }).error;
    assert.equal(e.code, 'SECRET_INVISIBLE_CHARACTER');
    assert.equal(e.evidence['position'], TC_FULL.secretId.length + 1);
    assert.equal(e.evidence['path'], 'providers.tcspace.secretId');
    assert.match(r.stderr, /[\u4e00-\u9fff]/);
    assert.equal(tc.count(), 0);
  });

  test('text output in zh-CN names every check', async () => {
    const file = config('tc', tcSettings(TC_FULL));
    const r = await runCli(['--config', file, '--data', join(dir, 'data-tc'), '--lang', 'zh-CN', 'provider', 'test', 'tc', '--zone', 'example.test']);
    assert.equal(r.status, 0, r.stderr);
    for (const label of ['可达', '凭据', '区域', '写入', '时钟']) assert.ok(r.stdout.includes(label), r.stdout);
  });
});

describe('provider test: route53 emulator', () => {
  const settings = (k: { accessKeyId: string; secretAccessKey: string }): Record<string, string> => ({
    type: 'route53',
    accessKeyId: k.accessKeyId,
    secretAccessKey: k.secretAccessKey,
    endpoint: r53.endpoint,
    trust: join(dir, 'r53-root.pem'),
  });

  test('full key: all checks pass, the probe RRset is gone', async () => {
    const r = await run(config('r53', settings(R53_FULL)), ['r53', '--zone', 'example.test']);
    assert.equal(r.status, 0, r.stderr);
    const rep = report(r);
    assert.deepEqual(statuses(rep), { reachable: 'ok', credential: 'ok', zone: 'ok', write: 'ok', clock: 'ok' });
    assert.deepEqual(await txtAt(check(rep, 'write').probe?.name ?? ''), []);
  });

  test('a key denied ChangeResourceRecordSets: write failed, the permission diagnosis names the action', async () => {
    const r = await run(config('r53deny', settings(R53_DENIED)), ['r53deny', '--zone', 'example.test']);
    assert.equal(r.status, 1, r.stderr);
    const w = check(report(r), 'write');
    assert.equal(w.error?.code, 'PROVIDER_PERMISSION');
    assert.ok(JSON.stringify(w.error?.evidence).includes('ChangeResourceRecordSets'), JSON.stringify(w.error));
  });
});
