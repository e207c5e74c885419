import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rfc2136Config } from '../providers/rfc2136/manifest.ts';
import { loadConfig, parseConfig } from './load.ts';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';

const SECRET = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';

function lab(extra: Record<string, unknown> = {}, tsig: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'rfc2136', server: '127.0.0.1:5353', tsig: { name: 'ddns-key', algorithm: 'hmac-sha256', secret: SECRET, ...tsig }, ...extra };
}


let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-load-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

void test('an empty document gives the defaults', () => {
  const c = parseConfig({}, {});
  assert.deepEqual(c.clock.ntp, []);
  assert.deepEqual(c.resolvers, ['system']);
  assert.equal(c.nameservers.size, 0);
  assert.equal(c.dnsTimeoutMs, 2000);
  assert.equal(c.providers.size, 0);
  assert.deepEqual(parseConfig({ clock: null, dns: { resolvers: null } }, {}).resolvers, ['system'], 'an empty `resolvers:` is the default');
});

void test('a full valid document', () => {
  const c = parseConfig(
    {
      clock: { ntp: ['time.example.net', '127.0.0.1:11123'] },
      dns: { resolvers: ['system', '[::1]:5353', '192.0.2.53'], nameservers: { 'Example.Test': ['127.0.0.1:15353'] }, timeout: 1500 },
      providers: { lab: lab({ zone: 'Example.Test' }) },
      ddns: {},
      certificates: {},
    },
    {},
  );
  assert.deepEqual(c.clock.ntp, [
    { host: 'time.example.net', port: 123 },
    { host: '127.0.0.1', port: 11123 },
  ]);
  assert.deepEqual(c.resolvers, ['system', { host: '::1', port: 5353 }, { host: '192.0.2.53', port: 53 }]);
  assert.equal(c.dnsTimeoutMs, 1500);
  const entry = c.providers.get('lab');
  assert.equal(entry?.manifest.id, 'rfc2136');
  assert.deepEqual(entry?.secrets, [SECRET]);
  const config = entry?.config as Rfc2136Config;
  assert.deepEqual(config.server, { host: '127.0.0.1', port: 5353 });
  assert.equal(config.zone, 'example.test.');
  assert.equal(config.key?.algorithm, 'hmac-sha256');
  assert.deepEqual(Buffer.from(config.key?.secret ?? []), Buffer.from(SECRET, 'base64'));
});

void test('dns.nameservers keys are normalised zone names', () => {
  const c = parseConfig({ dns: { nameservers: { 'Example.TEST.': ['127.0.0.1:15353', '[::1]'] } } }, {});
  assert.deepEqual([...c.nameservers.keys()], ['example.test.']);
  assert.deepEqual(c.nameservers.get('example.test.'), [
    { host: '127.0.0.1', port: 15353 },
    { host: '::1', port: 53 },
  ]);
  fails(() => parseConfig({ dns: { nameservers: { 'a..b': ['127.0.0.1'] } } }, {}), 'CONFIG_INVALID', { path: 'dns.nameservers.a..b' });
});

void test('resolvers and nameservers must be IP addresses (host names would go through the system resolver)', () => {
  fails(() => parseConfig({ dns: { resolvers: ['resolver.example.net'] } }, {}), 'CONFIG_INVALID', { path: 'dns.resolvers[0]' });
  fails(() => parseConfig({ dns: { nameservers: { 'example.test': ['127.0.0.1', 'ns1.example.test'] } } }, {}), 'CONFIG_INVALID', {
    path: 'dns.nameservers.example.test[1]',
  });
});

void test('an unknown top-level key is CONFIG_INVALID with a suggestion', () => {
  fails(() => parseConfig({ provders: {} }, {}), 'CONFIG_INVALID', { path: 'provders', didYouMean: 'providers' });
  fails(() => parseConfig({ dns: { resolver: [] } }, {}), 'CONFIG_INVALID', { path: 'dns.resolver', didYouMean: 'resolvers' });
  fails(() => parseConfig({ clock: { ntps: [] } }, {}), 'CONFIG_INVALID', { path: 'clock.ntps', didYouMean: 'ntp' });
});

