/**
 * `zonekeeper cert …` as a whole process against real Pebble, which
 * validates DNS-01 through the real BIND our rfc2136 provider updates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { writeLabConfig } from './harness/zk-config.ts';
import { runCli, type CliResult } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';

let bed: BindBed;
let pebble: PebbleBed;
let root: string;
let config: string;

function writeConfig(file: string, extra = ''): void {
  writeLabConfig(file, bed, { extra });
}

function cli(data: string, args: string[], opts: { config?: string } = {}): Promise<CliResult> {
  return runCli(['--config', opts.config ?? config, '--data', join(root, data), '--json', ...args], { timeoutMs: 120_000 });
}

function caArgs(): string[] {
  return ['--ca', pebble.directoryUrl, '--ca-trust', pebble.tlsCaFile];
}

function errorCode(r: CliResult): string | undefined {
  return (r.json as { error?: { code?: string } } | undefined)?.error?.code;
}

/** Challenge TXT records still served anywhere, once every secondary has caught up with the primary. */
async function challengeRecordsLeft(): Promise<string[]> {
  await bed.waitForSync('example.test');
  const names = ['_acme-challenge.example.test', '_acme-challenge.a.example.test', '_acme-challenge.b.example.test', '_acme-challenge.c.example.test', '_acme-challenge.d.example.test', '_acme-challenge.k.example.test'];
  const left: string[] = [];
  for (const s of bed.servers) for (const n of names) for (const a of (await probe(s.host, s.port, n, 'TXT')).answers) left.push(`${n} ${a.data}`);
  return left;
}

/** `openssl verify` of the issued chain against Pebble's root. */
async function verifyChain(dir: string): Promise<void> {
  const roots = await pebble.roots();
  const rootFile = join(root, 'pebble-root.pem');
  writeFileSync(rootFile, roots[0] as string);
  const out = execFileSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')]).toString();
  assert.match(out, /: OK/);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-cert-'));
  bed = await startBind({ secondaries: 1, zones: [{ name: 'caa.test', records: ['@ CAA 0 issue ";"', 'www A 192.0.2.40'] }] });
  pebble = await startPebble({ dnsServer: bed.primary });
  config = join(root, 'zonekeeper.yaml');
  writeConfig(config);
});

