/** The rfc2136 provider against real BIND: every rcode path, both HMACs, and a multi-message signed AXFR. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../src/core/errors.ts';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { KEY_FULL, KEY_FULL_512, startBind, stopBind, type BindBed, type ServerAddress } from './harness/bind.ts';
import { startDnsProxy, type DnsProxy } from './harness/dns-proxy.ts';

let bed: BindBed;
let proxy: DnsProxy;

function provider(server: ServerAddress, keyName = KEY_FULL, clock = new CorrectedClock({ system: systemClock })): DnsProvider {
  const key = bed.keys[keyName];
  assert.ok(key);
  const config = rfc2136Manifest.parse(
    { server: `${server.host}:${server.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'providers.test',
  );
  return rfc2136Manifest.create(config, { clock, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
}

function rejectsWith(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code);
    return true;
  };
}

before(async () => {
  bed = await startBind({ secondaries: 1 });
  proxy = await startDnsProxy({ upstream: bed.primary });
});

after(async () => {
  await proxy?.close();
  await stopBind(bed);
});

test('a zone the server does not serve: UPDATE_NOTAUTH, one UPDATE', async () => {
  proxy.reset();
  await assert.rejects(provider(proxy).setRecords('nosuch.test.', [{ name: 'x', type: 'A', data: '192.0.2.1' }]), rejectsWith('UPDATE_NOTAUTH'));
  assert.equal(proxy.counts().update, 1);
});

test('an update sent to a secondary: UPDATE_REFUSED', async () => {
  const secondary = bed.secondaries[0];
  assert.ok(secondary);
  await assert.rejects(provider(secondary).setRecords('example.test.', [{ name: 'x', type: 'A', data: '192.0.2.1' }]), rejectsWith('UPDATE_REFUSED'));
});

test('hmac-sha512 key: set, append, delete by value, delete the set', async () => {
  const p = provider(bed.primary, KEY_FULL_512);
  const txt = (records: { name: string; type: string; data: string }[]): string[] =>
    records.filter((r) => r.name === 'multi' && r.type === 'TXT').map((r) => r.data).sort();
  await p.setRecords('example.test.', [{ name: 'multi', type: 'TXT', data: 'one' }]);
  await p.appendRecords('example.test.', [{ name: 'multi', type: 'TXT', data: 'two' }]);
  await p.appendRecords('example.test.', [{ name: 'multi', type: 'TXT', data: 'two' }]); // already there: not an error
  assert.deepEqual(txt(await p.getRecords('example.test.')), ['one', 'two']);
  await p.deleteRecords('example.test.', [{ name: 'multi', type: 'TXT', data: 'one' }]);
  await p.deleteRecords('example.test.', [{ name: 'multi', type: 'TXT', data: 'one' }]); // idempotent
  assert.deepEqual(txt(await p.getRecords('example.test.')), ['two']);
  await p.setRecords('example.test.', [
    { name: 'multi', type: 'TXT', data: 'three' },
    { name: 'multi', type: 'TXT', data: 'four' },
  ]);
  assert.deepEqual(txt(await p.getRecords('example.test.')), ['four', 'three']);
  await p.deleteRecords('example.test.', [{ name: 'multi', type: 'TXT', data: '' }]);
  assert.deepEqual(txt(await p.getRecords('example.test.')), []);
});

test('names round-trip: relative, apex and absolute', async () => {
  const p = provider(bed.primary);
  await p.setRecords('example.test.', [
    { name: 'rt', type: 'A', data: '192.0.2.31' },
    { name: 'rt2.example.test.', type: 'A', data: '192.0.2.32' },
  ]);
  const all = await p.getRecords('example.test.');
  assert.ok(all.some((r) => r.name === 'rt' && r.data === '192.0.2.31'));
  assert.ok(all.some((r) => r.name === 'rt2' && r.data === '192.0.2.32'));
  assert.ok(all.some((r) => r.name === '@' && r.type === 'SOA'));
});

test('a zone transfer of several signed messages verifies every one (1500 records)', async () => {
  const p = provider(bed.primary);
  const records = Array.from({ length: 1500 }, (_, i) => ({ name: `bulk${i}`, type: 'TXT', data: `bulk value number ${i} ${'x'.repeat(60)}` }));
  for (let i = 0; i < records.length; i += 100) await p.appendRecords('example.test.', records.slice(i, i + 100));
  const all = await p.getRecords('example.test.');
  const bulk = all.filter((r) => r.name.startsWith('bulk'));
  assert.equal(bulk.length, 1500);
});

test('an aborted call rejects with ABORTED', async () => {
  const dropping = await startDnsProxy({ upstream: bed.primary, decide: () => 'drop' });
  try {
    const controller = new AbortController();
    const pending = provider(dropping).setRecords('example.test.', [{ name: 'ab', type: 'A', data: '192.0.2.1' }], { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, rejectsWith('ABORTED'));
  } finally {
    await dropping.close();
  }
});

test('a server that never answers: DNS_TIMEOUT, retryable', async () => {
  const dropping = await startDnsProxy({ upstream: bed.primary, decide: () => 'drop' });
  try {
    const key = bed.keys[KEY_FULL];
    assert.ok(key);
    const config = rfc2136Manifest.parse(
      { server: `${dropping.host}:${dropping.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 300 },
      'providers.test',
    );
    const p = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
    await assert.rejects(p.setRecords('example.test.', [{ name: 'to', type: 'A', data: '192.0.2.1' }]), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'DNS_TIMEOUT');
      assert.equal(e.diagnosis.retryable, true);
      return true;
    });
  } finally {
    await dropping.close();
  }
});
