import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { applyValue, emptyMerged, type Merged } from './layers.ts';
import type { SettingOrigin } from './provenance.ts';

const stored = (): SettingOrigin => ({ source: 'stored' });
const file = (): SettingOrigin => ({ source: 'file', file: 'zk.yaml' });
const env = (name: string) => (): SettingOrigin => ({ source: 'env', env: name });

function sources(m: Merged): Record<string, string> {
  return Object.fromEntries([...m.leaves].map(([k, l]) => [k, l.origin.env ?? l.origin.source]));
}

void test('mappings merge key by key; a later layer wins per setting', () => {
  const m = emptyMerged();
  applyValue(m, [], { dns: { timeout: 1000, resolvers: ['system'] } }, stored);
  applyValue(m, [], { dns: { timeout: 2500 }, clock: { ntp: ['a'] } }, file);
  applyValue(m, ['dns', 'timeout'], 3000, env('ZONEKEEPER_DNS__TIMEOUT'));
  assert.deepEqual(m.doc, { dns: { timeout: 3000, resolvers: ['system'] }, clock: { ntp: ['a'] } });
  assert.deepEqual(sources(m), { 'dns.timeout': 'ZONEKEEPER_DNS__TIMEOUT', 'dns.resolvers': 'stored', 'clock.ntp': 'file' });
});

void test('a list replaces the list below it whole; a list of mappings is one setting per item key', () => {
  const m = emptyMerged();
  applyValue(m, [], { dns: { resolvers: ['1.1.1.1', '8.8.8.8'] }, ddns: { records: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] } }, stored);
  applyValue(m, [], { dns: { resolvers: ['127.0.0.1'] }, ddns: { records: [{ name: 'c', type: 'A' }] } }, file);
  assert.deepEqual(m.doc, { dns: { resolvers: ['127.0.0.1'] }, ddns: { records: [{ name: 'c', type: 'A' }] } });
  assert.deepEqual(sources(m), { 'dns.resolvers': 'file', 'ddns.records[0].name': 'file', 'ddns.records[0].type': 'file' }, 'stored items 1.. are gone with their list');
});

void test('null over a value is "not set"; null alone stays (validation sees what the file says)', () => {
  const m = emptyMerged();
  applyValue(m, [], { dns: { timeout: 1000 } }, stored);
  applyValue(m, [], { dns: { timeout: null }, clock: null }, file);
  assert.deepEqual(m.doc, { dns: { timeout: 1000 }, clock: null });
  assert.equal(sources(m)['dns.timeout'], 'stored');
});

void test('an empty mapping is a setting until something is put in it; {} over a mapping changes nothing', () => {
  const m = emptyMerged();
  applyValue(m, [], { certificates: {} }, file);
  assert.deepEqual(sources(m), { certificates: 'file' });
  applyValue(m, ['certificates', 'web', 'key'], 'rsa2048', env('E'));
  assert.deepEqual(sources(m), { 'certificates.web.key': 'E' });
  applyValue(m, ['certificates'], {}, env('F'));
  assert.deepEqual(m.doc, { certificates: { web: { key: 'rsa2048' } } });
});

void test('setting an item of a list given whole keeps the origin of the other items', () => {
  const m = emptyMerged();
  applyValue(m, [], { dns: { resolvers: ['1.1.1.1', '8.8.8.8'] } }, file);
  applyValue(m, ['dns', 'resolvers', 1], '9.9.9.9', stored);
  assert.deepEqual(m.doc, { dns: { resolvers: ['1.1.1.1', '9.9.9.9'] } });
  assert.deepEqual(sources(m), { 'dns.resolvers[0]': 'file', 'dns.resolvers[1]': 'stored' });
});

void test('list items: the next number appends, a gap or a non-list is CONFIG_INVALID', () => {
  const m = emptyMerged();
  applyValue(m, ['ddns', 'records', 0, 'name'], 'a', env('A'));
  applyValue(m, ['ddns', 'records', 1, 'name'], 'b', env('B'));
  assert.deepEqual(m.doc, { ddns: { records: [{ name: 'a' }, { name: 'b' }] } });
  fails(() => applyValue(m, ['ddns', 'records', 5, 'name'], 'x', env('C')), 'CONFIG_INVALID', { path: 'ddns.records[5]', env: 'C' });
  fails(() => applyValue(m, ['ddns', 0], 'x', env('D')), 'CONFIG_INVALID', { path: 'ddns', env: 'D' });
});

void test('a scalar in the way of a mapping is replaced, and its origin forgotten', () => {
  const m = emptyMerged();
  applyValue(m, [], { certificates: { web: { ca: 'letsencrypt' } } }, file);
  applyValue(m, ['certificates', 'web', 'ca', 'directory'], 'https://ca.example/dir', env('X'));
  assert.deepEqual(m.doc, { certificates: { web: { ca: { directory: 'https://ca.example/dir' } } } });
  assert.deepEqual(sources(m), { 'certificates.web.ca.directory': 'X' });
});

void test('keys such as __proto__ are data, not prototypes', () => {
  const m = emptyMerged();
  applyValue(m, ['providers', '__proto__', 'type'], 'x', stored);
  assert.equal(Object.getPrototypeOf(m.doc['providers']), Object.prototype);
  assert.deepEqual(Object.keys(m.doc['providers'] as object), ['__proto__']);
  fails(() => applyValue(m, [], ['not', 'a', 'mapping'], file), 'CONFIG_INVALID', { path: '(top)' });
});