void test('an unknown provider field is CONFIG_INVALID with a suggestion', () => {
  fails(() => parseConfig({ providers: { lab: lab({ sever: 'x' }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.sever', didYouMean: 'server' });
  fails(() => parseConfig({ providers: { lab: lab({}, { algoritm: 'hmac-sha1' }) } }, {}), 'CONFIG_INVALID', {
    path: 'providers.lab.tsig.algoritm',
    didYouMean: 'algorithm',
  });
});

void test('missing required settings are CONFIG_INVALID', () => {
  fails(() => parseConfig({ providers: { lab: { type: 'rfc2136' } } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.server' });
  fails(() => parseConfig({ providers: { lab: { server: '127.0.0.1' } } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.type' });
  fails(() => parseConfig({ providers: { lab: lab({}, { secret: undefined }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.tsig.secret' });
});

void test('values of the wrong kind are CONFIG_INVALID', () => {
  fails(() => parseConfig([], {}), 'CONFIG_INVALID');
  fails(() => parseConfig('text', {}), 'CONFIG_INVALID');
  fails(() => parseConfig({ clock: [] }, {}), 'CONFIG_INVALID', { path: 'clock' });
  fails(() => parseConfig({ clock: { ntp: 'pool.ntp.org' } }, {}), 'CONFIG_INVALID', { path: 'clock.ntp' });
  fails(() => parseConfig({ dns: { timeout: '2s' } }, {}), 'CONFIG_INVALID', { path: 'dns.timeout' });
  fails(() => parseConfig({ dns: { timeout: 0 } }, {}), 'CONFIG_INVALID', { path: 'dns.timeout' });
  fails(() => parseConfig({ dns: { nameservers: ['x'] } }, {}), 'CONFIG_INVALID', { path: 'dns.nameservers' });
  fails(() => parseConfig({ providers: [] }, {}), 'CONFIG_INVALID', { path: 'providers' });
  fails(() => parseConfig({ providers: { lab: 'rfc2136' } }, {}), 'CONFIG_INVALID', { path: 'providers.lab' });
  fails(() => parseConfig({ providers: { lab: lab({ timeout: 'soon' }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.timeout' });
  fails(() => parseConfig({ providers: { lab: lab({ tsig: 'ddns-key' }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.tsig' });
});

void test('bad server addresses are CONFIG_INVALID naming the setting', () => {
  fails(() => parseConfig({ providers: { lab: lab({ server: '127.0.0.1:99999' }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.server' });
  fails(() => parseConfig({ providers: { lab: lab({ server: 'bad host' }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.server' });
  fails(() => parseConfig({ dns: { resolvers: ['127.0.0.1:0'] } }, {}), 'CONFIG_INVALID', { path: 'dns.resolvers[0]' });
  fails(() => parseConfig({ clock: { ntp: ['[127.0.0.1]:123'] } }, {}), 'CONFIG_INVALID', { path: 'clock.ntp[0]' });
});

void test('an unknown provider type is PROVIDER_TYPE_UNKNOWN with a suggestion; aliases are accepted', () => {
  fails(() => parseConfig({ providers: { lab: lab({ type: 'rfc2163' }) } }, {}), 'PROVIDER_TYPE_UNKNOWN', {
    path: 'providers.lab.type',
    type: 'rfc2163',
    didYouMean: 'rfc2136',
  });
  assert.equal(parseConfig({ providers: { lab: lab({ type: 'NSUPDATE' }) } }, {}).providers.get('lab')?.manifest.id, 'rfc2136');
});

void test('a secret with a zero-width character: SECRET_INVISIBLE_CHARACTER with the position, never the secret', () => {
  const secret = `${SECRET.slice(0, 5)}\u200B${SECRET.slice(5)}`;
  const e = fails(() => parseConfig({ providers: { lab: lab({}, { secret: '${env:TSIG_SECRET}' }) } }, { TSIG_SECRET: secret }), 'SECRET_INVISIBLE_CHARACTER', {
    path: 'providers.lab.tsig.secret',
    character: 'U+200B',
    position: 6,
  });
  const text = `${JSON.stringify(e.diagnosis)} ${e.message}`;
  assert.ok(!text.includes(SECRET.slice(5)), text);
});

void test('an error from the manifest\'s own checks carries no secret', () => {
  const notBase64 = 'not base64 at all!';
  const e = fails(() => parseConfig({ providers: { lab: lab({}, { secret: notBase64 }) } }, {}), 'CONFIG_INVALID', { path: 'providers.lab.tsig.secret' });
  assert.ok(!JSON.stringify(e.diagnosis).includes(notBase64));
});

void test('an unresolved reference is CONFIG_REFERENCE_UNRESOLVED', () => {
  fails(() => parseConfig({ providers: { lab: lab({}, { secret: '${env:NOPE}' }) } }, {}), 'CONFIG_REFERENCE_UNRESOLVED', {
    path: 'providers.lab.tsig.secret',
    reference: 'env:NOPE',
  });
  fails(() => parseConfig({ dns: { resolvers: ['${env:NOPE}'] } }, {}), 'CONFIG_REFERENCE_UNRESOLVED', { path: 'dns.resolvers[0]' });
});

void test('loadConfig: a missing default file is an empty config; a missing named file is CONFIG_NOT_FOUND', () => {
  const missing = join(dir, 'nope.yaml');
  const c = loadConfig({ path: missing, explicit: false, env: {} });
  assert.equal(c.file, undefined);
  assert.equal(c.providers.size, 0);
  fails(() => loadConfig({ path: missing, explicit: true, env: {} }), 'CONFIG_NOT_FOUND', { file: missing, error: 'ENOENT' });
  const sub = join(dir, 'a-directory');
  mkdirSync(sub);
  fails(() => loadConfig({ path: sub, explicit: false, env: {} }), 'CONFIG_NOT_FOUND', { file: sub });
});

void test('loadConfig: a valid file, with block-style references', () => {
  const file = join(dir, 'ok.yaml');
  writeFileSync(file, 'providers:\n  lab:\n    type: rfc2136\n    server: 127.0.0.1\n    tsig:\n      name: ddns-key\n      secret: ${env:TSIG_SECRET}\n');
  const c = loadConfig({ path: file, explicit: true, env: { TSIG_SECRET: SECRET } });
  assert.equal(c.file, file);
  assert.deepEqual(c.providers.get('lab')?.secrets, [SECRET]);
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, '# nothing yet\n');
  assert.equal(loadConfig({ path: empty, explicit: true, env: {} }).providers.size, 0);
});

void test('loadConfig: invalid YAML is CONFIG_INVALID naming the file and the line, not the text', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, `providers:\n  lab: [\n    secret: ${SECRET}\n`);
  const e = fails(() => loadConfig({ path: file, explicit: true, env: {} }), 'CONFIG_INVALID', { file, reason: 'not valid YAML' });
  assert.match(JSON.stringify(e.diagnosis.evidence['error']), /line \d+/);
  assert.ok(!JSON.stringify(e.diagnosis).includes(SECRET));
  const dup = join(dir, 'dup.yaml');
  writeFileSync(dup, 'dns: {}\ndns: {}\n');
  fails(() => loadConfig({ path: dup, explicit: true, env: {} }), 'CONFIG_INVALID', { file: dup });
});

void test('loadConfig: a typo in a file is CONFIG_INVALID with a suggestion', () => {
  const file = join(dir, 'typo.yaml');
  writeFileSync(file, 'provders:\n  lab:\n    type: rfc2136\n');
  fails(() => loadConfig({ path: file, explicit: true, env: {} }), 'CONFIG_INVALID', { path: 'provders', didYouMean: 'providers' });
});
