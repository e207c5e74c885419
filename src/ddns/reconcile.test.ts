import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/fake-clock.ts';
import { AppError } from '../core/errors.ts';
import type { DnsRecord } from '../core/record.ts';
import { absoluteName } from '../dns/names.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { AddressState, DdnsRecordState, EventRecord } from '../store/store.ts';
import { reconcile, type DdnsStore, type ReconcileOptions } from './reconcile.ts';
import type { DesiredRecord } from './types.ts';

/** A zone held in memory: what a provider API would hold; counts calls. */
class MemoryProvider implements DnsProvider {
  readonly zone = 'example.test.';
  records: DnsRecord[] = [];
  reads = 0;
  writes: DnsRecord[][] = [];
  failFor = new Set<string>();
  getRecords(): Promise<DnsRecord[]> {
    this.reads++;
    return Promise.resolve(this.records.map((r) => ({ ...r })));
  }
  appendRecords(): Promise<DnsRecord[]> {
    return Promise.reject(new Error('not used'));
  }
  setRecords(zone: string, records: readonly DnsRecord[]): Promise<DnsRecord[]> {
    this.writes.push([...records]);
    const bad = records.find((r) => this.failFor.has(r.name));
    if (bad !== undefined) return Promise.reject(new AppError('PROVIDER_REJECTED', { evidence: { name: bad.name } }));
    for (const r of records) {
      this.records = this.records.filter((x) => !(absoluteName(x.name, zone) === absoluteName(r.name, zone) && x.type === r.type));
      this.records.push({ ...r });
    }
    return Promise.resolve([...records]);
  }
  deleteRecords(): Promise<DnsRecord[]> {
    return Promise.reject(new Error('not used'));
  }
}

class MemoryStore implements DdnsStore {
  readonly rows = new Map<string, DdnsRecordState>();
  readonly addresses = new Map<string, AddressState>();
  readonly events: EventRecord[] = [];
  getDdnsRecord(provider: string, fqdn: string, type: string): Promise<DdnsRecordState | undefined> {
    return Promise.resolve(this.rows.get(`${provider}|${fqdn}|${type}`));
  }
  saveDdnsRecord(s: DdnsRecordState): Promise<DdnsRecordState> {
    this.rows.set(`${s.provider}|${s.fqdn}|${s.type}`, s);
    return Promise.resolve(s);
  }
  getAddress(family: 'ipv4' | 'ipv6'): Promise<AddressState | undefined> {
    return Promise.resolve(this.addresses.get(family));
  }
  saveAddress(a: AddressState): Promise<AddressState> {
    this.addresses.set(a.family, a);
    return Promise.resolve(a);
  }
  addEvent(e: Omit<EventRecord, 'id'>): Promise<EventRecord> {
    const r = { ...e, id: this.events.length + 1 };
    this.events.push(r);
    return Promise.resolve(r);
  }
}

const HOME_A: DesiredRecord = { fqdn: 'home.example.test.', type: 'A', provider: 'p' };
const HOME_AAAA: DesiredRecord = { fqdn: 'home.example.test.', type: 'AAAA', provider: 'p' };
const NAS_A: DesiredRecord = { fqdn: 'nas.example.test.', type: 'A', provider: 'p', ttl: 120 };

function setup(): { p: MemoryProvider; store: MemoryStore; clock: FakeClock; run: (o?: Partial<ReconcileOptions>) => ReturnType<typeof reconcile> } {
  const p = new MemoryProvider();
  const store = new MemoryStore();
  const clock = new FakeClock(1_800_000_000_000);
  const run = (o: Partial<ReconcileOptions> = {}): ReturnType<typeof reconcile> =>
    reconcile({
      desired: [HOME_A, HOME_AAAA, NAS_A],
      addresses: { ipv4: '81.2.69.160', ipv6: '2a01:4f8::1' },
      provider: () => p,
      store,
      dns: { resolvers: [], nameservers: new Map(), timeoutMs: 100 },
      clock,
      readEvery: 3,
      concurrency: 2,
      perProvider: 1,
      dryRun: false,
      ...o,
    });
  return { p, store, clock, run };
}

void test('first pass: one read of the zone, one batched write, events with old and new values', async () => {
  const { p, store, run } = setup();
  p.records = [{ name: 'home', type: 'A', data: '81.2.69.1', ttl: 300 }];
  const r = await run();
  assert.deepEqual(r.records.map((x) => x.action), ['updated', 'updated', 'updated']);
  assert.equal(p.reads, 1);
  assert.equal(p.writes.length, 1);
  assert.equal(p.writes[0]?.length, 3);
  assert.deepEqual(r.records[0]?.before, ['81.2.69.1']);
  assert.deepEqual(
    store.events.map((e) => [e.kind, e.subject, e.data['old'], e.data['new']]),
    [
      ['record-updated', 'home.example.test', ['81.2.69.1'], '81.2.69.160'],
      ['record-updated', 'home.example.test', [], '2a01:4f8::1'],
      ['record-updated', 'nas.example.test', [], '81.2.69.160'],
    ],
  );
  assert.equal(p.records.find((x) => x.name === 'nas')?.ttl, 120);
});

void test('unchanged address: zero provider calls until readEvery passes, then one read and no write', async () => {
  const { p, run } = setup();
  await run();
  p.reads = 0;
  p.writes = [];
  const second = await run();
  const third = await run();
  assert.deepEqual([second.reads, second.writes, third.reads, third.writes], [0, 0, 0, 0]);
  assert.deepEqual(second.records.map((x) => x.action), ['unchanged', 'unchanged', 'unchanged']);
  assert.equal(p.reads, 0);
  const fourth = await run();
  assert.equal(fourth.reads, 1, 'readEvery 3: the third pass after the write reads');
  assert.equal(fourth.writes, 0);
  assert.ok(fourth.records.every((x) => x.read && x.action === 'unchanged'));
});

