import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { loadEffectiveConfig, type EffectiveLoadOptions } from './effective.ts';
import { loadConfig } from './load.ts';
import type { EffectiveSetting } from './provenance.ts';

const TSIG = 'c2VjcmV0LWtleS1tYXRlcmlhbC1mcm9tLWVudg==';
const TOKEN = 'cf-token-from-the-file-0123456789';
const STORED_TOKEN = 'stored-token-abcdefghij';
const ENV_KEY = 'powerdns-key-from-env-zyxwvu';
const FILE_SECRET = 'file-reference-secret-987654';

let dir = '';
let file = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-effective-'));
  file = join(dir, 'zk.yaml');
  writeFileSync(join(dir, 'secret.txt'), `${FILE_SECRET}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(lines: string[]): void {
  writeFileSync(file, lines.join('\n'));
}

function opts(o: Partial<EffectiveLoadOptions> = {}): EffectiveLoadOptions {
  return { path: file, explicit: true, env: {}, ...o };
}

function setting(settings: readonly EffectiveSetting[], path: string): EffectiveSetting {
  const s = settings.find((x) => x.path === path);
  assert.ok(s !== undefined, `no setting ${path} in ${settings.map((x) => x.path).join(' ')}`);
  return s;
}

void test('one setting in each place: each reports its source', () => {
  write(['dns:', '  resolvers: ["127.0.0.1:5353"]']);
  const { config, settings } = loadEffectiveConfig(
    opts({ env: { ZONEKEEPER_DNS__TIMEOUT: '3000' }, flags: new Map([['listen', { value: '0.0.0.0:9999', flag: '--listen' }]]), stored: new Map([['ddns.interval', '10m']]) }),
  );
  assert.deepEqual(config.listen, { host: '0.0.0.0', port: 9999 });
  assert.equal(config.dnsTimeoutMs, 3000);
  assert.deepEqual(config.resolvers, [{ host: '127.0.0.1', port: 5353 }]);
  assert.equal(config.ddns.intervalMs, 600_000);
  assert.equal(config.ddns.readEvery, 12);
  assert.equal(config.file, file);
  assert.deepEqual(setting(settings, 'listen'), { path: 'listen', source: 'flag', flag: '--listen', value: '0.0.0.0:9999' });
  assert.deepEqual(setting(settings, 'dns.timeout'), { path: 'dns.timeout', source: 'env', env: 'ZONEKEEPER_DNS__TIMEOUT', value: 3000 });
  assert.deepEqual(setting(settings, 'dns.resolvers'), { path: 'dns.resolvers', source: 'file', file, line: 2, column: 14, value: ['127.0.0.1:5353'] });
  assert.deepEqual(setting(settings, 'ddns.interval'), { path: 'ddns.interval', source: 'stored', value: '10m' });
  assert.deepEqual(setting(settings, 'ddns.readEvery'), { path: 'ddns.readEvery', source: 'default', value: 12 });
});

void test('precedence for one setting set everywhere: flag > env > file > stored > default', () => {
  write(['listen: 127.0.0.3:3']);
  const stored = new Map([['listen', '127.0.0.4:4']]);
  const env = { ZONEKEEPER_LISTEN: '127.0.0.2:2' };
  const flags = new Map([['listen', { value: '127.0.0.1:1', flag: '--listen' }]]);
  const at = (o: Partial<EffectiveLoadOptions>): [string, number] => {
    const r = loadEffectiveConfig(opts(o));
    return [setting(r.settings, 'listen').source, r.config.listen.port];
  };
  assert.deepEqual(at({ stored, env, flags }), ['flag', 1]);
  assert.deepEqual(at({ stored, env }), ['env', 2]);
  assert.deepEqual(at({ stored }), ['file', 3]);
  write(['dns: {}']);
  assert.deepEqual(at({ stored }), ['stored', 4]);
  assert.deepEqual(at({}), ['default', 9876]);
});

void test('a reference inside the file is file provenance naming the variable; secrets are masked wherever they came from', () => {
  write([
    'providers:',
    '  lab:',
    '    type: rfc2136',
    '    server: 127.0.0.1:5353',
    '    tsig: { name: k, algorithm: hmac-sha256, secret: "${env:ZK_TSIG}" }',
    '  cf:',
    '    type: cloudflare',
    `    apiToken: "${TOKEN}"`,
    `    endpoint: "https://api.example/${TOKEN}"`,
    '  dns:',
    '    type: powerdns',
    '    endpoint: https://pdns.example/',
    '  wh:',
    '    type: cloudflare',
    '    apiToken: "${file:' + join(dir, 'secret.txt') + '}"',
  ]);
  const { config, settings } = loadEffectiveConfig(
    opts({ env: { ZK_TSIG: TSIG, ZONEKEEPER_PROVIDERS__DNS__APIKEY: ENV_KEY }, stored: new Map([['providers.st.type', 'cloudflare'], ['providers.st.apiToken', STORED_TOKEN]]) }),
  );
  assert.deepEqual(config.providers.get('st')?.secrets, [STORED_TOKEN], 'the stored secret is in use');
  assert.deepEqual(setting(settings, 'providers.lab.tsig.secret'), {
    path: 'providers.lab.tsig.secret',
    source: 'file',
    file,
    line: 5,
    column: 54,
    references: ['env:ZK_TSIG'],
    secret: { length: TSIG.length },
  });
  assert.deepEqual(setting(settings, 'providers.dns.apiKey'), { path: 'providers.dns.apiKey', source: 'env', env: 'ZONEKEEPER_PROVIDERS__DNS__APIKEY', secret: { length: ENV_KEY.length } });
  assert.deepEqual(setting(settings, 'providers.st.apiToken'), { path: 'providers.st.apiToken', source: 'stored', secret: { length: STORED_TOKEN.length } });
  assert.equal(setting(settings, 'providers.wh.apiToken').secret?.length, FILE_SECRET.length);
  assert.equal(setting(settings, 'providers.cf.endpoint').secret?.length, `https://api.example/${TOKEN}`.length, 'a setting holding a secret is masked too');
  assert.equal(setting(settings, 'providers.dns.endpoint').value, 'https://pdns.example/');
  const all = JSON.stringify(settings);
  for (const secret of [TSIG, TOKEN, STORED_TOKEN, ENV_KEY, FILE_SECRET]) assert.ok(!all.includes(secret), secret);
});

