/**
 * `zonekeeper record …` as a whole process against real BIND (a primary and a
 * secondary), with the UPDATE path going through a counting proxy so the
 * number of UPDATE messages is observed outside our code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FULL, KEY_FULL_512, KEY_TXT_ONLY, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli, type CliResult } from './harness/cli.ts';
import { startDnsProxy, type DnsProxy } from './harness/dns-proxy.ts';
import { probe } from './harness/dns-probe.ts';
import { startUnbound } from './harness/unbound.ts';

let bed: BindBed;
let proxy: DnsProxy;
let root: string;

interface ConfigOptions {
  readonly key?: string;
  readonly secret?: string;
  readonly algorithm?: string;
  readonly resolvers?: string[];
  readonly nameservers?: string[];
  readonly zone?: boolean;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** A config naming every server explicitly: UPDATEs go through the proxy, propagation asks every BIND. */
function writeConfig(name: string, o: ConfigOptions = {}): string {
  const key = bed.keys[o.key ?? KEY_FULL];
  assert.ok(key);
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  const file = join(root, `${name}.yaml`);
  const servers = o.nameservers ?? bed.servers.map((s) => `${s.host}:${s.port}`);
  writeFileSync(
    file,
    [
      'dns:',
      `  resolvers: [${(o.resolvers ?? []).map(yamlString).join(', ')}]`,
      '  nameservers:',
      `    example.test: [${servers.map(yamlString).join(', ')}]`,
      `    delegated.test: [${servers.map(yamlString).join(', ')}]`,
      'providers:',
      '  lab:',
      '    type: rfc2136',
      `    server: ${yamlString(`${proxy.host}:${proxy.port}`)}`,
      ...(o.zone === false ? [] : ['    zone: example.test']),
      '    tsig:',
      `      name: ${key.name}`,
      `      algorithm: ${o.algorithm ?? key.algorithm}`,
      `      secret: ${yamlString(o.secret ?? key.secret)}`,
      '',
    ].join('\n'),
  );
  return file;
}

function run(name: string, args: string[], opts: { faketime?: string; config?: string } = {}): Promise<CliResult> {
  return runCli(['--config', opts.config ?? join(root, `${name}.yaml`), '--data', join(root, name), '--json', ...args], opts.faketime === undefined ? {} : { faketime: opts.faketime });
}

function errorCode(r: CliResult): string | undefined {
  return (r.json as { error?: { code?: string } } | undefined)?.error?.code;
}

async function servedEverywhere(name: string, type: 'A' | 'TXT' | 'AAAA'): Promise<string[][]> {
  return Promise.all(bed.servers.map(async (s) => (await probe(s.host, s.port, name, type)).answers.map((a) => a.data)));
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-record-'));
  bed = await startBind({ secondaries: 1 });
  proxy = await startDnsProxy({ upstream: bed.primary });
});

