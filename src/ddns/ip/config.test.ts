import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitStatusFor } from '../../core/codes.ts';
import { throwsAppError } from '../../core/testing/app-error-assert.ts';
import { parseIpDetectionConfig, parseIpFamilyConfig } from './config.ts';
import { DEFAULT_ENDPOINTS } from './defaults.ts';

const env = { ECHO_URL: 'https://echo.example.net/ip' };
let dir: string;
let caFile: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zk-ipcfg-'));
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void test('absent sections: the built-in chain for both families, quorum 2; false turns a family off', () => {
  const c = parseIpDetectionConfig(undefined, env);
  assert.equal(c.ipv4?.isDefault, true);
  assert.equal(c.ipv4?.quorum, 2);
  assert.deepEqual(c.ipv4?.sources, [{ type: 'http', endpoints: DEFAULT_ENDPOINTS[4], timeoutMs: 5000 }]);
  assert.equal(c.ipv6?.family, 6);
  assert.ok(DEFAULT_ENDPOINTS[6].length >= 3 && DEFAULT_ENDPOINTS[4].length >= 3);
  for (const ep of [...DEFAULT_ENDPOINTS[4], ...DEFAULT_ENDPOINTS[6]]) assert.match(ep.url, /^https:\/\//);
  const off = parseIpDetectionConfig({ ipv6: false, interval: '5m', records: [] }, env);
  assert.equal(off.ipv6, undefined);
  assert.equal(off.ipv4?.isDefault, true);
});

void test('the DESIGN example: http + interface + command, every setting', () => {
  const c = parseIpDetectionConfig(
    {
      ipv4: {
        quorum: 2,
        sources: [
          { type: 'http', urls: ['${env:ECHO_URL}', { url: 'https://json.example.net/', format: 'json', field: 'data.ip' }], bind: 'eth0.100', timeout: '3000', trust: caFile },
          { type: 'interface', name: 'eth0' },
          { type: 'command', run: 'my-ip-script' },
        ],
      },
      ipv6: { sources: [{ type: 'interface', name: 'eth0', suffix: '::1234' }, { type: 'command', run: ['/usr/local/bin/ip6', '--raw'], timeout: 2000 }] },
    },
    env,
  );
  const [http, iface, command] = c.ipv4?.sources ?? [];
  assert.deepEqual(http && { ...http, caPem: http.type === 'http' ? http.caPem?.slice(0, 27) : undefined }, {
    type: 'http',
    endpoints: [
      { url: 'https://echo.example.net/ip', format: 'auto', field: 'ip' },
      { url: 'https://json.example.net/', format: 'json', field: 'data.ip' },
    ],
    bind: 'eth0.100',
    timeoutMs: 3000,
    caPem: '-----BEGIN CERTIFICATE-----',
  });
  assert.deepEqual(iface, { type: 'interface', name: 'eth0' });
  assert.deepEqual(command, { type: 'command', run: 'my-ip-script', timeoutMs: 10_000 });
  assert.equal(c.ipv4?.quorum, 2);
  const [v6iface, v6cmd] = c.ipv6?.sources ?? [];
  assert.equal(v6iface?.type === 'interface' ? v6iface.suffix?.text : undefined, '::1234');
  assert.deepEqual(v6cmd, { type: 'command', run: ['/usr/local/bin/ip6', '--raw'], timeoutMs: 2000 });
  // Two votes and no quorum given: 2; one vote: 1.
  assert.equal(c.ipv6?.quorum, 2);
  assert.equal(parseIpFamilyConfig({ sources: [{ type: 'interface', name: 'eth0' }] }, 6, 'ddns.ipv6', env).quorum, 1);
});

void test('an unknown source type is CONFIG_INVALID (exit 2) with a hint', () => {
  const e = throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ type: 'interfce', name: 'eth0' }] } }, env), 'CONFIG_INVALID', {
    path: 'ddns.ipv4.sources[0].type',
    reason: 'unknown source type',
    didYouMean: 'interface',
  });
  assert.equal(exitStatusFor(e.code), 2);
  throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ name: 'eth0' }] } }, env), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].type', reason: 'required setting missing' });
});