void test('an edit behind our back is repaired on the next provider read', async () => {
  const { p, run } = setup();
  await run();
  p.records = p.records.map((r) => (r.name === 'home' && r.type === 'A' ? { ...r, data: '203.0.113.9' } : r));
  await run();
  await run();
  assert.equal(p.records.find((r) => r.name === 'home' && r.type === 'A')?.data, '203.0.113.9', 'not read yet');
  const r = await run();
  assert.deepEqual(r.records.map((x) => x.action), ['updated', 'unchanged', 'unchanged']);
  assert.deepEqual(r.records[0]?.before, ['203.0.113.9']);
  assert.equal(p.records.find((r2) => r2.name === 'home' && r2.type === 'A')?.data, '81.2.69.160');
});

void test('an address change: ip-changed event, due at once, written without waiting for readEvery', async () => {
  const { p, store, run } = setup();
  await run();
  const r = await run({ addresses: { ipv4: '81.2.69.200', ipv6: '2a01:4f8::1' } });
  assert.deepEqual(r.records.map((x) => x.action), ['updated', 'unchanged', 'updated']);
  assert.ok(store.events.some((e) => e.kind === 'ip-changed' && e.subject === 'ipv4' && e.data['old'] === '81.2.69.160' && e.data['new'] === '81.2.69.200'));
  assert.equal(p.records.find((x) => x.name === 'nas')?.data, '81.2.69.200');
});

void test('IPv6 compared canonically: an expanded upper-case value is the same address', async () => {
  const { p, run } = setup();
  p.records = [{ name: 'home', type: 'AAAA', data: '2A01:04F8:0000:0000:0000:0000:0000:0001' }];
  const r = await run({ desired: [HOME_AAAA] });
  assert.equal(r.records[0]?.action, 'unchanged');
  assert.equal(r.writes, 0);
});

void test('one record failing does not stop the others; the failure is kept until a success', async () => {
  const { p, store, run } = setup();
  p.failFor.add('home');
  const r = await run();
  assert.deepEqual(r.records.map((x) => x.action), ['failed', 'failed', 'updated']);
  assert.equal(r.records[0]?.error?.code, 'PROVIDER_REJECTED');
  assert.equal(p.writes.length, 4, 'the batch, then each record alone');
  assert.ok(store.events.some((e) => e.kind === 'update-failed' && e.subject === 'home.example.test'));
  assert.equal(store.rows.get('p|home.example.test|A')?.lastError?.code, 'PROVIDER_REJECTED');
  p.failFor.clear();
  const again = await run();
  assert.deepEqual(again.records.map((x) => x.action), ['updated', 'updated', 'unchanged']);
  assert.equal(store.rows.get('p|home.example.test|A')?.lastError, undefined);
});

void test('a failed read fails every record of that zone, and nothing is written', async () => {
  const { p, run } = setup();
  p.getRecords = () => Promise.reject(new AppError('PROVIDER_AUTH'));
  const r = await run();
  assert.ok(r.records.every((x) => x.action === 'failed' && x.error?.code === 'PROVIDER_AUTH'));
  assert.equal(p.writes.length, 0);
});

void test('dry run: reads, reports would-update, writes nothing to the provider or the store', async () => {
  const { p, store, run } = setup();
  const r = await run({ dryRun: true });
  assert.deepEqual(r.records.map((x) => x.action), ['would-update', 'would-update', 'would-update']);
  assert.equal(p.writes.length, 0);
  assert.equal(store.rows.size, 0);
  assert.equal(store.events.length, 0);
  assert.equal(store.addresses.size, 0);
});

void test('a family not detected leaves its records alone', async () => {
  const { p, run } = setup();
  const r = await run({ addresses: { ipv4: '81.2.69.160' } });
  assert.deepEqual(r.records.map((x) => x.action), ['updated', 'no-address', 'updated']);
  assert.ok(!p.records.some((x) => x.type === 'AAAA'));
});

void test('a TTL that differs makes the record differ', async () => {
  const { p, run } = setup();
  p.records = [{ name: 'nas', type: 'A', data: '81.2.69.160', ttl: 600 }];
  const r = await run({ desired: [NAS_A] });
  assert.equal(r.records[0]?.action, 'updated');
  assert.equal(p.records[0]?.ttl, 120);
});

void test('a zone still throttled after the HTTP retries is tried once more after a pause, not failed', async () => {
  const { p, clock, run } = setup();
  let throttles = 1;
  const read = p.getRecords.bind(p);
  p.getRecords = () => (throttles-- > 0 ? Promise.reject(new AppError('HTTP_RATE_LIMITED', { retryAfterMs: 3000 })) : read());
  const pass = run();
  // The pass sleeps on the fake clock: move it past the pause.
  for (let i = 0; i < 50 && clock.pendingSleeps === 0; i++) await new Promise((r) => setImmediate(r));
  clock.advance(3000);
  const r = await pass;
  assert.deepEqual(r.records.map((x) => x.action), ['updated', 'updated', 'updated']);
  // A second throttle on the retry is a failure with the code.
  throttles = 2;
  const second = run({ addresses: { ipv4: '81.2.69.200', ipv6: '2a01:4f8::1' } });
  for (let i = 0; i < 50 && clock.pendingSleeps === 0; i++) await new Promise((r2) => setImmediate(r2));
  clock.advance(3000);
  const r2 = await second;
  assert.deepEqual(r2.records.map((x) => [x.type, x.action, x.error?.code]), [['A', 'failed', 'HTTP_RATE_LIMITED'], ['AAAA', 'unchanged', undefined], ['A', 'failed', 'HTTP_RATE_LIMITED']]);
});