after(async () => {
  await pebble?.stop();
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

interface Issued {
  name: string;
  domains: string[];
  serial: string;
  files: { dir: string; cert: string; chain: string; fullchain: string; privkey: string };
}

describe('cert issue', { concurrency: false }, () => {
  test('one name: chain verifies against Pebble root, key is 0600, no challenge record left', async () => {
    const r = await cli('one', ['cert', 'issue', 'a.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as Issued;
    assert.equal(out.name, 'a.example.test');
    assert.deepEqual(out.domains, ['a.example.test']);
    await verifyChain(out.files.dir);
    assert.equal(statSync(out.files.privkey).mode & 0o777, 0o600);
    assert.deepEqual(await challengeRecordsLeft(), []);
    assert.match(r.stderr, /validated by the CA/);
  });

  test('apex + wildcard share _acme-challenge: both values served at once, both validated, then removed', async () => {
    const r = await cli('wild', ['cert', 'issue', 'example.test', '*.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as Issued;
    const san = execFileSync('openssl', ['x509', '-in', out.files.cert, '-noout', '-ext', 'subjectAltName']).toString();
    assert.match(san, /DNS:example\.test/);
    assert.match(san, /DNS:\*\.example\.test/);
    await verifyChain(out.files.dir);
    assert.deepEqual(await challengeRecordsLeft(), []);
  });

  test('a TXT value someone else keeps at _acme-challenge stays; only ours is removed', async () => {
    let r = await cli('foreign', ['record', 'set', '_acme-challenge.f.example.test', 'TXT', 'not-ours', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    r = await cli('foreign', ['cert', 'issue', 'f.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    await bed.waitForSync('example.test');
    for (const s of bed.servers)
      assert.deepEqual((await probe(s.host, s.port, '_acme-challenge.f.example.test', 'TXT')).answers.map((a) => a.data), ['not-ours']);
  });

  test('five names in one certificate', async () => {
    const names = ['a.example.test', 'b.example.test', 'c.example.test', 'd.example.test', 'example.test'];
    const r = await cli('five', ['cert', 'issue', ...names, '--provider', 'lab', '--name', 'five', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as Issued;
    assert.deepEqual(out.domains, names);
    await verifyChain(out.files.dir);
    assert.deepEqual(await challengeRecordsLeft(), []);
  });

  for (const key of ['ec384', 'rsa2048', 'rsa3072', 'rsa4096'] as const) {
    test(`key type ${key}`, async () => {
      const r = await cli(`key-${key}`, ['cert', 'issue', 'k.example.test', '--provider', 'lab', '--key', key, '--name', `k-${key}`, ...caArgs()]);
      assert.equal(r.status, 0, r.stderr);
      const out = r.json as Issued;
      const text = execFileSync('openssl', ['x509', '-in', out.files.cert, '-noout', '-text']).toString();
      if (key === 'ec384') assert.match(text, /Public-Key: \(384 bit\)/);
      else assert.match(text, new RegExp(`Public-Key: \\(${key.slice(3)} bit\\)`));
      await verifyChain(out.files.dir);
    });
  }
});

describe('configured certificate: PFX, files deploy, hook', { concurrency: false }, () => {
  test('cert issue --name web writes cert.pfx, copies the files (key 0600) and runs the hook with the paths', async () => {
    const deployDir = join(root, 'deployed');
    const hookOut = join(root, 'hook.txt');
    const webConfig = join(root, 'web.yaml');
    writeConfig(
      webConfig,
      [
        'certificates:',
        '  web:',
        '    domains: [web.example.test]',
        '    provider: lab',
        `    ca: { directory: "${pebble.directoryUrl}", trust: "${pebble.tlsCaFile}" }`,
        '    pfx: { password: "${env:ZK_TEST_PFX}" }',
        '    deploy:',
        `      - { type: files, dir: "${deployDir}", mode: "0640" }`,
        `      - { type: hook, command: 'printf "%s|%s|%s" "$ZONEKEEPER_CERT_NAME" "$ZONEKEEPER_FULLCHAIN_FILE" "$ZONEKEEPER_KEY_FILE" > ${hookOut}' }`,
      ].join('\n'),
    );
    const r = await runCli(['--config', webConfig, '--data', join(root, 'web'), '--json', 'cert', 'issue', '--name', 'web'], {
      env: { ZK_TEST_PFX: 'pfx-Passw0rd' },
      timeoutMs: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as Issued & { files: { pfx: string } };
    const pfxText = execFileSync('openssl', ['pkcs12', '-in', out.files.pfx, '-passin', 'pass:pfx-Passw0rd', '-nokeys']).toString();
    assert.match(pfxText, /subject=CN ?= ?web\.example\.test/);
    assert.throws(() => execFileSync('openssl', ['pkcs12', '-in', out.files.pfx, '-passin', 'pass:wrong', '-nokeys'], { stdio: 'pipe' }));
    assert.equal(statSync(join(deployDir, 'privkey.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(deployDir, 'fullchain.pem')).mode & 0o777, 0o640);
    assert.equal(readFileSync(join(deployDir, 'fullchain.pem'), 'utf8'), readFileSync(out.files.fullchain, 'utf8'));
    assert.equal(readFileSync(hookOut, 'utf8'), `web|${out.files.fullchain}|${out.files.privkey}`);
    assert.ok(!r.stdout.includes('pfx-Passw0rd') && !r.stderr.includes('pfx-Passw0rd'));
  });
});

describe('renew, list, revoke', { concurrency: false }, () => {
  test('renew: not due → nothing ordered; --force → a new certificate replacing the old one', async () => {
    let r = await cli('renew', ['cert', 'issue', 'b.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const first = r.json as Issued;
    r = await cli('renew', ['cert', 'renew', 'b.example.test', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const notDue = (r.json as { certificates: { renewed: boolean }[] }).certificates;
    assert.deepEqual(notDue.map((c) => c.renewed), [false]);
    assert.equal(readFileSync(first.files.cert, 'utf8'), readFileSync(join(root, 'renew', 'certificates', 'b.example.test', 'cert.pem'), 'utf8'));
    r = await cli('renew', ['cert', 'renew', 'b.example.test', '--force', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const forced = (r.json as { certificates: (Issued & { renewed: boolean })[] }).certificates[0];
    assert.ok(forced?.renewed);
    assert.notEqual(forced.serial, first.serial);
    r = await cli('renew', ['cert', 'list']);
    assert.equal(r.status, 0, r.stderr);
    const listed = (r.json as { certificates: { name: string; notAfter: string; nextRenewalAt: string }[] }).certificates;
    assert.deepEqual(listed.map((c) => c.name), ['b.example.test']);
    assert.ok(Date.parse(listed[0]?.nextRenewalAt ?? '') < Date.parse(listed[0]?.notAfter ?? ''));
  });

  test('revoke with a reason: Pebble reports the certificate revoked', async () => {
    let r = await cli('revoke', ['cert', 'issue', 'c.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const issued = r.json as Issued;
    r = await cli('revoke', ['cert', 'revoke', 'c.example.test', '--reason', 'keyCompromise', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const status = await pebble.certStatus(issued.serial);
    assert.equal(status?.['Status'], 'Revoked');
  });
});

describe('failures are diagnosed', { concurrency: false }, () => {
  test('trusting the wrong CA: TLS_UNTRUSTED naming the URL and the certificate subject', async () => {
    const r = await cli('wrongtrust', ['cert', 'issue', 'a.example.test', '--provider', 'lab', '--ca', pebble.directoryUrl, '--ca-trust', pebble.otherCaFile]);
    assert.equal(r.status, 1);
    assert.equal(errorCode(r), 'TLS_UNTRUSTED');
    const ev = (r.json as { error: { evidence: Record<string, unknown> } }).error.evidence;
    assert.equal(ev['url'], pebble.directoryUrl);
    assert.match(String(ev['subject']), /localhost/);
  });

  test('a CAA record that forbids every CA: ACME_CAA before any order, nothing written to DNS', async () => {
    const r = await cli('caa', ['cert', 'issue', 'www.caa.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(errorCode(r), 'ACME_CAA');
    const ev = (r.json as { error: { evidence: Record<string, unknown> } }).error.evidence;
    assert.equal(ev['identifier'], 'www.caa.test');
    assert.match(String(ev['detail']), /caa\.test/);
    assert.doesNotMatch(r.stderr, /order/);
    assert.deepEqual((await probe(bed.primary.host, bed.primary.port, '_acme-challenge.www.caa.test', 'TXT')).answers, []);
  });

  test('the CA is down: HTTP_CONNECTION', async () => {
    const r = await cli('down', ['cert', 'issue', 'a.example.test', '--provider', 'lab', '--ca', 'https://127.0.0.1:1/dir', '--ca-trust', pebble.tlsCaFile]);
    assert.equal(r.status, 1);
    assert.equal(errorCode(r), 'HTTP_CONNECTION');
  });
});