void test('an error about a setting says where the setting came from, never the value', () => {
  write(['dns:', '  timeout: 1000', '  resolvers: [resolver.example]']);
  fails(() => loadEffectiveConfig(opts()), 'CONFIG_INVALID', { path: 'dns.resolvers[0]', source: 'file', file, line: 3, column: 14 });
  write(['dns:', '  timeout: 1000']);
  fails(() => loadEffectiveConfig(opts({ env: { ZONEKEEPER_DNS__TIMEOUT: 'soon' } })), 'CONFIG_INVALID', { path: 'dns.timeout', source: 'env', env: 'ZONEKEEPER_DNS__TIMEOUT' });
  assert.equal(loadEffectiveConfig(opts({ stored: new Map([['dns.timeout', -1]]) })).config.dnsTimeoutMs, 1000, 'a bad stored value the file overrides is not in effect');
  fails(() => loadEffectiveConfig(opts({ stored: new Map([['ddns.interval', '1s']]) })), 'CONFIG_INVALID', { path: 'ddns.interval', source: 'stored' });
  fails(() => loadEffectiveConfig(opts({ flags: new Map([['listen', { value: 'nope:x', flag: '--listen' }]]) })), 'CONFIG_INVALID', { path: 'listen', source: 'flag', flag: '--listen' });
  fails(() => loadEffectiveConfig(opts({ stored: new Map([['dns..timeout', 1]]) })), 'CONFIG_INVALID', { path: 'dns..timeout' });
  const e = fails(
    () => loadEffectiveConfig(opts({ env: { ZONEKEEPER_PROVIDERS__X__TYPE: 'cloudflare', ZONEKEEPER_PROVIDERS__X__APITOKEN: `${ENV_KEY}\u200b` } })),
    'SECRET_INVISIBLE_CHARACTER',
    { path: 'providers.x.apiToken', source: 'env', env: 'ZONEKEEPER_PROVIDERS__X__APITOKEN' },
  );
  assert.ok(!JSON.stringify(e.diagnosis).includes(ENV_KEY));
  write(['- a list']);
  fails(() => loadEffectiveConfig(opts()), 'CONFIG_INVALID', { path: '(top)', file });
});

void test('the config is the one loadConfig gives for the file alone; loadConfig itself ignores overrides', () => {
  write(['dns:', '  timeout: 1500', 'providers:', '  lab: { type: rfc2136, server: "127.0.0.1:53", tsig: { name: k, algorithm: hmac-sha256, secret: "c2VjcmV0" } }']);
  const env = { ZONEKEEPER_DNS__TIMEOUT: '3000' };
  const plain = loadConfig({ path: file, explicit: true, env });
  const { config } = loadEffectiveConfig(opts());
  assert.equal(plain.dnsTimeoutMs, 1500);
  assert.equal(config.dnsTimeoutMs, 1500);
  assert.deepEqual([...config.providers.keys()], [...plain.providers.keys()]);
  assert.deepEqual(config.listen, plain.listen);
  assert.equal(loadEffectiveConfig(opts({ env })).config.dnsTimeoutMs, 3000);
});

void test('no file at the default path: defaults only, and no `file`', () => {
  const { config, settings } = loadEffectiveConfig({ path: join(dir, 'absent.yaml'), explicit: false, env: {} });
  assert.equal(config.file, undefined);
  assert.ok(settings.length > 0);
  assert.ok(settings.every((s) => s.source === 'default'));
  assert.deepEqual(
    settings.map((s) => s.path),
    settings.map((s) => s.path).sort(),
    'sorted by path',
  );
});

void test('defaults of a manifest\'s optional group are only reported when the group is given', () => {
  write([
    'providers:',
    '  hook:',
    '    type: webhook',
    '    zone: example.test',
    '    append: { url: "https://hooks.example/add" }',
    '    delete: { url: "https://hooks.example/del" }',
  ]);
  const { settings } = loadEffectiveConfig(opts());
  assert.deepEqual(setting(settings, 'providers.hook.append.method'), { path: 'providers.hook.append.method', source: 'default', value: 'post' });
  assert.deepEqual(setting(settings, 'providers.hook.ttl'), { path: 'providers.hook.ttl', source: 'default', value: 300 });
  const paths = settings.map((s) => s.path);
  assert.ok(!paths.some((p) => p.startsWith('providers.hook.set') || p.startsWith('providers.hook.hmac')), paths.join(' '));
});
