/**
 * Clock skew against real BIND (fudge 300 s): the whole CLI process under
 * libfaketime, and 20 concurrent updates in one process on a shifted clock.
 * UPDATE messages are counted by a proxy outside our code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { runCli } from './harness/cli.ts';
import { startDnsProxy, type DnsProxy } from './harness/dns-proxy.ts';
import { probe } from './harness/dns-probe.ts';
import { ShiftedClock, parseShift } from './harness/shifted-clock.ts';

let bed: BindBed;
let root: string;
const proxies: DnsProxy[] = [];

async function newProxy(): Promise<DnsProxy> {
  const p = await startDnsProxy({ upstream: bed.primary });
  proxies.push(p);
  return p;
}

function configFor(name: string, proxy: DnsProxy): string {
  const key = bed.keys[KEY_FULL];
  assert.ok(key);
  const file = join(root, `${name}.yaml`);
  const servers = bed.servers.map((s) => JSON.stringify(`${s.host}:${s.port}`)).join(', ');
  writeFileSync(
    file,
    `dns:\n  resolvers: []\n  nameservers:\n    example.test: [${servers}]\nproviders:\n  lab:\n    type: rfc2136\n    server: "${proxy.host}:${proxy.port}"\n    zone: example.test\n    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${key.secret}" }\n`,
  );
  return file;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-skew-'));
  bed = await startBind({ secondaries: 1 });
});

after(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

const SHIFTS = ['-400d', '-1d', '-2h', '-10m', '+10m', '+2h', '+1d', '+400d'] as const;

describe('record set as a whole process under libfaketime', () => {
  test('no skew: exactly one UPDATE', async () => {
    const proxy = await newProxy();
    const config = configFor('noskew', proxy);
    const data = join(root, 'noskew');
    const r = await runCli(['--config', config, '--data', data, '--json', 'record', 'set', 'noskew.example.test', 'A', '192.0.2.90', '--provider', 'lab']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(proxy.counts().update, 1);
  });

  SHIFTS.forEach((shift, i) => {
    test(`clock ${shift}: succeeds with one extra UPDATE, then the clock reports the offset and the next run needs none`, async () => {
      const proxy = await newProxy();
      const config = configFor(`skew${i}`, proxy);
      const data = join(root, `skew${i}`);
      const name = `skew${i}.example.test`;
      const value = `192.0.2.${100 + i}`;
      const r = await runCli(['--config', config, '--data', data, '--json', 'record', 'set', name, 'A', value, '--provider', 'lab'], { faketime: shift });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(proxy.counts().update, 2, 'the first UPDATE is answered BADTIME, the corrected one succeeds');
      for (const s of bed.servers) assert.deepEqual((await probe(s.host, s.port, name, 'A')).answers.map((a) => a.data), [value]);

      const c = await runCli(['--config', config, '--data', data, '--json', 'clock'], { faketime: shift });
      assert.equal(c.status, 0, c.stderr);
      const status = c.json as { offsetMs: number; trusted: boolean };
      const expected = -parseShift(shift);
      assert.ok(Math.abs(status.offsetMs - expected) < 1000, `offset ${status.offsetMs} ms, expected ${expected} ± 1000`);

      proxy.reset();
      const again = await runCli(['--config', config, '--data', data, '--json', 'record', 'set', name, 'A', '192.0.2.99', '--provider', 'lab'], { faketime: shift });
      assert.equal(again.status, 0, again.stderr);
      assert.equal(proxy.counts().update, 1, 'the saved offset is used from the start');
    });
  });
});

test('20 concurrent updates in one process on a clock 2 h ahead: every one is corrected and succeeds', async () => {
  const proxy = await newProxy();
  const key = bed.keys[KEY_FULL];
  assert.ok(key);
  const clock = new CorrectedClock({ system: new ShiftedClock(parseShift('+2h')) });
  const config = rfc2136Manifest.parse(
    { server: `${proxy.host}:${proxy.port}`, zone: 'example.test', tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'providers.lab',
  );
  const provider = rfc2136Manifest.create(config, { clock, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => provider.setRecords('example.test.', [{ name: `c${i}`, type: 'TXT', data: `concurrent-${i}` }])),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array.from({ length: 20 }, () => 'fulfilled'),
  );
  // All 20 were signed with the wrong time before any answer came back: each is corrected exactly once.
  assert.equal(proxy.counts().update, 40);
  assert.ok(Math.abs(clock.offsetMs() + parseShift('+2h')) < 1000);
  for (let i = 0; i < 20; i += 7) {
    assert.deepEqual((await probe(bed.primary.host, bed.primary.port, `c${i}.example.test`, 'TXT')).answers.map((a) => a.data), [`concurrent-${i}`]);
  }
  proxy.reset();
  await provider.setRecords('example.test.', [{ name: 'c-after', type: 'TXT', data: 'after' }]);
  assert.equal(proxy.counts().update, 1);
});