after(async () => {
  await proxy?.close();
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('record set on the real clock', { concurrency: false }, () => {
  test('sets an A record, confirms it on the primary and the secondary, with exactly one UPDATE', async () => {
    writeConfig('plain');
    proxy.reset();
    const r = await run('plain', ['record', 'set', 'www.example.test', 'A', '192.0.2.80', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(proxy.counts().update, 1);
    const out = r.json as { propagation: { servers: { server: string; matched: boolean }[] }; values: string[] };
    assert.deepEqual(out.values, ['192.0.2.80']);
    assert.equal(out.propagation.servers.length, 2);
    assert.ok(out.propagation.servers.every((s) => s.matched));
    // Independent check: both BIND servers serve it.
    assert.deepEqual(await servedEverywhere('www.example.test', 'A'), [['192.0.2.80'], ['192.0.2.80']]);
  });

  test('two TXT values coexist; delete by value removes only that one; list shows what is left', async () => {
    writeConfig('txt', { key: KEY_FULL_512 });
    let r = await run('txt', ['record', 'set', '_acme-challenge.example.test', 'TXT', 'value-one', 'value two', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    r = await run('txt', ['record', 'delete', '_acme-challenge.example.test', 'TXT', 'value-one', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(await servedEverywhere('_acme-challenge.example.test', 'TXT'), [['value two'], ['value two']]);
    r = await run('txt', ['record', 'list', '_acme-challenge.example.test', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    const records = (r.json as { records: { name: string; type: string; data: string }[] }).records;
    assert.deepEqual(records.map((x) => [x.name, x.type, x.data]), [['_acme-challenge', 'TXT', 'value two']]);
    r = await run('txt', ['record', 'delete', '_acme-challenge.example.test', 'TXT', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(await servedEverywhere('_acme-challenge.example.test', 'TXT'), [[], []]);
  });

  test('the zone is found by an SOA walk on the configured nameservers when the provider names none', async () => {
    writeConfig('walk', { zone: false });
    const r = await run('walk', ['record', 'set', 'deep.sub.example.test', 'AAAA', '2001:DB8:0::80', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as { zone: string; values: string[] };
    assert.equal(out.zone, 'example.test.');
    assert.deepEqual(out.values, ['2001:db8::80']);
  });

  test('a key without permission for A records: UPDATE_REFUSED, exit 1, not retried', async () => {
    writeConfig('txtonly', { key: KEY_TXT_ONLY });
    proxy.reset();
    const r = await run('txtonly', ['record', 'set', 'refused.example.test', 'A', '192.0.2.81', '--provider', 'lab']);
    assert.equal(r.status, 1);
    assert.equal(errorCode(r), 'UPDATE_REFUSED');
    assert.equal(proxy.counts().update, 1);
  });

  test('wrong TSIG secret: TSIG_BADSIG (the secret, not the clock), exit 1, exactly one UPDATE', async () => {
    writeConfig('badsecret', { secret: Buffer.alloc(32, 7).toString('base64') });
    proxy.reset();
    const r = await run('badsecret', ['record', 'set', 'bad.example.test', 'A', '192.0.2.82', '--provider', 'lab']);
    assert.equal(r.status, 1);
    assert.equal(errorCode(r), 'TSIG_BADSIG');
    assert.equal(proxy.counts().update, 1);
    assert.match(r.stderr, /secret is wrong/);
    assert.doesNotMatch(r.stderr, /BADTIME/);
  });

  test('unknown key name: TSIG_BADKEY, exit 1, exactly one UPDATE', async () => {
    writeConfig('badkey');
    const file = join(root, 'badkey.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${KEY_FULL}`, 'name: no-such-key'));
    proxy.reset();
    const r = await run('badkey', ['record', 'set', 'bad.example.test', 'A', '192.0.2.82', '--provider', 'lab']);
    assert.equal(r.status, 1);
    assert.equal(errorCode(r), 'TSIG_BADKEY');
    assert.equal(proxy.counts().update, 1);
  });

  for (const [label, secretOf, codePoint, position] of [
    ['a trailing space', (s: string) => `${s} `, 'U+0020', 45],
    ['a zero-width space', (s: string) => `${s.slice(0, 10)}\u200b${s.slice(10)}`, 'U+200B', 11],
  ] as const) {
    test(`a secret with ${label}: SECRET_INVISIBLE_CHARACTER with its position, exit 2, nothing sent`, async () => {
      const key = bed.keys[KEY_FULL];
      assert.ok(key);
      writeConfig('invisible', { secret: secretOf(key.secret) });
      proxy.reset();
      const r = await run('invisible', ['record', 'set', 'x.example.test', 'A', '192.0.2.83', '--provider', 'lab']);
      assert.equal(r.status, 2);
      assert.equal(errorCode(r), 'SECRET_INVISIBLE_CHARACTER');
      const evidence = (r.json as { error: { evidence: { character: string; position: number; path: string } } }).error.evidence;
      assert.equal(evidence.character, codePoint);
      assert.equal(evidence.position, position);
      assert.equal(evidence.path, 'providers.lab.tsig.secret');
      assert.equal(proxy.requests.length, 0);
      assert.ok(!r.stdout.includes(key.secret) && !r.stderr.includes(key.secret), 'the secret never appears in the output');
    });
  }
});

describe('bad input: exit 2, a typed error, nothing sent', { concurrency: false }, () => {
  const cases: [string, string[], string][] = [
    ['empty label', ['record', 'set', 'a..example.test', 'A', '192.0.2.1'], 'NAME_INVALID'],
    ['64-character label', ['record', 'set', `${'a'.repeat(64)}.example.test`, 'A', '192.0.2.1'], 'NAME_INVALID'],
    ['254-character name', ['record', 'set', `${'b'.repeat(63)}.${'b'.repeat(63)}.${'b'.repeat(63)}.${'b'.repeat(49)}.example.test`, 'A', '192.0.2.1'], 'NAME_INVALID'],
    ['* not leftmost', ['record', 'set', 'a.*.example.test', 'A', '192.0.2.1'], 'NAME_INVALID'],
    ['TXT chunk over 255 bytes', ['record', 'set', 't.example.test', 'TXT', 'x'.repeat(256)], 'RECORD_INVALID'],
    ['malformed IPv4', ['record', 'set', 'm.example.test', 'A', '192.0.2.300'], 'RECORD_INVALID'],
    ['malformed IPv6', ['record', 'set', 'm.example.test', 'AAAA', '2001:db8::g'], 'RECORD_INVALID'],
    ['IPv6 given for A', ['record', 'set', 'm.example.test', 'A', '2001:db8::1'], 'RECORD_INVALID'],
    ['unknown provider name', ['record', 'set', 'u.example.test', 'A', '192.0.2.1', '--provider', 'lba'], 'PROVIDER_UNKNOWN'],
    ['unknown record type', ['record', 'set', 'u.example.test', 'BOGUS', 'x'], 'RECORD_INVALID'],
    ['missing value', ['record', 'set', 'u.example.test', 'A'], 'USAGE'],
  ];
  before(() => {
    writeConfig('badinput');
  });
  test('the 254-character case really is 254 characters', () => {
    assert.equal(cases[2]?.[1][2]?.length, 254);
  });
  for (const [label, args, code] of cases) {
    test(label, async () => {
      proxy.reset();
      const withProvider = args.includes('--provider') ? args : [...args, '--provider', 'lab'];
      const r = await run('badinput', withProvider);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(errorCode(r), code);
      assert.equal(proxy.requests.length, 0);
    });
  }

  test('the 253-character name (the longest legal one) is accepted', async () => {
    const name = `${'b'.repeat(63)}.${'b'.repeat(63)}.${'b'.repeat(63)}.${'b'.repeat(48)}.example.test`;
    assert.equal(name.length, 253);
    const r = await run('badinput', ['record', 'set', name, 'A', '192.0.2.84', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
  });

  test('an unknown provider type in the config: PROVIDER_TYPE_UNKNOWN with a suggestion, exit 2', async () => {
    const file = join(root, 'badtype.yaml');
    writeFileSync(file, 'providers:\n  lab:\n    type: rfc2163\n    server: 127.0.0.1\n');
    const r = await run('badtype', ['record', 'set', 'x.example.test', 'A', '192.0.2.1', '--provider', 'lab'], { config: file });
    assert.equal(r.status, 2);
    assert.equal(errorCode(r), 'PROVIDER_TYPE_UNKNOWN');
    assert.equal((r.json as { error: { evidence: { didYouMean: string } } }).error.evidence.didYouMean, 'rfc2136');
  });
});

describe('propagation that does not complete', { concurrency: false }, () => {
  test('a nameserver that never answers: PROPAGATION_TIMEOUT naming it and what it returned', async () => {
    const dead = await startDnsProxy({ upstream: bed.primary, decide: () => 'drop' });
    try {
      writeConfig('lag', { nameservers: [`${bed.primary.host}:${bed.primary.port}`, `${dead.host}:${dead.port}`] });
      const r = await run('lag', ['record', 'set', 'lag.example.test', 'A', '192.0.2.85', '--provider', 'lab', '--timeout', '1500ms']);
      assert.equal(r.status, 1);
      assert.equal(errorCode(r), 'PROPAGATION_TIMEOUT');
      const ev = (r.json as { error: { evidence: { lagging: { server: string; error?: string }[]; matched: string[] } } }).error.evidence;
      assert.deepEqual(ev.lagging.map((l) => l.server), [`${dead.host}:${dead.port}`]);
      assert.equal(ev.lagging[0]?.error, 'DNS_TIMEOUT');
      assert.deepEqual(ev.matched, [`${bed.primary.host}:${bed.primary.port}`]);
    } finally {
      await dead.close();
    }
  });
});

describe('lying resolvers', { concurrency: false }, () => {
  test('a fake-IP resolver: propagation is still confirmed on the authoritative servers, and the resolver is named', async () => {
    const liar = await startUnbound({ upstream: bed.primary, zones: ['example.test'], mode: 'fake-ip' });
    try {
      writeConfig('fakeip', { resolvers: [`${liar.host}:${liar.port}`] });
      const r = await run('fakeip', ['record', 'set', 'fake.example.test', 'A', '192.0.2.86', '--provider', 'lab']);
      assert.equal(r.status, 0, r.stderr);
      const out = r.json as { propagation: { servers: { matched: boolean }[] }; findings: { code: string; evidence: { resolver: string } }[] };
      assert.ok(out.propagation.servers.length === 2 && out.propagation.servers.every((s) => s.matched));
      const finding = out.findings.find((f) => f.code === 'RESOLVER_FAKE_IP');
      assert.ok(finding, JSON.stringify(out.findings));
      assert.equal(finding.evidence.resolver, `${liar.host}:${liar.port}`);
      assert.match(r.stderr, new RegExp(`RESOLVER_FAKE_IP.*${liar.host}:${liar.port}`));
    } finally {
      await liar.stop();
    }
  });

  test('a resolver serving stale data: the change is confirmed, the stale resolver is named', async () => {
    const stale = await startUnbound({ upstream: bed.primary, zones: ['example.test'], mode: 'stale' });
    try {
      writeConfig('stale', { resolvers: [`${stale.host}:${stale.port}`] });
      // Someone asked for the old value through this resolver before the change.
      assert.deepEqual((await probe(stale.host, stale.port, 'b.example.test', 'A', { rd: true })).answers.map((a) => a.data), ['192.0.2.11']);
      const r = await run('stale', ['record', 'set', 'b.example.test', 'A', '192.0.2.87', '--provider', 'lab']);
      assert.equal(r.status, 0, r.stderr);
      const out = r.json as { findings: { code: string; evidence: { resolver: string } }[] };
      const finding = out.findings.find((f) => f.code === 'RESOLVER_STALE');
      assert.ok(finding, JSON.stringify(out.findings));
      assert.equal(finding.evidence.resolver, `${stale.host}:${stale.port}`);
    } finally {
      await stale.stop();
    }
  });

  test('an honest resolver: no finding', async () => {
    const honest = await startUnbound({ upstream: bed.primary, zones: ['example.test'], mode: 'honest' });
    try {
      writeConfig('honest', { resolvers: [`${honest.host}:${honest.port}`] });
      const r = await run('honest', ['record', 'set', 'honest.example.test', 'A', '192.0.2.88', '--provider', 'lab']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual((r.json as { findings: unknown[] }).findings, []);
    } finally {
      await honest.stop();
    }
  });
});
