/**
 * The schema (keys, defaults, secrets) must agree with the section parsers:
 * every key a parser accepts is one the environment overrides can name, and
 * every default `config explain` reports is the one the parser applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { parseDuration } from '../ddns/config.ts';
import { DEFAULT_QUORUM } from '../ddns/ip/defaults.ts';
import { schemaNodeAt } from './explain.ts';
import { parseListenAddress } from './listen.ts';
import { parseConfig } from './load.ts';
import { CONFIG_SCHEMA, type SchemaNode } from './schema.ts';
import type { SettingPath } from './setting-path.ts';

const LAB = { type: 'rfc2136', server: '127.0.0.1:5353', tsig: { name: 'k', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' } };

/** The `known` list of the "unknown setting" error parsing `doc` gives. */
function knownKeys(doc: unknown): string[] {
  try {
    parseConfig(doc, {});
  } catch (e) {
    assert.ok(e instanceof AppError && e.code === 'CONFIG_INVALID', String(e));
    const known = e.diagnosis.evidence['known'];
    assert.ok(Array.isArray(known), JSON.stringify(e.diagnosis));
    return known as string[];
  }
  assert.fail('parsed without complaint');
}

function schemaKeys(doc: unknown, path: SettingPath): string[] {
  const node = schemaNodeAt(doc, path);
  assert.equal(node?.kind, 'section', `${path.join('.')} is a section`);
  return Object.keys((node as Extract<SchemaNode, { kind: 'section' }>).keys);
}

const sorted = (a: readonly string[]): string[] => [...a].sort();

void test('fixed sections: the schema knows exactly the keys the parsers accept', () => {
  assert.deepEqual(sorted(knownKeys({ zzz: 1 })), sorted(Object.keys(CONFIG_SCHEMA.keys)));
  for (const s of ['clock', 'dns', 'ddns']) assert.deepEqual(sorted(knownKeys({ [s]: { zzz: 1 } })), sorted(schemaKeys({}, [s])), s);
  const record = { providers: { lab: LAB }, ddns: { records: [{ name: 'a.example.test', type: 'A', provider: 'lab', zzz: 1 }] } };
  assert.deepEqual(sorted(knownKeys(record)), sorted(schemaKeys(record, ['ddns', 'records', 0])));
  assert.deepEqual(sorted(knownKeys({ ddns: { ipv4: { zzz: 1 } } })), sorted(schemaKeys({}, ['ddns', 'ipv4'])));
  assert.deepEqual(sorted(schemaKeys({}, ['ddns', 'ipv4'])), sorted(schemaKeys({}, ['ddns', 'ipv6'])));
  const sourceKeys = new Set<string>();
  for (const type of ['http', 'interface', 'command']) for (const k of knownKeys({ ddns: { ipv4: { sources: [{ type, zzz: 1 }] } } })) sourceKeys.add(k);
  const doc = { ddns: { ipv4: { sources: [{ type: 'http', urls: [{ url: 'https://a.example/' }] }] } } };
  assert.deepEqual(sorted([...sourceKeys]), sorted(schemaKeys(doc, ['ddns', 'ipv4', 'sources', 0])));
  assert.deepEqual(
    sorted(knownKeys({ ddns: { ipv4: { sources: [{ type: 'http', urls: [{ url: 'https://a.example/', zzz: 1 }] }] } } })),
    sorted(schemaKeys(doc, ['ddns', 'ipv4', 'sources', 0, 'urls', 0])),
  );
});

void test('certificate entries: the schema knows exactly the keys the parser accepts', () => {
  const cert = (extra: Record<string, unknown>): unknown => ({ providers: { lab: LAB }, certificates: { web: { domains: ['a.example.test'], provider: 'lab', ...extra } } });
  const doc = cert({});
  assert.deepEqual(sorted(knownKeys(cert({ zzz: 1 }))), sorted(schemaKeys(doc, ['certificates', 'web'])));
  assert.deepEqual(sorted(knownKeys(cert({ ca: { directory: 'https://ca.example/dir', zzz: 1 } }))), sorted(schemaKeys(doc, ['certificates', 'web', 'ca'])));
  assert.deepEqual(sorted(knownKeys(cert({ pfx: { password: 'pw', zzz: 1 } }))), sorted(schemaKeys(doc, ['certificates', 'web', 'pfx'])));
  const deployKeys = new Set<string>();
  for (const type of ['files', 'hook']) for (const k of knownKeys(cert({ deploy: [{ type, zzz: 1 }] }))) deployKeys.add(k);
  assert.deepEqual(sorted([...deployKeys]), sorted(schemaKeys(cert({ deploy: [{ type: 'files', dir: '/x' }] }), ['certificates', 'web', 'deploy', 0])));
});

void test('provider and notifier entries take their keys and secrets from the manifest of their type', () => {
  const doc = { providers: { lab: { ...LAB, zzz: 1 } }, notifiers: { ops: { type: 'webhook', url: 'https://hooks.example/x', zzz: 1 } } };
  assert.deepEqual(sorted([...knownKeys({ providers: doc.providers }), 'type']), sorted(schemaKeys(doc, ['providers', 'lab'])));
  assert.deepEqual(sorted([...knownKeys({ notifiers: doc.notifiers }), 'type', 'events']), sorted(schemaKeys(doc, ['notifiers', 'ops'])));
  const secret = schemaNodeAt(doc, ['providers', 'lab', 'tsig', 'secret']);
  assert.deepEqual(secret, { kind: 'leaf', type: 'string', secret: true });
  assert.equal((schemaNodeAt(doc, ['providers', 'lab', 'tsig', 'name']) as { secret?: boolean }).secret, false);
  assert.equal(schemaNodeAt({ providers: { x: { type: 'nope' } } }, ['providers', 'x', 'anything'])?.kind, 'open', 'an unknown type: nothing known');
  assert.equal(schemaNodeAt({}, ['dns', 'nope']), undefined);
});

void test('the defaults the schema reports are the ones the parsers apply', () => {
  const def = (...path: string[]): unknown => (schemaNodeAt({}, path) as { default?: unknown }).default;
  const c = parseConfig({ providers: { lab: LAB }, certificates: { web: { domains: ['a.example.test'], provider: 'lab' } } }, {});
  assert.deepEqual(c.listen, parseListenAddress(def('listen') as string, 'listen'));
  assert.deepEqual(c.clock.ntp, def('clock', 'ntp'));
  assert.deepEqual(c.resolvers, def('dns', 'resolvers'));
  assert.equal(c.dnsTimeoutMs, def('dns', 'timeout'));
  assert.equal(c.ddns.intervalMs, parseDuration(def('ddns', 'interval'), 'ddns.interval', {}));
  assert.equal(c.ddns.readEvery, def('ddns', 'readEvery'));
  assert.equal(c.ddns.concurrency, def('ddns', 'concurrency'));
  assert.equal(c.ddns.perProvider, def('ddns', 'perProvider'));
  assert.equal(c.ddns.detection.ipv4?.quorum, DEFAULT_QUORUM);
  const doc = { certificates: { web: {} } };
  const web = c.certificates.get('web');
  const certDef = (k: string): unknown => (schemaNodeAt(doc, ['certificates', 'web', k]) as { default?: unknown }).default;
  assert.equal(web?.ca, certDef('ca'));
  assert.equal(web?.key, certDef('key'));
  assert.equal(web?.reuseKey, certDef('reuseKey'));
});
