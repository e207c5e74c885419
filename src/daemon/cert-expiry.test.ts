import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/open.ts';
import type { CertificateRecord, Store } from '../store/store.ts';
import { expiringEvents, thresholdFor } from './cert-expiry.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
let dir: string;
let store: Store;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-expiry-'));
  store = await openSqliteStore(join(dir, 'zonekeeper.db'));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function cert(name: string, serial: string, notAfter: number): CertificateRecord {
  return { name, domains: [`${name}.example.test`], provider: 'lab', ca: 'https://ca.example/dir', keyType: 'ec256', notBefore: notAfter - 90 * DAY, notAfter, serial, certId: `x.${serial}`, nextRenewalAt: notAfter - 30 * DAY, createdAt: T0, updatedAt: T0 };
}

const said = (events: { subject: string; data: Record<string, unknown> }[]): [string, unknown][] => events.map((e): [string, unknown] => [e.subject, e.data['threshold']]).sort((a, b) => a[0].localeCompare(b[0]));

void test('thresholds: the nearest of 14, 7, 3, 1 days the remaining time is within', () => {
  assert.equal(thresholdFor(15 * DAY), undefined);
  assert.equal(thresholdFor(14 * DAY), 14);
  assert.equal(thresholdFor(6.5 * DAY), 7);
  assert.equal(thresholdFor(DAY), 1);
  assert.equal(thresholdFor(-DAY), 1);
});

void test('each threshold once per serial; skipped thresholds are not said late; a new serial starts afresh', async () => {
  await store.saveCertificate(cert('web', 'aa01', T0 + 20 * DAY));
  await store.saveCertificate(cert('api', 'bb01', T0 + 5 * DAY));
  const at = async (t: number): Promise<[string, unknown][]> => said(await expiringEvents(store, t));
  assert.deepEqual(await at(T0), [['api', 7]]);
  assert.deepEqual(await at(T0 + 3600_000), [], 'the daily job runs again: nothing new');
  assert.deepEqual(await at(T0 + 2.5 * DAY), [['api', 3]]);
  assert.deepEqual(await at(T0 + 2.4 * DAY), [], 'time going back (a clock correction) says nothing again');
  const late = await expiringEvents(store, T0 + 17.5 * DAY);
  assert.deepEqual(said(late), [['api', 1], ['web', 3]], 'down for two weeks: expired api says 1 day; web only its nearest threshold');
  assert.deepEqual(late.find((e) => e.subject === 'web')?.data, { domains: ['web.example.test'], serial: 'aa01', notAfter: new Date(T0 + 20 * DAY).toISOString(), daysLeft: 2.5, threshold: 3 });
  await store.saveCertificate(cert('api', 'bb02', T0 + 23.5 * DAY));
  assert.deepEqual(await at(T0 + 17.5 * DAY), [['api', 7]], 'renewed: the new serial has its own thresholds');
  assert.equal((await store.listEvents({ kinds: ['certificate-expiring'] })).length, 5, 'every event is in the event log');
});
