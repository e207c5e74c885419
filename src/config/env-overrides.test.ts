import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { applyValue, emptyMerged, type Merged } from './layers.ts';

const SECRET = ' 0123 secret, with comma and [brackets] ';

function merged(file: Record<string, unknown> = {}): Merged {
  const m = emptyMerged();
  applyValue(m, [], file, () => ({ source: 'file', file: 'zk.yaml' }));
  return m;
}

function envOf(m: Merged): Record<string, string | undefined> {
  return Object.fromEntries([...m.leaves].map(([k, l]) => [k, l.origin.env]));
}

void test('keys are matched without regard to case; values converted by the setting\'s type', () => {
  const m = merged();
  applyEnvOverrides(m, { ZONEKEEPER_DNS__TIMEOUT: '3000', ZONEKEEPER_DDNS__READEVERY: '6', zonekeeper_ignored: 'x', ZONEKEEPER_LISTEN: '0.0.0.0:1' });
  assert.deepEqual(m.doc, { dns: { timeout: 3000 }, ddns: { readEvery: 6 }, listen: '0.0.0.0:1' });
  assert.deepEqual(envOf(m), { 'dns.timeout': 'ZONEKEEPER_DNS__TIMEOUT', 'ddns.readEvery': 'ZONEKEEPER_DDNS__READEVERY', listen: 'ZONEKEEPER_LISTEN' });
});

void test('a value that is not of the type is passed on as written (the parser names the variable in its error)', () => {
  const m = merged();
  applyEnvOverrides(m, { ZONEKEEPER_DNS__TIMEOUT: '3s', ZONEKEEPER_CERTIFICATES__WEB__REUSEKEY: 'TRUE' });
  assert.deepEqual(m.doc, { dns: { timeout: '3s' }, certificates: { web: { reuseKey: true } } });
});

void test('names match configured ones without regard to case; a new name is lower-cased when written in capitals', () => {
  const m = merged({ providers: { Home: { type: 'tencentcloud', secretId: 'id' } } });
  applyEnvOverrides(m, { ZONEKEEPER_PROVIDERS__HOME__SECRETKEY: SECRET, ZONEKEEPER_PROVIDERS__LAB__TYPE: 'cloudflare', ZONEKEEPER_PROVIDERS__LAB__APITOKEN: 'tok', ZONEKEEPER_PROVIDERS__myOwn__TYPE: 'powerdns' });
  assert.deepEqual(m.doc['providers'], {
    Home: { type: 'tencentcloud', secretId: 'id', secretKey: SECRET },
    lab: { type: 'cloudflare', apiToken: 'tok' },
    myOwn: { type: 'powerdns' },
  });
});

void test('strings, secrets above all, are taken byte for byte: never trimmed, split or converted', () => {
  const m = merged({ providers: { lab: { type: 'rfc2136', tsig: { name: 'k' } } } });
  applyEnvOverrides(m, { ZONEKEEPER_PROVIDERS__LAB__TSIG__SECRET: SECRET, ZONEKEEPER_PROVIDERS__LAB__TSIG__NAME: '0042' });
  assert.deepEqual(m.doc['providers'], { lab: { type: 'rfc2136', tsig: { name: '0042', secret: SECRET } } });
});

void test('lists: comma-separated or a JSON array; items of lists of mappings by number, the next one appended', () => {
  const m = merged({ ddns: { records: [{ name: 'a.example.test', type: 'A', provider: 'lab' }] } });
  applyEnvOverrides(m, {
    ZONEKEEPER_DNS__RESOLVERS: ' 127.0.0.1:5353 , [::1] ,',
    ZONEKEEPER_CLOCK__NTP: '["a,b", "c"]',
    ZONEKEEPER_DDNS__RECORDS__0__TTL: '600',
    ZONEKEEPER_DDNS__RECORDS__1__NAME: 'b.example.test',
    ZONEKEEPER_DDNS__RECORDS__1__TYPE: 'A,AAAA',
    ZONEKEEPER_DDNS__IPV6: 'false',
  });
  assert.deepEqual(m.doc, {
    dns: { resolvers: ['127.0.0.1:5353', '[::1]'] },
    clock: { ntp: ['a,b', 'c'] },
    ddns: { records: [{ name: 'a.example.test', type: 'A', provider: 'lab', ttl: 600 }, { name: 'b.example.test', type: ['A', 'AAAA'] }], ipv6: false },
  });
  assert.equal(envOf(m)['ddns.records[0].name'], undefined, 'the file item keeps its origin');
  assert.equal(envOf(m)['ddns.records[0].ttl'], 'ZONEKEEPER_DDNS__RECORDS__0__TTL');
});

void test('process settings and empty variables are not overrides', () => {
  const m = merged();
  applyEnvOverrides(m, { ZONEKEEPER_CONFIG: 'x.yaml', ZONEKEEPER_DATA: '/d', ZONEKEEPER_SECRET_KEY: 'k', ZONEKEEPER_CERT_NAME: 'web', ZONEKEEPER_DNS__TIMEOUT: '' });
  assert.deepEqual(m.doc, {});
});

void test('a name that is not a setting is CONFIG_INVALID naming the variable, never its value', () => {
  const cases: [Record<string, string>, Record<string, unknown>][] = [
    [{ ZONEKEEPER_DNS__TIMOUT: SECRET }, { path: 'dns.TIMOUT', env: 'ZONEKEEPER_DNS__TIMOUT', didYouMean: 'timeout', source: 'env' }],
    [{ ZONEKEEPER_DSN__TIMEOUT: SECRET }, { path: 'DSN', didYouMean: 'dns' }],
    [{ ZONEKEEPER_DNS____TIMEOUT: SECRET }, { env: 'ZONEKEEPER_DNS____TIMEOUT' }],
    [{ ZONEKEEPER_DNS: SECRET }, { path: 'dns', env: 'ZONEKEEPER_DNS' }],
    [{ ZONEKEEPER_PROVIDERS__HOME: SECRET }, { path: 'providers.home' }],
    [{ ZONEKEEPER_PROVIDERS: SECRET }, { path: 'providers' }],
    [{ ZONEKEEPER_DNS__TIMEOUT__X: SECRET }, { path: 'dns.timeout' }],
    [{ ZONEKEEPER_DDNS__RECORDS__FIRST__NAME: SECRET }, { path: 'ddns.records' }],
    [{ ZONEKEEPER_CLOCK__NTP: '[not json' }, { path: 'clock.ntp' }],
    [{ ZONEKEEPER_DDNS__IPV4: SECRET, ZONEKEEPER_DDNS__IPV4__QUORUM: '1' }, { env: ['ZONEKEEPER_DDNS__IPV4', 'ZONEKEEPER_DDNS__IPV4__QUORUM'] }],
    [{ ZONEKEEPER_DNS__TIMEOUT: '1', ZONEKEEPER_dns__timeout: '2' }, { path: 'dns.timeout' }],
  ];
  for (const [env, evidence] of cases) {
    const e = fails(() => applyEnvOverrides(merged(), env), 'CONFIG_INVALID', evidence);
    assert.ok(!JSON.stringify(e.diagnosis).includes(SECRET.trim()), JSON.stringify(env));
  }
});

void test('two configured names that differ only in case cannot be told apart', () => {
  const m = merged({ providers: { home: { type: 'powerdns' }, HOME: { type: 'powerdns' } } });
  fails(() => applyEnvOverrides(m, { ZONEKEEPER_PROVIDERS__Home__APIKEY: 'x' }), 'CONFIG_INVALID', { path: 'providers.Home', known: ['home', 'HOME'] });
});
