/**
 * `zonekeeper ddns sync` end to end: the address comes from a `command`
 * source reading a file the test rewrites; records live in a real BIND
 * (primary + secondary) reached through rfc2136 (behind a proxy that counts
 * UPDATEs), the Tencent emulator and the Route 53 emulator. Asserted over
 * DNS on every authoritative server, never from our own output alone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { DAY_MS, makeCert, makeRoot } from '../src/http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../src/http/testing/servers.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { KEY_FULL, KEY_TXT_ONLY, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli, type CliResult } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { startDnsProxy, type DnsProxy } from './harness/dns-proxy.ts';
import { startTencentEmulator, type TencentEmulator } from './emulators/tencent.ts';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.ts';

const TC = { secretId: 'AKIDddnsfull00000000000000000000000000', secretKey: 'ddns-full-secret-key-00000000000' };
const R53 = { accessKeyId: 'AKIADDNSFULL00000000', secretAccessKey: 'ddns-full-r53-secret-0000000000000000000' };

let bed: BindBed;
let proxy: DnsProxy;
let tc: TencentEmulator;
let r53: Route53Emulator;
let hook: TestServer;
let dir: string;
let hookRoot: string;
const received: { path: string; body: unknown }[] = [];

interface Outcome {
  fqdn: string;
  type: string;
  provider: string;
  action: string;
  before?: string[];
  after?: string;
  error?: { code: string };
}
interface SyncJson {
  ok: boolean;
  records: Outcome[];
  reads: number;
  writes: number;
  detection: { ipv4?: { address: string | null }; ipv6?: { address: string | null } };
  notifications: { notifier: string; kind: string; delivered: boolean }[];
}

function setAddress(v4: string, v6: string): void {
  writeFileSync(join(dir, 'ipv4.txt'), `${v4}\n`);
  writeFileSync(join(dir, 'ipv6.txt'), `${v6}\n`);
}

/** A config with the three providers, command sources reading the address files, and `records`. */
function config(name: string, records: string[], o: { readEvery?: number; notifier?: boolean } = {}): string {
  const full = bed.keys[KEY_FULL];
  const txtOnly = bed.keys[KEY_TXT_ONLY];
  assert.ok(full !== undefined && txtOnly !== undefined);
  const servers = bed.servers.map((s) => `"${s.host}:${s.port}"`).join(', ');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'dns:',
      '  resolvers: []',
      '  nameservers:',
      ...bed.zones.map((z) => `    ${z}: [${servers}]`),
      'providers:',
      '  lab:',
      '    type: rfc2136',
      `    server: "${proxy.host}:${proxy.port}"`,
      `    tsig: { name: ${full.name}, algorithm: ${full.algorithm}, secret: "${full.secret}" }`,
      '  labtxt:',
      '    type: rfc2136',
      `    server: "${proxy.host}:${proxy.port}"`,
      `    tsig: { name: ${txtOnly.name}, algorithm: ${txtOnly.algorithm}, secret: "${txtOnly.secret}" }`,
      '  tc:',
      '    type: tencentcloud',
      `    secretId: ${TC.secretId}`,
      `    secretKey: "${TC.secretKey}"`,
      `    endpoint: ${tc.endpoint}`,
      `    trust: ${join(dir, 'tc-root.pem')}`,
      '  r53:',
      '    type: route53',
      `    accessKeyId: ${R53.accessKeyId}`,
      `    secretAccessKey: "${R53.secretAccessKey}"`,
      `    endpoint: ${r53.endpoint}`,
      `    trust: ${join(dir, 'r53-root.pem')}`,
      ...(o.notifier === true
        ? [
            'notifiers:',
            '  ops:',
            '    type: webhook',
            `    url: "https://127.0.0.1:${hook.port}/zk/{{kind}}?subject={{subject}}"`,
            `    trust: ${hookRoot}`,
            '    body: \'{"text": "{{kind}} {{subject}}: {{old}} -> {{new}}", "event": {{event}}}\'',
          ]
        : []),
      'ddns:',
      `  readEvery: ${o.readEvery ?? 12}`,
      `  ipv4: { sources: [{ type: command, run: "cat ${join(dir, 'ipv4.txt')}" }], quorum: 1 }`,
      `  ipv6: { sources: [{ type: command, run: "cat ${join(dir, 'ipv6.txt')}" }], quorum: 1 }`,
      '  records:',
      ...records.map((r) => `    - ${r}`),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

function sync(file: string, args: string[] = []): Promise<CliResult> {
  const name = file.replace(/^.*\/|\.yaml$/g, '');
  return runCli(['--config', file, '--data', join(dir, `data-${name}`), '--json', 'ddns', 'sync', '--timeout', '20s', ...args]);
}

function json(r: CliResult): SyncJson {
  assert.ok(r.json !== undefined, `${r.stdout}\n${r.stderr}`);
  return r.json as SyncJson;
}

/** What every authoritative server (primary and secondary) serves. */
async function everywhere(fqdn: string, type: 'A' | 'AAAA'): Promise<string[][]> {
  return Promise.all(bed.servers.map(async (s) => (await probe(s.host, s.port, fqdn, type)).answers.map((a) => a.data).sort()));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-ddns-sync-'));
  bed = await startBind({ secondaries: 1 });
  proxy = await startDnsProxy({ upstream: bed.primary });
  [tc, r53] = await Promise.all([startTencentEmulator({ bed, keys: [TC] }), startRoute53Emulator({ bed, keys: [R53] })]);
  writeFileSync(join(dir, 'tc-root.pem'), tc.rootPem);
  writeFileSync(join(dir, 'r53-root.pem'), r53.rootPem);
  const now = Date.now();
  const root = await makeRoot('zk ddns hook root', now);
  const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - DAY_MS, notAfter: now + 30 * DAY_MS, dns: ['localhost'], ips: ['127.0.0.1'] });
  hookRoot = join(dir, 'hook-root.pem');
  writeFileSync(hookRoot, root.certPem);
  hook = await startHttpsServer(leaf.certPem, leaf.keyPem, (req: IncomingMessage, res, body) => {
    received.push({ path: req.url ?? '', body: JSON.parse(body.toString('utf8')) as unknown });
    res.writeHead(204).end();
  });
});

