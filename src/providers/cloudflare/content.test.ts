import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromCloudflare, toCloudflare, valueKey } from './content.ts';

const Z = 'example.com.';

void test('names are absolute without the trailing dot; the apex is the zone name', () => {
  assert.equal(toCloudflare(Z, { name: 'www', type: 'A', data: '192.0.2.1' }).name, 'www.example.com');
  assert.equal(toCloudflare(Z, { name: '@', type: 'A', data: '192.0.2.1' }).name, 'example.com');
  assert.equal(toCloudflare(Z, { name: 'x.example.com.', type: 'A', data: '192.0.2.1' }).name, 'x.example.com');
  assert.equal(fromCloudflare(Z, { id: '1', name: 'example.com', type: 'A', content: '192.0.2.1', ttl: 1 }).name, '@');
});

void test('TXT is sent quoted and read back quoted or bare', () => {
  assert.equal(toCloudflare(Z, { name: 't', type: 'TXT', data: 'say "hi" \\' }).content, '"say \\"hi\\" \\\\"');
  assert.equal(toCloudflare(Z, { name: 't', type: 'TXT', data: '"a" "b"' }).content, '"a" "b"');
  assert.equal(fromCloudflare(Z, { id: '1', name: 't.example.com', type: 'TXT', content: '"say \\"hi\\""' }).data, 'say "hi"');
  assert.equal(fromCloudflare(Z, { id: '1', name: 't.example.com', type: 'TXT', content: 'bare value' }).data, 'bare value');
  assert.equal(fromCloudflare(Z, { id: '1', name: 't.example.com', type: 'TXT', content: '"a" "b"' }).data, '"a" "b"');
});

void test('targets lose the trailing dot on the wire; MX priority is its own field; TTL 1 is automatic', () => {
  assert.deepEqual(toCloudflare(Z, { name: 'c', type: 'CNAME', data: 'Target.Example.NET.', ttl: 120 }), { name: 'c.example.com', type: 'CNAME', ttl: 120, content: 'target.example.net' });
  assert.deepEqual(toCloudflare(Z, { name: '@', type: 'MX', data: '10 mail.example.com.' }), { name: 'example.com', type: 'MX', ttl: 1, priority: 10, content: 'mail.example.com' });
  assert.deepEqual(fromCloudflare(Z, { id: '1', name: 'example.com', type: 'MX', content: 'mail.example.com', priority: 10, ttl: 1 }), { name: '@', type: 'MX', data: '10 mail.example.com.' });
  assert.deepEqual(fromCloudflare(Z, { id: '1', name: 'c.example.com', type: 'CNAME', content: 'target.example.net', ttl: 300 }), { name: 'c', type: 'CNAME', data: 'target.example.net.', ttl: 300 });
});

void test('values compare canonically', () => {
  assert.equal(valueKey({ name: 'a', type: 'AAAA', data: '2001:DB8:0::1' }), valueKey({ name: 'a', type: 'AAAA', data: '2001:db8::1' }));
  assert.equal(valueKey({ name: 'a', type: 'TXT', data: '"x"' }), valueKey({ name: 'a', type: 'TXT', data: 'x' }));
  assert.notEqual(valueKey({ name: 'a', type: 'TXT', data: 'x' }), valueKey({ name: 'a', type: 'TXT', data: 'y' }));
});

void test('proxied: sent only when set and only for A/AAAA/CNAME; read back from the API', () => {
  const zone = 'example.com.';
  assert.equal(toCloudflare(zone, { name: 'www', type: 'A', data: '192.0.2.1' }).proxied, undefined);
  assert.equal(toCloudflare(zone, { name: 'www', type: 'A', data: '192.0.2.1', proxied: true }).proxied, true);
  assert.equal(toCloudflare(zone, { name: 'www', type: 'AAAA', data: '2001:db8::1', proxied: false }).proxied, false);
  assert.equal(toCloudflare(zone, { name: 'www', type: 'TXT', data: 'x', proxied: true }).proxied, undefined);
  assert.equal(fromCloudflare(zone, { id: '1', name: 'www.example.com', type: 'A', content: '192.0.2.1', ttl: 1, proxied: true }).proxied, true);
  assert.equal(fromCloudflare(zone, { id: '1', name: 'www.example.com', type: 'TXT', content: '"x"', ttl: 1, proxied: false }).proxied, undefined);
});
