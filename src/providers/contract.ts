/**
 * The provider contract suite (libdns semantics, see types.ts): every
 * provider runs it against its real server or its vendor-exact emulator.
 * Each test uses names of its own under a per-run label, so the suite can
 * share one zone with other tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import type { DnsRecord } from '../core/record.ts';
import type { DnsProvider } from './types.ts';

export interface ContractTarget {
  readonly provider: DnsProvider;
  /** Absolute zone with a trailing dot. */
  readonly zone: string;
}

export interface ContractOptions {
  /** Label that keeps this run's names apart (e.g. the provider id). */
  readonly label: string;
  /** Also create and page through this many records (providers whose API pages). */
  readonly pagination?: number;
}

const txt = (records: readonly DnsRecord[], name: string): string[] =>
  records
    .filter((r) => r.name === name && r.type === 'TXT')
    .map((r) => r.data)
    .sort();

export function runProviderContract(name: string, target: () => ContractTarget, o: ContractOptions): void {
  const n = (suffix: string): string => `${suffix}.${o.label}`;

  void test(`${name}: append keeps other values; two TXT values at one name coexist`, async () => {
    const { provider, zone } = target();
    await provider.appendRecords(zone, [{ name: n('pair'), type: 'TXT', data: 'first', ttl: 120 }]);
    await provider.appendRecords(zone, [{ name: n('pair'), type: 'TXT', data: 'second', ttl: 120 }]);
    assert.deepEqual(txt(await provider.getRecords(zone), n('pair')), ['first', 'second']);
  });

  void test(`${name}: delete by value removes only that value; deleting again is not an error`, async () => {
    const { provider, zone } = target();
    await provider.appendRecords(zone, [
      { name: n('del'), type: 'TXT', data: 'keep', ttl: 120 },
      { name: n('del'), type: 'TXT', data: 'drop', ttl: 120 },
    ]);
    await provider.deleteRecords(zone, [{ name: n('del'), type: 'TXT', data: 'drop' }]);
    await provider.deleteRecords(zone, [{ name: n('del'), type: 'TXT', data: 'drop' }]);
    assert.deepEqual(txt(await provider.getRecords(zone), n('del')), ['keep']);
    await provider.deleteRecords(zone, [{ name: n('never-there'), type: 'TXT', data: 'x' }]);
  });

  void test(`${name}: concurrent appends at one name both stay; concurrent deletes remove both (apex + wildcard challenges)`, async () => {
    const { provider, zone } = target();
    const values = ['apex-value', 'wildcard-value'];
    await Promise.all(values.map((data) => provider.appendRecords(zone, [{ name: n('conc'), type: 'TXT', data, ttl: 120 }])));
    assert.deepEqual(txt(await provider.getRecords(zone), n('conc')), values);
    await Promise.all(values.map((data) => provider.deleteRecords(zone, [{ name: n('conc'), type: 'TXT', data }])));
    assert.deepEqual(txt(await provider.getRecords(zone), n('conc')), []);
  });

  void test(`${name}: set replaces the values of a name and type, and leaves other types alone`, async () => {
    const { provider, zone } = target();
    await provider.appendRecords(zone, [
      { name: n('set'), type: 'A', data: '192.0.2.1', ttl: 120 },
      { name: n('set'), type: 'TXT', data: 'other-type', ttl: 120 },
    ]);
    await provider.setRecords(zone, [
      { name: n('set'), type: 'A', data: '192.0.2.2', ttl: 120 },
      { name: n('set'), type: 'A', data: '192.0.2.3', ttl: 120 },
    ]);
    const all = await provider.getRecords(zone);
    assert.deepEqual(all.filter((r) => r.name === n('set') && r.type === 'A').map((r) => r.data).sort(), ['192.0.2.2', '192.0.2.3']);
    assert.deepEqual(txt(all, n('set')), ['other-type']);
  });

  void test(`${name}: relative and absolute names are the same record; the apex is "@"`, async () => {
    const { provider, zone } = target();
    await provider.appendRecords(zone, [{ name: `${n('abs')}.${zone}`, type: 'TXT', data: 'absolute', ttl: 120 }]);
    const all = await provider.getRecords(zone);
    assert.deepEqual(txt(all, n('abs')), ['absolute']);
    assert.ok(all.some((r) => r.name === '@'), 'the apex records come back as "@"');
    await provider.deleteRecords(zone, [{ name: n('abs'), type: 'TXT', data: 'absolute' }]);
    assert.deepEqual(txt(await provider.getRecords(zone), n('abs')), []);
  });

  void test(`${name}: an aborted call rejects with ABORTED`, async () => {
    const { provider, zone } = target();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(provider.appendRecords(zone, [{ name: n('abort'), type: 'TXT', data: 'x', ttl: 120 }], { signal: controller.signal }), (e: unknown) => {
      assert.ok(e instanceof AppError, String(e));
      assert.equal(e.code, 'ABORTED');
      return true;
    });
  });

  const pages = o.pagination;
  if (pages !== undefined) {
    void test(`${name}: ${pages} records are all listed (pagination)`, async () => {
      const { provider, zone } = target();
      const records = Array.from({ length: pages }, (_, i) => ({ name: n(`page${i}`), type: 'TXT', data: `v${i}`, ttl: 120 }));
      await provider.appendRecords(zone, records);
      const listed = (await provider.getRecords(zone)).filter((r) => r.name.startsWith('page') && r.name.endsWith(`.${o.label}`));
      assert.equal(listed.length, pages);
    });
  }
}
