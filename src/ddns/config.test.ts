import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { cloudflareManifest } from '../providers/cloudflare/manifest.ts';
import { alidnsManifest } from '../providers/alidns/manifest.ts';
import { rfc2136Manifest } from '../providers/rfc2136/manifest.ts';
import type { ProviderManifest } from '../providers/types.ts';
import { parseDdnsConfig, parseDuration } from './config.ts';

const PROVIDERS = new Map<string, ProviderManifest>([
  ['home', rfc2136Manifest as ProviderManifest],
  ['cf', cloudflareManifest as ProviderManifest],
  ['ali', alidnsManifest as ProviderManifest],
]);
const parse = (ddns: unknown, env: NodeJS.ProcessEnv = {}): ReturnType<typeof parseDdnsConfig> => parseDdnsConfig(ddns, PROVIDERS, env);
const cmd = { sources: [{ type: 'command', run: 'echo 1.1.1.1' }] };

void test('defaults: no section → no records, 5 min interval, read every 12 passes, both families detected', () => {
  const c = parse(undefined);
  assert.deepEqual(c.records, []);
  assert.equal(c.intervalMs, 300_000);
  assert.equal(c.readEvery, 12);
  assert.ok(c.detection.ipv4 !== undefined && c.detection.ipv6 !== undefined);
});

void test('a record with [A, AAAA] gives two desired records; names are normalised (IDN, case, dot)', () => {
  const c = parse({ ipv4: cmd, ipv6: { sources: [{ type: 'command', run: 'echo 2606:4700::1' }] }, records: [{ name: 'Home.Bücher.example', type: ['A', 'aaaa'], provider: 'home', ttl: 300 }] });
  assert.deepEqual(c.records, [
    { fqdn: 'home.xn--bcher-kva.example.', type: 'A', provider: 'home', ttl: 300 },
    { fqdn: 'home.xn--bcher-kva.example.', type: 'AAAA', provider: 'home', ttl: 300 },
  ]);
});

void test('durations', () => {
  assert.equal(parseDuration('90s', 'p', {}), 90_000);
  assert.equal(parseDuration('5m', 'p', {}), 300_000);
  assert.equal(parseDuration(45, 'p', {}), 45_000);
  fails(() => parseDuration('5 minutes', 'p', {}), 'CONFIG_INVALID', { path: 'p' });
  fails(() => parse({ interval: '10s' }), 'CONFIG_INVALID', { path: 'ddns.interval' });
});

void test('bad records → CONFIG_INVALID naming the path', () => {
  const rec = (r: Record<string, unknown>): unknown => ({ ipv4: cmd, records: [{ name: 'h.example.com', type: 'A', provider: 'home', ...r }] });
  fails(() => parse(rec({ name: 'bad..name.example.com' })), 'CONFIG_INVALID', { path: 'ddns.records[0].name' });
  fails(() => parse(rec({ name: `${'a'.repeat(64)}.example.com` })), 'CONFIG_INVALID', { path: 'ddns.records[0].name', nameError: 'label-too-long' });
  fails(() => parse(rec({ name: '*.example.com' })), 'CONFIG_INVALID', { path: 'ddns.records[0].name' });
  fails(() => parse(rec({ type: 'MX' })), 'CONFIG_INVALID', { path: 'ddns.records[0].type' });
  fails(() => parse(rec({ provider: 'hom' })), 'CONFIG_INVALID', { path: 'ddns.records[0].provider', didYouMean: 'home' });
  fails(() => parse(rec({ tll: 60 })), 'CONFIG_INVALID', { path: 'ddns.records[0].tll', didYouMean: 'ttl' });
  fails(() => parse({ ipv4: cmd, records: [{ name: 'h.example.com', type: 'A', provider: 'home' }, { name: 'H.example.com.', type: ['A'], provider: 'home' }] }), 'CONFIG_INVALID', { path: 'ddns.records[1]' });
  fails(() => parse({ recods: [] }), 'CONFIG_INVALID', { path: 'ddns.recods', didYouMean: 'records' });
});

void test("a TTL outside the provider's range, with the range in the evidence", () => {
  const rec = (provider: string, ttl: unknown): unknown => ({ ipv4: cmd, records: [{ name: 'h.example.com', type: 'A', provider, ttl }] });
  fails(() => parse(rec('cf', 10)), 'CONFIG_INVALID', { path: 'ddns.records[0].ttl', min: 30, max: 86400 });
  fails(() => parse(rec('cf', 90000)), 'CONFIG_INVALID', { path: 'ddns.records[0].ttl' });
  assert.equal(parse(rec('cf', 1)).records[0]?.ttl, 1, "Cloudflare's 1 = automatic");
  fails(() => parse(rec('ali', 100_000)), 'CONFIG_INVALID', { path: 'ddns.records[0].ttl', max: 86400 });
  fails(() => parse(rec('home', -1)), 'CONFIG_INVALID', { path: 'ddns.records[0].ttl' });
  fails(() => parse(rec('home', 1.5)), 'CONFIG_INVALID', { path: 'ddns.records[0].ttl' });
});

void test('proxied only where the provider has it; AAAA needs IPv6 detection on', () => {
  assert.equal(parse({ ipv4: cmd, records: [{ name: 'h.example.com', type: 'A', provider: 'cf', proxied: true }] }).records[0]?.proxied, true);
  fails(() => parse({ ipv4: cmd, records: [{ name: 'h.example.com', type: 'A', provider: 'home', proxied: true }] }), 'CONFIG_INVALID', { path: 'ddns.records[0].proxied' });
  fails(() => parse({ ipv4: cmd, ipv6: false, records: [{ name: 'h.example.com', type: ['A', 'AAAA'], provider: 'home' }] }), 'CONFIG_INVALID', { path: 'ddns.records[0].type' });
});

void test('an unknown source type is a config error from the detection parser', () => {
  fails(() => parse({ ipv4: { sources: [{ type: 'htp' }] } }), 'CONFIG_INVALID');
});
