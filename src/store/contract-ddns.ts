/**
 * The Store contract for DDNS state: record states per (provider, fqdn,
 * type) and the detected public address per family. Registered by
 * `runStoreContract` (contract.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnosis } from '../core/errors.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { type ContractDatabases, diagnosis, T0, utf8Compare } from './contract-fixtures.ts';
import type { AddressState, DdnsRecordState } from './store.ts';

const minimalRecord = (over: Partial<DdnsRecordState> = {}): DdnsRecordState => ({
  provider: 'lab',
  fqdn: 'home.example.test',
  type: 'A',
  zone: 'example.test',
  values: [],
  confirmedAt: T0,
  passesSinceRead: 0,
  createdAt: T0,
  ...over,
});

const fullRecord = (over: Partial<DdnsRecordState> = {}): DdnsRecordState =>
  minimalRecord({
    values: ['192.0.2.7', '192.0.2.1', '192.0.2.7'],
    desired: '192.0.2.1',
    updatedAt: T0 + 5,
    passesSinceRead: 3,
    lastError: diagnosis,
    ...over,
  });

const address = (over: Partial<AddressState> = {}): AddressState => ({
  family: 'ipv4',
  address: '192.0.2.1',
  detectedAt: T0 + 10,
  changedAt: T0,
  ...over,
});

const keyOf = (r: DdnsRecordState): string => `${r.provider} ${r.fqdn} ${r.type}`;

export function runDdnsContract({ withStore }: ContractDatabases): void {
  describe('DDNS record states', () => {
    test('an empty database has none; delete of a missing one is false', () =>
      withStore(async (s) => {
        assert.equal(await s.getDdnsRecord('lab', 'home.example.test', 'A'), undefined);
        assert.deepEqual(await s.listDdnsRecords(), []);
        assert.equal(await s.deleteDdnsRecord('lab', 'home.example.test', 'A'), false);
      }));

    test('round trip of a minimal and a full record, exactly; values keep order and duplicates', () =>
      withStore(async (s) => {
        const minimal = minimalRecord();
        const full = fullRecord({ fqdn: 'v6.example.test', type: 'AAAA', values: ['2001:db8::2', '2001:db8::1'], desired: '2001:db8::1' });
        assert.deepEqual(await s.saveDdnsRecord(minimal), minimal);
        assert.deepEqual(await s.saveDdnsRecord(full), full);
        const readMinimal = await s.getDdnsRecord('lab', 'home.example.test', 'A');
        assert.deepEqual(readMinimal, minimal);
        for (const k of ['desired', 'updatedAt', 'lastError']) assert.ok(!(k in (readMinimal ?? {})), `${k} absent`);
        assert.deepEqual(await s.getDdnsRecord('lab', 'v6.example.test', 'AAAA'), full);
        const duplicates = fullRecord({ fqdn: 'dup.example.test' });
        await s.saveDdnsRecord(duplicates);
        assert.deepEqual((await s.getDdnsRecord('lab', 'dup.example.test', 'A'))?.values, ['192.0.2.7', '192.0.2.1', '192.0.2.7']);
      }));

    test('provider, fqdn and type together are the key', () =>
      withStore(async (s) => {
        const a = await s.saveDdnsRecord(fullRecord());
        const aaaa = await s.saveDdnsRecord(minimalRecord({ type: 'AAAA', values: ['2001:db8::9'] }));
        const other = await s.saveDdnsRecord(minimalRecord({ provider: 'home', values: ['198.51.100.1'] }));
        const apex = await s.saveDdnsRecord(minimalRecord({ fqdn: 'example.test', values: ['203.0.113.5'] }));
        assert.deepEqual(await s.getDdnsRecord('lab', 'home.example.test', 'A'), a);
        assert.deepEqual(await s.getDdnsRecord('lab', 'home.example.test', 'AAAA'), aaaa);
        assert.deepEqual(await s.getDdnsRecord('home', 'home.example.test', 'A'), other);
        assert.deepEqual(await s.getDdnsRecord('lab', 'example.test', 'A'), apex);
        assert.equal(await s.getDdnsRecord('home', 'home.example.test', 'AAAA'), undefined);
        assert.equal((await s.listDdnsRecords()).length, 4);
      }));

    test('save replaces by key, keeps createdAt and clears optional fields left out', () =>
      withStore(async (s) => {
        await s.saveDdnsRecord(fullRecord());
        const next = minimalRecord({ zone: 'Example.TEST', values: ['198.51.100.2'], confirmedAt: T0 + 60_000, passesSinceRead: 1, createdAt: T0 + 60_000 });
        const stored = await s.saveDdnsRecord(next);
        assert.deepEqual(stored, { ...next, createdAt: T0 });
        assert.deepEqual(await s.getDdnsRecord('lab', 'home.example.test', 'A'), stored);
        for (const k of ['desired', 'updatedAt', 'lastError']) assert.ok(!(k in stored), `${k} cleared`);
        assert.equal((await s.listDdnsRecords()).length, 1);
      }));

    test('list is ordered by provider, then fqdn, then type, byte-wise', () =>
      withStore(async (s) => {
        const keys: [string, string, 'A' | 'AAAA'][] = [
          ['lab', 'www.example.test', 'AAAA'],
          ['Lab', 'b.example.test', 'A'],
          ['lab', 'a-1.example.test', 'A'],
          ['lab', 'a.example.test', 'AAAA'],
          ['home', 'z.example.test', 'A'],
          ['lab', 'www.example.test', 'A'],
          ['lab', 'a.example.test', 'A'],
          ['lab', 'ü.example.test', 'A'],
        ];
        for (const [provider, fqdn, type] of keys) await s.saveDdnsRecord(minimalRecord({ provider, fqdn, type }));
        const expected = keys
          .map(([provider, fqdn, type]) => ({ provider, fqdn, type }))
          .sort((x, y) => utf8Compare(x.provider, y.provider) || utf8Compare(x.fqdn, y.fqdn) || utf8Compare(x.type, y.type))
          .map((k) => `${k.provider} ${k.fqdn} ${k.type}`);
        assert.deepEqual((await s.listDdnsRecords()).map(keyOf), expected);
        assert.equal(expected[0], 'Lab b.example.test A', 'upper case sorts first byte-wise');
      }));

    test('delete removes that one state, nothing else', () =>
      withStore(async (s) => {
        await s.saveDdnsRecord(minimalRecord());
        const kept = await s.saveDdnsRecord(minimalRecord({ type: 'AAAA' }));
        assert.equal(await s.deleteDdnsRecord('lab', 'home.example.test', 'A'), true);
        assert.equal(await s.deleteDdnsRecord('lab', 'home.example.test', 'A'), false);
        assert.deepEqual(await s.listDdnsRecords(), [kept]);
      }));

    test('states breaking the field rules are refused, and nothing is written', () =>
      withStore(async (s) => {
        const stored = await s.saveDdnsRecord(fullRecord());
        const bad: [string, string, DdnsRecordState][] = [
          ['empty provider', 'provider', minimalRecord({ provider: '' })],
          ['upper-case fqdn', 'fqdn', minimalRecord({ fqdn: 'Home.example.test' })],
          ['fqdn with trailing dot', 'fqdn', minimalRecord({ fqdn: 'home.example.test.' })],
          ['fqdn with an empty label', 'fqdn', minimalRecord({ fqdn: 'home..example.test' })],
          ['fqdn outside its zone', 'fqdn', minimalRecord({ fqdn: 'home.example.net' })],
          ['fqdn only ending like its zone', 'fqdn', minimalRecord({ fqdn: 'homeexample.test' })],
          ['zone with trailing dot', 'zone', minimalRecord({ zone: 'example.test.' })],
          ['empty zone', 'zone', minimalRecord({ zone: '' })],
          ['type CNAME', 'type', minimalRecord({ type: 'CNAME' as 'A' })],
          ['values not a list', 'values', minimalRecord({ values: '192.0.2.1' as unknown as string[] })],
          ['empty value', 'values', minimalRecord({ values: ['192.0.2.1', ''] })],
          ['desired IPv6 for A', 'desired', minimalRecord({ desired: '2001:db8::1' })],
          ['desired IPv4 for AAAA', 'desired', minimalRecord({ type: 'AAAA', desired: '192.0.2.1' })],
          ['desired not an address', 'desired', minimalRecord({ desired: 'home.example.test' })],
          ['fractional confirmedAt', 'confirmedAt', minimalRecord({ confirmedAt: T0 + 0.5 })],
          ['non-integer updatedAt', 'updatedAt', minimalRecord({ updatedAt: Number.NaN })],
          ['negative passesSinceRead', 'passesSinceRead', minimalRecord({ passesSinceRead: -1 })],
          ['fractional passesSinceRead', 'passesSinceRead', minimalRecord({ passesSinceRead: 1.5 })],
          ['bad lastError', 'lastError', minimalRecord({ lastError: { code: 'X' } as unknown as Diagnosis })],
          ['missing createdAt', 'createdAt', minimalRecord({ createdAt: undefined as unknown as number })],
        ];
        for (const [what, field, record] of bad) {
          await rejectsAppError(s.saveDdnsRecord(record), 'STORE_INVALID_RECORD', { record: 'ddns-record', field }).catch((e: unknown) => assert.fail(`${what}: ${String(e)}`));
        }
        assert.deepEqual(await s.listDdnsRecords(), [stored], 'neither a new row nor a change to the stored one');
      }));
  });

  describe('detected addresses', () => {
    test('an empty database has none', () =>
      withStore(async (s) => {
        assert.equal(await s.getAddress('ipv4'), undefined);
        assert.equal(await s.getAddress('ipv6'), undefined);
      }));

    test('one per family: round trip, replacement takes every field, families independent', () =>
      withStore(async (s) => {
        const v4 = address();
        const v6 = address({ family: 'ipv6', address: '2001:db8::1', detectedAt: T0 + 20, changedAt: T0 + 20 });
        assert.deepEqual(await s.saveAddress(v4), v4);
        assert.deepEqual(await s.saveAddress(v6), v6);
        assert.deepEqual(await s.getAddress('ipv4'), v4);
        assert.deepEqual(await s.getAddress('ipv6'), v6);
        const changed = address({ address: '198.51.100.4', detectedAt: T0 + 30, changedAt: T0 + 30 });
        assert.deepEqual(await s.saveAddress(changed), changed);
        assert.deepEqual(await s.getAddress('ipv4'), changed);
        const earlier = address({ address: '198.51.100.4', detectedAt: T0 + 1, changedAt: T0 + 30 });
        assert.deepEqual(await s.saveAddress(earlier), earlier, 'detectedAt before changedAt is kept as given (clock stepped back)');
        assert.deepEqual(await s.getAddress('ipv6'), v6);
      }));

    test('addresses breaking the field rules are refused, and nothing is written', () =>
      withStore(async (s) => {
        const stored = await s.saveAddress(address());
        const bad: [string, string, AddressState][] = [
          ['unknown family', 'family', address({ family: 'ipv5' as 'ipv4' })],
          ['IPv6 address as ipv4', 'address', address({ address: '2001:db8::1' })],
          ['IPv4 address as ipv6', 'address', address({ family: 'ipv6', address: '192.0.2.1' })],
          ['IPv6 with a zone id', 'address', address({ family: 'ipv6', address: 'fe80::1%eth0' })],
          ['empty address', 'address', address({ address: '' })],
          ['a name', 'address', address({ address: 'example.test' })],
          ['fractional detectedAt', 'detectedAt', address({ detectedAt: T0 + 0.5 })],
          ['missing changedAt', 'changedAt', address({ changedAt: undefined as unknown as number })],
        ];
        for (const [what, field, a] of bad) {
          await rejectsAppError(s.saveAddress(a), 'STORE_INVALID_RECORD', { record: 'address', field }).catch((e: unknown) => assert.fail(`${what}: ${String(e)}`));
        }
        assert.deepEqual(await s.getAddress('ipv4'), stored);
        assert.equal(await s.getAddress('ipv6'), undefined);
      }));
  });
}
