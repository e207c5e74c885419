import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import type { DnsRecord } from '../core/record.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import type { DnsProvider } from './types.ts';
import { longestSuffix, zoneOf } from './zone-of.ts';

/** A provider that only lists zones (and counts how often). */
function listing(zones: string[] | Error, zone?: string): DnsProvider & { calls: number } {
  const none = (): Promise<DnsRecord[]> => Promise.resolve([]);
  const p = {
    calls: 0,
    ...(zone === undefined ? {} : { zone }),
    getRecords: none,
    appendRecords: none,
    setRecords: none,
    deleteRecords: none,
    listZones(): Promise<string[]> {
      p.calls++;
      return zones instanceof Error ? Promise.reject(zones) : Promise.resolve(zones);
    },
  };
  return p;
}

/** No resolver and no nameserver: any SOA walk fails with ZONE_NOT_FOUND reason no-servers. */
const NO_DNS = { resolvers: [], nameservers: new Map(), timeoutMs: 100 };

void test('longestSuffix: the deepest listed zone wins; a sibling with a shared tail does not match', () => {
  const zones = ['example.com.', 'sub.example.com.', 'ample.com.'];
  assert.equal(longestSuffix('a.sub.example.com.', zones), 'sub.example.com.');
  assert.equal(longestSuffix('sub.example.com.', zones), 'sub.example.com.');
  assert.equal(longestSuffix('x.example.com.', zones), 'example.com.');
  assert.equal(longestSuffix('example.org.', zones), undefined);
  assert.equal(longestSuffix('notexample.com.', ['example.com.']), undefined);
});

void test('a configured zone containing the name wins without any call', async () => {
  const p = listing(['other.test.'], 'example.test.');
  assert.equal(await zoneOf('www.example.test', p, NO_DNS), 'example.test.');
  assert.equal(p.calls, 0);
});

void test('strict: a name outside the configured zone → NAME_INVALID outside-zone', async () => {
  await rejectsAppError(zoneOf('www.other.test', listing([], 'example.test.'), NO_DNS, { strict: true }), 'NAME_INVALID', { reason: 'outside-zone' });
});

void test('not strict: a name outside the configured zone is looked up in the listed zones', async () => {
  assert.equal(await zoneOf('_acme-challenge.other.test', listing(['other.test.'], 'example.test.'), NO_DNS), 'other.test.');
});

void test('listed zones: longest suffix, names normalised, the list fetched once per provider', async () => {
  const p = listing(['Example.TEST', 'deep.example.test.']);
  assert.equal(await zoneOf('a.deep.example.test', p, NO_DNS), 'deep.example.test.');
  assert.equal(await zoneOf('b.example.test.', p, NO_DNS), 'example.test.');
  assert.equal(p.calls, 1);
});

void test('a name in none of the listed zones → ZONE_NOT_FOUND not-in-account naming the zones', async () => {
  await rejectsAppError(zoneOf('www.elsewhere.test', listing(['a.test.', 'b.test.']), NO_DNS), 'ZONE_NOT_FOUND', {
    reason: 'not-in-account',
    zones: ['a.test.', 'b.test.'],
    zoneCount: 2,
  });
});

void test('a failed listing is not cached: the next call asks again', async () => {
  let fail = true;
  const p = listing([]);
  p.listZones = () => {
    p.calls++;
    return fail ? Promise.reject(new Error('down')) : Promise.resolve(['example.test.']);
  };
  await assert.rejects(zoneOf('www.example.test', p, NO_DNS), /down/);
  fail = false;
  assert.equal(await zoneOf('www.example.test', p, NO_DNS), 'example.test.');
  assert.equal(p.calls, 2);
});

void test('a provider that cannot list zones falls back to the SOA walk', async () => {
  const none = (): Promise<DnsRecord[]> => Promise.resolve([]);
  const noList: DnsProvider = { getRecords: none, appendRecords: none, setRecords: none, deleteRecords: none };
  await rejectsAppError(zoneOf('www.example.test', noList, NO_DNS), 'ZONE_NOT_FOUND', { reason: 'no-servers' });
});

void test('a key not permitted to list zones falls back to the SOA walk; other listing errors propagate', async () => {
  await rejectsAppError(zoneOf('www.example.test', listing(new AppError('PROVIDER_PERMISSION')), NO_DNS), 'ZONE_NOT_FOUND', { reason: 'no-servers' });
  await rejectsAppError(zoneOf('www.example.test', listing(new AppError('PROVIDER_AUTH')), NO_DNS), 'PROVIDER_AUTH');
});