after(async () => {
  await Promise.all([tc?.close(), r53?.close(), hook?.close(), proxy?.close()]);
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

describe('ddns sync', { concurrency: false }, () => {
  const RECORDS = [
    '{ name: home.example.test, type: [A, AAAA], provider: lab, ttl: 300 }',
    '{ name: office.example.test, type: [A, AAAA], provider: tc, ttl: 600 }',
    '{ name: shop.example.test, type: [A, AAAA], provider: r53, ttl: 300 }',
  ];

  test('first run: every record created, served by the primary and the secondary', async () => {
    setAddress('81.2.69.160', '2a01:4f8:c0c:1::10');
    const r = await sync(config('main', RECORDS, { notifier: true }));
    assert.equal(r.status, 0, r.stderr);
    const out = json(r);
    assert.deepEqual(out.records.map((x) => x.action), ['updated', 'updated', 'updated', 'updated', 'updated', 'updated']);
    for (const name of ['home', 'office', 'shop']) {
      assert.deepEqual(await everywhere(`${name}.example.test`, 'A'), [['81.2.69.160'], ['81.2.69.160']], name);
      assert.deepEqual(await everywhere(`${name}.example.test`, 'AAAA'), [['2a01:4f8:c0c:1::10'], ['2a01:4f8:c0c:1::10']], name);
    }
  });

  test('unchanged address: zero write calls at any provider', async () => {
    proxy.reset();
    tc.reset();
    r53.reset();
    const r = await sync(config('main', RECORDS, { notifier: true }));
    assert.equal(r.status, 0, r.stderr);
    const out = json(r);
    assert.ok(out.records.every((x) => x.action === 'unchanged'), JSON.stringify(out.records));
    assert.equal(out.writes, 0);
    assert.equal(proxy.counts().update, 0);
    assert.equal(tc.count('CreateRecord') + tc.count('ModifyRecord') + tc.count('DeleteRecord'), 0);
    assert.equal(r53.count('ChangeResourceRecordSets'), 0);
  });

  test('the address changes: every authoritative server serves the new A and AAAA; the notifier is told', async () => {
    received.length = 0;
    setAddress('81.2.69.161', '2a01:4f8:c0c:1::11');
    const r = await sync(config('main', RECORDS, { notifier: true }));
    assert.equal(r.status, 0, r.stderr);
    const out = json(r);
    assert.ok(out.records.every((x) => x.action === 'updated'), JSON.stringify(out.records));
    assert.deepEqual(out.records[0]?.before, ['81.2.69.160']);
    for (const name of ['home', 'office', 'shop']) {
      assert.deepEqual(await everywhere(`${name}.example.test`, 'A'), [['81.2.69.161'], ['81.2.69.161']], name);
      assert.deepEqual(await everywhere(`${name}.example.test`, 'AAAA'), [['2a01:4f8:c0c:1::11'], ['2a01:4f8:c0c:1::11']], name);
    }
    const ipChanged = received.filter((x) => x.path.startsWith('/zk/ip-changed'));
    assert.deepEqual(ipChanged.map((x) => x.path).sort(), ['/zk/ip-changed?subject=ipv4', '/zk/ip-changed?subject=ipv6']);
    const v4 = ipChanged.find((x) => x.path.endsWith('ipv4'))?.body as { text: string; event: { data: { old: string; new: string } } };
    assert.equal(v4.text, 'ip-changed ipv4: 81.2.69.160 -> 81.2.69.161');
    assert.deepEqual(v4.event.data, { family: 'ipv4', old: '81.2.69.160', new: '81.2.69.161' });
    assert.equal(received.filter((x) => x.path.startsWith('/zk/record-updated')).length, 6);
    assert.ok(out.notifications.every((n) => n.delivered));
  });

  test('a record edited behind our back is repaired on the next provider read', async () => {
    const file = config('repair', ['{ name: edited.example.test, type: A, provider: lab }', '{ name: edited2.example.test, type: A, provider: tc }'], { readEvery: 2 });
    assert.equal((await sync(file)).status, 0);
    // Out of band: straight into BIND and through the vendor API's emulator.
    const full = bed.keys[KEY_FULL];
    assert.ok(full !== undefined);
    const direct = rfc2136Manifest.create(rfc2136Manifest.parse({ server: `${bed.primary.host}:${bed.primary.port}`, tsig: { name: full.name, algorithm: full.algorithm, secret: full.secret } }, 'x'), {
      clock: new CorrectedClock({ system: systemClock }),
      dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 },
    });
    await direct.setRecords('example.test.', [{ name: 'edited', type: 'A', data: '8.8.4.4', ttl: 300 }, { name: 'edited2', type: 'A', data: '8.8.4.4', ttl: 600 }]);
    const skipped = json(await sync(file));
    assert.deepEqual(skipped.records.map((x) => x.action), ['unchanged', 'unchanged'], 'not due for a read yet: nothing asked');
    assert.equal(skipped.reads, 0);
    const repaired = json(await sync(file));
    assert.deepEqual(repaired.records.map((x) => [x.action, x.before]), [['updated', ['8.8.4.4']], ['updated', ['8.8.4.4']]]);
    assert.deepEqual(await everywhere('edited.example.test', 'A'), [['81.2.69.161'], ['81.2.69.161']]);
    assert.deepEqual(await everywhere('edited2.example.test', 'A'), [['81.2.69.161'], ['81.2.69.161']]);
  });

  test('one provider failing on a record does not stop the others; the failure carries its diagnosis', async () => {
    // The txt-only key may not write A records: BIND refuses that UPDATE.
    const r = await sync(config('partial', ['{ name: refused.example.test, type: A, provider: labtxt }', '{ name: fine.example.test, type: A, provider: lab }', '{ name: fine.example.test, type: AAAA, provider: r53 }']));
    assert.equal(r.status, 1, r.stderr);
    const out = json(r);
    assert.equal(out.ok, false);
    assert.deepEqual(out.records.map((x) => x.action), ['failed', 'updated', 'updated']);
    assert.equal(out.records[0]?.error?.code, 'UPDATE_REFUSED');
    assert.deepEqual(await everywhere('refused.example.test', 'A'), [[], []]);
    assert.deepEqual(await everywhere('fine.example.test', 'A'), [['81.2.69.161'], ['81.2.69.161']]);
    assert.match(r.stderr, /UPDATE_REFUSED/);
  });

  test("the vendor's rate limit: throttled answers are waited out (Retry-After), every record still updated", async () => {
    tc.limit.perSecond = 2;
    tc.limit.burst = 2;
    tc.reset();
    try {
      const names = ['rl1', 'rl2', 'rl3', 'rl4', 'rl5'];
      const r = await sync(config('ratelimit', names.map((n) => `{ name: ${n}.example.test, type: A, provider: tc }`)));
      assert.equal(r.status, 0, r.stderr);
      assert.ok(json(r).records.every((x) => x.action === 'updated'));
      assert.ok(tc.throttled() >= 1, `throttled ${tc.throttled()}`);
      for (const n of names) assert.deepEqual(await everywhere(`${n}.example.test`, 'A'), [['81.2.69.161'], ['81.2.69.161']], n);
    } finally {
      delete tc.limit.perSecond;
    }
  });

  test('--dry-run reports what would change and changes nothing', async () => {
    setAddress('81.2.69.162', '2a01:4f8:c0c:1::11');
    proxy.reset();
    const r = await sync(config('main', RECORDS), ['--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    const out = json(r);
    assert.deepEqual(out.records.filter((x) => x.type === 'A').map((x) => x.action), ['would-update', 'would-update', 'would-update']);
    assert.equal(proxy.counts().update, 0);
    assert.deepEqual(await everywhere('home.example.test', 'A'), [['81.2.69.161'], ['81.2.69.161']]);
  });

  test('a detection without an address: its records are left alone and the run fails with the quorum diagnosis', async () => {
    setAddress('10.0.0.7', '2a01:4f8:c0c:1::11');
    const r = await sync(config('main', RECORDS));
    assert.equal(r.status, 1);
    const out = json(r);
    assert.equal(out.detection.ipv4?.address, null);
    assert.deepEqual(out.records.filter((x) => x.type === 'A').map((x) => x.action), ['no-address', 'no-address', 'no-address']);
    assert.match(r.stderr, /IP_QUORUM_NOT_REACHED/);
    assert.deepEqual(await everywhere('home.example.test', 'A'), [['81.2.69.161'], ['81.2.69.161']]);
  });

  test('bad config → exit 2 with a typed error, nothing contacted', async () => {
    proxy.reset();
    const cases: [string, string][] = [
      ['{ name: "bad..name.example.test", type: A, provider: lab }', 'ddns.records[0].name'],
      ['{ name: x.example.test, type: A, provider: tc, ttl: 700000 }', 'ddns.records[0].ttl'],
      ['{ name: x.example.test, type: A, provider: nope }', 'ddns.records[0].provider'],
    ];
    for (const [record, path] of cases) {
      const r = await sync(config('bad', [record]));
      assert.equal(r.status, 2, r.stderr);
      const e = (r.json as { error: { code: string; evidence: { path: string } } }).error;
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.evidence.path, path);
    }
    const file = config('badsrc', ['{ name: x.example.test, type: A, provider: lab }']);
    writeFileSync(file, (await import('node:fs')).readFileSync(file, 'utf8').replace('type: command', 'type: comand'));
    const r = await sync(file);
    assert.equal(r.status, 2);
    assert.equal((r.json as { error: { code: string } }).error.code, 'CONFIG_INVALID');
    assert.equal(proxy.counts().update + proxy.counts().query, 0);
  });
});
