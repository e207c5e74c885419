/**
 * Issuance when the CA misbehaves or advises: Pebble rejecting half the
 * nonces and reusing authorizations, and ARI (RFC 9773) through an in-repo
 * renewalInfo responder in front of Pebble (Pebble 2.4.0 has no ARI).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { writeLabConfig } from './harness/zk-config.ts';
import { runCli, type CliResult } from './harness/cli.ts';
import { newEabKey, startPebble, type PebbleBed } from './harness/pebble.ts';
import { startAriProxy, type AriProxy } from './harness/ari-responder.ts';

let bed: BindBed;
let flaky: PebbleBed;
let plain: PebbleBed;
let ari: AriProxy;
let root: string;
let config: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-cert-res-'));
  bed = await startBind({ secondaries: 0 });
  [flaky, plain] = await Promise.all([
    startPebble({ dnsServer: bed.primary, nonceReject: 50, authzReuse: 100 }),
    startPebble({ dnsServer: bed.primary, certValiditySeconds: 90 * 86400 }),
  ]);
  ari = await startAriProxy({ pebble: plain, retryAfterSeconds: 0 });
  config = writeLabConfig(join(root, 'zonekeeper.yaml'), bed);
});

after(async () => {
  await ari?.stop();
  await Promise.all([flaky?.stop(), plain?.stop()]);
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function cli(data: string, args: string[]): Promise<CliResult> {
  return runCli(['--config', config, '--data', join(root, data), '--json', ...args], { timeoutMs: 120_000 });
}

describe('a CA that rejects half the nonces and reuses authorizations', { concurrency: false }, () => {
  test('issuance succeeds, twice; the second run reuses the valid authorizations', async () => {
    const args = ['cert', 'issue', 'example.test', '*.example.test', '--provider', 'lab', '--ca', flaky.directoryUrl, '--ca-trust', flaky.tlsCaFile];
    const first = await cli('flaky', args);
    assert.equal(first.status, 0, first.stderr);
    const second = await cli('flaky', [...args, '--force']);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /authorization \S+: valid \(reused\)/);
    // Pebble logs every POST; a rejected nonce shows as the same POST again at once (our retry).
    assert.match(flaky.readLog(), /POST (\S+) -> calling handler\(\)\n[^\n]* POST \1 -> calling handler\(\)/);
  });
});

describe('ARI', { concurrency: false }, () => {
  interface Listed {
    name: string;
    nextRenewalAt: string;
    ariWindow: { start: string; end: string } | null;
  }
  const list = async (): Promise<Listed> => {
    const r = await cli('ari', ['cert', 'list']);
    assert.equal(r.status, 0, r.stderr);
    const c = (r.json as { certificates: Listed[] }).certificates[0];
    assert.ok(c);
    return c;
  };
  const caArgs = (): string[] => ['--ca', ari.directoryUrl, '--ca-trust', plain.tlsCaFile];

  test('the renewal point lies inside the suggested window; not due before it; renewed with `replaces` once the window opens', async () => {
    const issued = await cli('ari', ['cert', 'issue', 'a.example.test', '--provider', 'lab', ...caArgs()]);
    assert.equal(issued.status, 0, issued.stderr);
    const out = issued.json as { certId: string; serial: string; renewalBasis: string };
    assert.equal(out.renewalBasis, 'ari');
    let c = await list();
    assert.ok(c.ariWindow);
    const at = Date.parse(c.nextRenewalAt);
    assert.ok(at >= Date.parse(c.ariWindow.start) && at <= Date.parse(c.ariWindow.end), JSON.stringify(c));

    let r = await cli('ari', ['cert', 'renew', 'a.example.test', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((r.json as { certificates: { renewed: boolean }[] }).certificates.map((x) => x.renewed), [false]);
    assert.equal(ari.orders.length, 1, 'no new order while not due');

    // The CA moves the window into the past (e.g. a mass revocation): renew now.
    const now = Date.now();
    ari.setWindow(out.certId, { start: new Date(now - 2 * 3600_000), end: new Date(now - 3600_000) });
    r = await cli('ari', ['cert', 'renew', 'a.example.test', ...caArgs()]);
    assert.equal(r.status, 0, r.stderr);
    const renewed = (r.json as { certificates: { renewed: boolean; serial: string; replaced: string }[] }).certificates[0];
    assert.ok(renewed?.renewed, `${r.stdout}${r.stderr} requests=${JSON.stringify(ari.renewalInfoRequests)} certId=${out.certId}`);
    assert.notEqual(renewed.serial, out.serial);
    assert.equal(ari.orders.at(-1)?.replaces, out.certId);
    c = await list();
    assert.ok(Date.parse(c.nextRenewalAt) > now, 'the new certificate has a new plan');
  });
});

describe('EAB and preferred chains', { concurrency: false }, () => {
  let eabPebble: PebbleBed;
  const hmacKey = newEabKey();
  before(async () => {
    eabPebble = await startPebble({ dnsServer: bed.primary, alternateRoots: 1, eab: { 'kid-1': hmacKey } });
  });
  after(async () => {
    await eabPebble?.stop();
  });

  const configWith = (name: string, entry: string[]): string => {
    const file = join(root, `${name}.yaml`);
    writeFileSync(file, `${readFileSync(config, 'utf8')}certificates:\n${entry.map((l) => `  ${l}`).join('\n')}\n`);
    return file;
  };
  const ca = (eab: boolean): string =>
    `    ca: { directory: "${eabPebble.directoryUrl}", trust: "${eabPebble.tlsCaFile}"${eab ? `, eab: { kid: kid-1, hmacKey: "${hmacKey}" }` : ''} }`;

  test('a CA that requires EAB: without a binding ACME_EAB_REQUIRED (exit 2); with it, issued', async () => {
    let file = configWith('no-eab', ['eab:', '    domains: [eab.example.test]', '    provider: lab', ca(false)]);
    let r = await runCli(['--config', file, '--data', join(root, 'eab'), '--json', 'cert', 'issue', '--name', 'eab'], { timeoutMs: 120_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal((r.json as { error: { code: string } }).error.code, 'ACME_EAB_REQUIRED');
    file = configWith('eab', ['eab:', '    domains: [eab.example.test]', '    provider: lab', ca(true)]);
    r = await runCli(['--config', file, '--data', join(root, 'eab'), '--json', 'cert', 'issue', '--name', 'eab'], { timeoutMs: 120_000 });
    assert.equal(r.status, 0, r.stderr);
  });

  test('preferredChain picks the alternate chain whose top issuer has that name; without it, the default chain', async () => {
    const roots = await eabPebble.roots();
    assert.equal(roots.length, 2);
    const cnOf = (pem: string): string => /CN=([^\n]+)/.exec(new X509Certificate(pem).subject)?.[1]?.trim() ?? '';
    for (const index of [0, 1]) {
      const preferred = index === 1 ? [`    preferredChain: "${cnOf(roots[1] as string)}"`] : [];
      const file = configWith(`chain${index}`, [`chain${index}:`, `    domains: [chain${index}.example.test]`, '    provider: lab', ca(true), ...preferred]);
      const r = await runCli(['--config', file, '--data', join(root, `chain${index}`), '--json', 'cert', 'issue', '--name', `chain${index}`], { timeoutMs: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = r.json as { issuer: string; files: { chain: string; cert: string } };
      assert.equal(out.issuer, cnOf(roots[index] as string));
      const rootFile = join(root, `root${index}.pem`);
      writeFileSync(rootFile, roots[index] as string);
      assert.match(execFileSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', out.files.chain, out.files.cert]).toString(), /: OK/);
    }
  });
});
