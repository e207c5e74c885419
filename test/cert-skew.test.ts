/**
 * `zonekeeper cert issue` under libfaketime at ±400 days: Pebble's TLS
 * certificate then looks expired or not yet valid to the system clock. The
 * trusted clock learns the time from chrony on loopback and the chain is
 * verified at that time; with no time source, CLOCK_UNTRUSTED, and
 * verification is never skipped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { writeLabConfig } from './harness/zk-config.ts';
import { startChrony, type Chrony } from './harness/chrony.ts';
import { runCli } from './harness/cli.ts';
import { freePort } from './harness/ports.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';

let bed: BindBed;
let pebble: PebbleBed;
let chrony: Chrony;
let root: string;

function writeConfig(name: string, ntp: string): string {
  return writeLabConfig(join(root, `${name}.yaml`), bed, { ntp: [ntp] });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-cert-skew-'));
  bed = await startBind({ secondaries: 0 });
  [pebble, chrony] = await Promise.all([startPebble({ dnsServer: bed.primary }), startChrony()]);
});

after(async () => {
  await Promise.all([pebble?.stop(), chrony?.stop()]);
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

for (const shift of ['+400d', '-400d']) {
  test(`clock ${shift}: issuance succeeds, TLS verified at the time learnt from chrony`, async () => {
    const config = writeConfig(`ok${shift}`, `${chrony.host}:${chrony.port}`);
    const r = await runCli(
      ['--config', config, '--data', join(root, `data${shift}`), '--json', 'cert', 'issue', 'a.example.test', '--provider', 'lab', '--ca', pebble.directoryUrl, '--ca-trust', pebble.tlsCaFile],
      { faketime: shift, timeoutMs: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = r.json as { files: { cert: string; chain: string } };
    const rootFile = join(root, 'root.pem');
    writeFileSync(rootFile, (await pebble.roots())[0] as string);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', out.files.chain, out.files.cert]).toString(), /: OK/);
  });
}

test('clock +400d and no time source answers: CLOCK_UNTRUSTED, nothing skipped', async () => {
  const config = writeConfig('dead', `127.0.0.1:${await freePort()}`);
  const r = await runCli(
    ['--config', config, '--data', join(root, 'data-dead'), '--json', 'cert', 'issue', 'a.example.test', '--provider', 'lab', '--ca', pebble.directoryUrl, '--ca-trust', pebble.tlsCaFile],
    { faketime: '+400d', timeoutMs: 120_000 },
  );
  assert.equal(r.status, 1, r.stderr);
  const error = (r.json as { error: { code: string; evidence: Record<string, unknown> } }).error;
  assert.equal(error.code, 'CLOCK_UNTRUSTED');
  assert.equal(error.evidence['url'], pebble.directoryUrl);
});
