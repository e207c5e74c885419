/** waitFor() against real BIND: every authoritative server, CNAME following, a lagging secondary. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../src/core/errors.ts';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { FakeClock } from '../src/clock/fake-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { waitFor, type ProgressEvent } from '../src/propagation/wait.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';

let bed: BindBed;
let lagging: BindBed;

function providerFor(b: BindBed): DnsProvider {
  const key = b.keys[KEY_FULL];
  assert.ok(key);
  const config = rfc2136Manifest.parse(
    { server: `${b.primary.host}:${b.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'providers.test',
  );
  return rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
}

before(async () => {
  [bed, lagging] = await Promise.all([startBind({ secondaries: 1 }), startBind({ secondaries: 1, notify: false })]);
});

after(async () => {
  await Promise.all([stopBind(bed), stopBind(lagging)]);
});

test('the first poll goes out at once: a record already served matches without any wait', async () => {
  const clock = new FakeClock();
  const report = await waitFor({ fqdn: 'a.example.test.', type: 'A', values: ['192.0.2.10'] }, { servers: bed.servers, clock, timeoutMs: 10_000 });
  assert.equal(report.servers.length, 2);
  for (const s of report.servers) {
    assert.equal(s.matched, true);
    assert.equal(s.polls, 1);
    assert.equal(s.matchedAfterMs, 0, 'no (fake) time passed before the first answer');
    assert.deepEqual(s.answered, ['192.0.2.10']);
  }
});

test('waits for every server, reports each one, and emits progress', async () => {
  const provider = providerFor(bed);
  const events: ProgressEvent[] = [];
  await provider.setRecords('example.test.', [{ name: 'p1', type: 'TXT', data: 'propagated' }]);
  const report = await waitFor(
    { fqdn: 'p1.example.test.', type: 'TXT', values: ['propagated'] },
    { servers: bed.servers, clock: systemClock, timeoutMs: 20_000, onProgress: (e) => events.push(e) },
  );
  assert.deepEqual(report.servers.map((s) => s.matched), [true, true]);
  assert.deepEqual(
    events.filter((e) => e.kind === 'matched').map((e) => (e.kind === 'matched' ? e.report.server : '')).sort(),
    bed.servers.map((s) => `${s.host}:${s.port}`).sort(),
  );
  // Deletion: wait until no server serves the value any more.
  await provider.deleteRecords('example.test.', [{ name: 'p1', type: 'TXT', data: 'propagated' }]);
  const gone = await waitFor({ fqdn: 'p1.example.test.', type: 'TXT', values: ['propagated'], absent: true }, { servers: bed.servers, clock: systemClock, timeoutMs: 20_000 });
  assert.ok(gone.servers.every((s) => s.matched && s.answered.length === 0));
});

test('a CNAME at the name is followed to the target zone', async () => {
  const provider = providerFor(bed);
  await provider.appendRecords('delegated.test.', [{ name: 'cname', type: 'TXT', data: 'via-cname' }]);
  const events: ProgressEvent[] = [];
  const report = await waitFor(
    { fqdn: '_acme-challenge.cname.example.test.', type: 'TXT', values: ['via-cname'] },
    { servers: bed.servers, clock: systemClock, timeoutMs: 20_000, locate: () => Promise.resolve(bed.servers), onProgress: (e) => events.push(e) },
  );
  assert.ok(events.some((e) => e.kind === 'cname' && e.to === 'cname.delegated.test.'));
  const targetReports = report.servers.filter((s) => s.fqdn === 'cname.delegated.test.');
  assert.equal(targetReports.length, 2);
  assert.ok(targetReports.every((s) => s.matched));
});

test('a secondary that is not notified: PROPAGATION_TIMEOUT names it and what it serves; after NOTIFY it matches', async () => {
  const provider = providerFor(lagging);
  await provider.setRecords('example.test.', [{ name: 'lag', type: 'A', data: '192.0.2.77' }]);
  const secondary = lagging.secondaries[0];
  assert.ok(secondary);
  await assert.rejects(
    waitFor({ fqdn: 'lag.example.test.', type: 'A', values: ['192.0.2.77'] }, { servers: lagging.servers, clock: systemClock, timeoutMs: 800 }),
    (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'PROPAGATION_TIMEOUT');
      const lag = e.diagnosis.evidence['lagging'] as { server: string; answered: string[]; rcode: string }[];
      assert.deepEqual(lag.map((l) => l.server), [`${secondary.host}:${secondary.port}`]);
      assert.deepEqual(lag[0]?.answered, []);
      assert.equal(lag[0]?.rcode, 'NXDOMAIN');
      assert.deepEqual(e.diagnosis.evidence['matched'], [`${lagging.primary.host}:${lagging.primary.port}`]);
      return true;
    },
  );
  await lagging.notify('example.test');
  const report = await waitFor({ fqdn: 'lag.example.test.', type: 'A', values: ['192.0.2.77'] }, { servers: lagging.servers, clock: systemClock, timeoutMs: 20_000 });
  assert.ok(report.servers.every((s) => s.matched));
});

test('an aborted wait rejects promptly with ABORTED', async () => {
  const controller = new AbortController();
  const pending = waitFor({ fqdn: 'never.example.test.', type: 'A', values: ['192.0.2.1'] }, { servers: bed.servers, clock: systemClock, timeoutMs: 60_000, signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof AppError && e.code === 'ABORTED');
});
