import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { parseServerAddress } from './server-address.ts';

function invalid(text: string, reason?: string): void {
  assert.throws(
    () => parseServerAddress(text, 53, 'dns.resolvers[2]'),
    (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.diagnosis.evidence['path'], 'dns.resolvers[2]');
      assert.equal(e.diagnosis.evidence['value'], text);
      if (reason !== undefined) assert.equal(e.diagnosis.evidence['reason'], reason);
      return true;
    },
    JSON.stringify(text),
  );
}

void test('IPv4 with and without a port; the default port is the one given', () => {
  assert.deepEqual(parseServerAddress('192.0.2.1', 53, 'p'), { host: '192.0.2.1', port: 53 });
  assert.deepEqual(parseServerAddress('192.0.2.1', 123, 'p'), { host: '192.0.2.1', port: 123 });
  assert.deepEqual(parseServerAddress('192.0.2.1:5353', 53, 'p'), { host: '192.0.2.1', port: 5353 });
  assert.deepEqual(parseServerAddress('  127.0.0.1:1  ', 53, 'p'), { host: '127.0.0.1', port: 1 });
  assert.deepEqual(parseServerAddress('127.0.0.1:65535', 53, 'p'), { host: '127.0.0.1', port: 65535 });
});

void test('IPv6: bare, in brackets, in brackets with a port', () => {
  assert.deepEqual(parseServerAddress('::1', 53, 'p'), { host: '::1', port: 53 });
  assert.deepEqual(parseServerAddress('2001:db8::1', 53, 'p'), { host: '2001:db8::1', port: 53 });
  assert.deepEqual(parseServerAddress('[::1]', 53, 'p'), { host: '::1', port: 53 });
  assert.deepEqual(parseServerAddress('[::1]:5353', 53, 'p'), { host: '::1', port: 5353 });
  assert.deepEqual(parseServerAddress('[2001:db8::53]:853', 53, 'p'), { host: '2001:db8::53', port: 853 });
});

void test('host names are kept as given', () => {
  assert.deepEqual(parseServerAddress('time.cloudflare.com', 123, 'p'), { host: 'time.cloudflare.com', port: 123 });
  assert.deepEqual(parseServerAddress('NS1.Example.Test.:5353', 53, 'p'), { host: 'NS1.Example.Test.', port: 5353 });
  assert.deepEqual(parseServerAddress('localhost', 53, 'p'), { host: 'localhost', port: 53 });
  assert.deepEqual(parseServerAddress('1.example', 53, 'p'), { host: '1.example', port: 53 });
});

void test('ports outside 1-65535 are refused', () => {
  invalid('127.0.0.1:0', 'port out of range 1-65535');
  invalid('127.0.0.1:65536', 'port out of range 1-65535');
  invalid('[::1]:0', 'port out of range 1-65535');
  invalid('[::1]:99999999999999999999');
});

void test('malformed addresses are refused with the setting\'s path and the text', () => {
  invalid('', 'expected host[:port]');
  invalid('   ');
  invalid('127.0.0.1:');
  invalid('127.0.0.1:53:53');
  invalid('1.2.3.4:x');
  invalid('host name');
  invalid('[127.0.0.1]:53', 'not an IPv6 address in brackets');
  invalid('[::1');
  invalid('[::1]53');
  invalid('[nope]');
  invalid('-bad-.example', 'not an IP address or host name');
  invalid('a..b');
  invalid(`${'a'.repeat(64)}.example`);
});

void test('a mistyped IPv4 address is not taken for a host name', () => {
  invalid('127.0.0.256', 'not an IP address or host name');
  invalid('192.0.2', 'not an IP address or host name');
  invalid('192.0.2.1.', 'not an IP address or host name');
  invalid('5353', 'not an IP address or host name');
});
