import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { parseResolvConf, parseResolverList } from './resolvers.ts';

function configInvalid(fn: () => unknown, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'CONFIG_INVALID');
    if (path !== undefined) assert.equal(e.diagnosis.evidence['path'], path);
    return true;
  });
}

void test('host, host:port, v6, [v6], [v6]:port', () => {
  assert.deepEqual(parseResolverList(['192.0.2.1', '127.0.0.1:5353', '2001:db8::1', '[::1]', '[::1]:5354']), [
    { host: '192.0.2.1', port: 53 },
    { host: '127.0.0.1', port: 5353 },
    { host: '2001:db8::1', port: 53 },
    { host: '::1', port: 53 },
    { host: '::1', port: 5354 },
  ]);
});

void test('duplicates are dropped, order kept', () => {
  assert.deepEqual(parseResolverList(['127.0.0.1:5353', '192.0.2.1', '127.0.0.1:5353']), [
    { host: '127.0.0.1', port: 5353 },
    { host: '192.0.2.1', port: 53 },
  ]);
});

void test('invalid entries are CONFIG_INVALID naming the entry', () => {
  configInvalid(() => parseResolverList([]), 'dns.resolvers');
  configInvalid(() => parseResolverList(['127.0.0.1', 'resolver.example.com']), 'dns.resolvers[1]');
  configInvalid(() => parseResolverList(['127.0.0.1:0']), 'dns.resolvers[0]');
  configInvalid(() => parseResolverList(['127.0.0.1:65536']));
  configInvalid(() => parseResolverList(['[127.0.0.1]:53']));
  configInvalid(() => parseResolverList(['::1:53:']));
  configInvalid(() => parseResolverList(['1.2.3.4:x']));
  configInvalid(() => parseResolverList(['']), 'dns.resolvers[0]');
  configInvalid(() => parseResolverList(['bad host'], { path: 'flags.resolver' }), 'flags.resolver[0]');
});

void test('"system" reads nameserver lines of resolv.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-resolv-'));
  try {
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, '# comment\nsearch example.test\nnameserver 192.0.2.53\nnameserver  2001:db8::53\noptions ndots:1\nnameserver not-an-ip\n');
    assert.deepEqual(parseResolverList(['system', '[::1]:5353'], { resolvConf: file }), [
      { host: '192.0.2.53', port: 53 },
      { host: '2001:db8::53', port: 53 },
      { host: '::1', port: 5353 },
    ]);
    // Missing file or no nameserver line: the C library's default.
    assert.deepEqual(parseResolverList(['System'], { resolvConf: join(dir, 'missing') }), [{ host: '127.0.0.1', port: 53 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('parseResolvConf keeps IPv6 scope ids', () => {
  assert.deepEqual(parseResolvConf('nameserver fe80::1%eth0\n'), [{ host: 'fe80::1%eth0', port: 53 }]);
  assert.deepEqual(parseResolvConf(''), [{ host: '127.0.0.1', port: 53 }]);
});