void test('unknown keys and values get "did you mean"', () => {
  throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ type: 'http', url: 'https://a.example/' }] } }, env), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].url', didYouMean: 'urls' });
  throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ type: 'interface', name: 'eth0' }], qorum: 1 } }, env), 'CONFIG_INVALID', { path: 'ddns.ipv4.qorum', didYouMean: 'quorum' });
  throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ type: 'http', urls: [{ url: 'https://a.example/', format: 'jsn' }] }] } }, env), 'CONFIG_INVALID', {
    path: 'ddns.ipv4.sources[0].urls[0].format',
    didYouMean: 'json',
  });
  throwsAppError(() => parseIpDetectionConfig({ ipv4: { sources: [{ type: 'command', run: 'x', timout: 5 }] } }, env), 'CONFIG_INVALID', { didYouMean: 'timeout' });
});

void test('URLs: https only, no user info, an IP literal of the section family', () => {
  const one = (url: unknown, family: 4 | 6 = 4): unknown => parseIpFamilyConfig({ sources: [{ type: 'http', urls: [url] }] }, family, `ddns.ipv${family}`, env);
  throwsAppError(() => one('http://a.example/'), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].urls[0]' });
  throwsAppError(() => one('not a url'), 'CONFIG_INVALID', { reason: 'not a URL' });
  throwsAppError(() => one('https://user:pw@a.example/'), 'CONFIG_INVALID');
  throwsAppError(() => one('https://127.0.0.1:8443/', 6), 'CONFIG_INVALID', { path: 'ddns.ipv6.sources[0].urls[0]' });
  throwsAppError(() => one('https://[::1]:8443/', 4), 'CONFIG_INVALID');
  assert.ok(one('https://[::1]:8443/', 6));
  throwsAppError(() => one('https://${env:NOPE}/'), 'CONFIG_REFERENCE_UNRESOLVED');
});

void test('bind, suffix, quorum, duplicates, timeouts, trust', () => {
  const fam = (raw: unknown, family: 4 | 6 = 4): unknown => parseIpFamilyConfig(raw, family, `ddns.ipv${family}`, env);
  throwsAppError(() => fam({ sources: [{ type: 'http', bind: '2a01::1' }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].bind' });
  throwsAppError(() => fam({ sources: [{ type: 'http', bind: 'eth0; rm -rf /' }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].bind' });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'eth0', suffix: '::1' }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].suffix' });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'eth0', suffix: '1.2.3.4' }] }, 6), 'CONFIG_INVALID', { path: 'ddns.ipv6.sources[0].suffix' });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'a/b' }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].name' });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'eth0' }], quorum: 2 }), 'CONFIG_INVALID', { path: 'ddns.ipv4.quorum', votes: 1 });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'eth0' }], quorum: 0 }), 'CONFIG_INVALID', { path: 'ddns.ipv4.quorum' });
  throwsAppError(() => fam({ sources: [] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources' });
  throwsAppError(() => fam({ sources: [{ type: 'interface', name: 'eth0' }, { type: 'interface', name: 'eth0' }] }), 'CONFIG_INVALID', { reason: 'the same source twice (it would vote twice)' });
  throwsAppError(() => fam({ sources: [{ type: 'http', urls: ['https://a.example/ip'] }, { type: 'http', urls: ['https://A.example/ip'] }] }), 'CONFIG_INVALID', { value: 'http https://a.example/ip' });
  throwsAppError(() => fam({ sources: [{ type: 'command', run: 'x', timeout: -1 }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].timeout' });
  throwsAppError(() => fam({ sources: [{ type: 'command', run: [] }] }), 'CONFIG_INVALID', { path: 'ddns.ipv4.sources[0].run' });
  throwsAppError(() => fam({ sources: [{ type: 'http', trust: join(dir, 'absent.pem') }] }), 'CONFIG_REFERENCE_UNRESOLVED', { path: 'ddns.ipv4.sources[0].trust' });
  throwsAppError(() => parseIpDetectionConfig({ ipv4: 'yes' }, env), 'CONFIG_INVALID', { path: 'ddns.ipv4' });
  throwsAppError(() => parseIpDetectionConfig([], env), 'CONFIG_INVALID', { path: 'ddns' });
});
