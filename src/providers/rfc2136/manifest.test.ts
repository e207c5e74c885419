import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../core/errors.ts';
import { rfc2136Manifest } from './manifest.ts';

const SECRET = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';
const P = 'providers.lab';

function fails(raw: Record<string, unknown>, code: ErrorCode, path: string): AppError {
  let caught: AppError | undefined;
  assert.throws(
    () => rfc2136Manifest.parse(raw, P),
    (e: unknown) => {
      assert.ok(e instanceof AppError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.diagnosis.evidence['path'], path);
      caught = e;
      return true;
    },
  );
  return caught as AppError;
}

void test('the manifest: id, aliases, the secret field is marked secret and nothing else is', () => {
  assert.equal(rfc2136Manifest.id, 'rfc2136');
  const tsig = rfc2136Manifest.fields.find((f) => f.name === 'tsig');
  assert.equal(tsig?.fields?.find((f) => f.name === 'secret')?.secret, true);
  const secrets = rfc2136Manifest.fields.flatMap((f) => [f, ...(f.fields ?? [])]).filter((f) => f.secret);
  assert.deepEqual(secrets.map((f) => f.name), ['secret']);
});

void test('server only: default port 53, default timeout, no key, no zone', () => {
  const c = rfc2136Manifest.parse({ server: '192.0.2.1' }, P);
  assert.deepEqual(c, { server: { host: '192.0.2.1', port: 53 }, timeoutMs: 5000 });
});

void test('IPv6 with and without brackets, host:port', () => {
  assert.deepEqual(rfc2136Manifest.parse({ server: '[::1]:5353' }, P).server, { host: '::1', port: 5353 });
  assert.deepEqual(rfc2136Manifest.parse({ server: '[::1]' }, P).server, { host: '::1', port: 53 });
  assert.deepEqual(rfc2136Manifest.parse({ server: '2001:db8::53' }, P).server, { host: '2001:db8::53', port: 53 });
  assert.deepEqual(rfc2136Manifest.parse({ server: '127.0.0.1:15353' }, P).server, { host: '127.0.0.1', port: 15353 });
});

void test('zone is normalised; timeout is kept', () => {
  const c = rfc2136Manifest.parse({ server: '127.0.0.1', zone: 'Example.Test', timeout: 1500 }, P);
  assert.equal(c.zone, 'example.test.');
  assert.equal(c.timeoutMs, 1500);
});

void test('a timeout below 1 ms is CONFIG_INVALID', () => {
  fails({ server: '127.0.0.1', timeout: 0 }, 'CONFIG_INVALID', `${P}.timeout`);
  fails({ server: '127.0.0.1', timeout: -5 }, 'CONFIG_INVALID', `${P}.timeout`);
});

void test('TSIG: every supported algorithm, in any case and with a trailing dot; hmac-sha256 by default', () => {
  for (const a of ['hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'])
    for (const spelt of [a, a.toUpperCase(), `${a}.`])
      assert.equal(rfc2136Manifest.parse({ server: '127.0.0.1', tsig: { name: 'k', algorithm: spelt, secret: SECRET } }, P).key?.algorithm, a, spelt);
  const c = rfc2136Manifest.parse({ server: '127.0.0.1', tsig: { name: 'ddns-key', secret: SECRET } }, P);
  assert.equal(c.key?.algorithm, 'hmac-sha256');
  assert.equal(c.key?.name, 'ddns-key');
  assert.deepEqual(Buffer.from(c.key?.secret ?? []), Buffer.from(SECRET, 'base64'));
});

void test('an unsupported algorithm is CONFIG_INVALID listing the allowed ones', () => {
  const e = fails({ server: '127.0.0.1', tsig: { name: 'k', algorithm: 'hmac-md5', secret: SECRET } }, 'CONFIG_INVALID', `${P}.tsig.algorithm`);
  assert.ok((e.diagnosis.evidence['allowed'] as string[]).includes('hmac-sha256'));
});

void test('a secret that is not base64 is CONFIG_INVALID, without the secret in the evidence', () => {
  for (const bad of ['', 'abc', 'abc$defg', 'YWJj ZGVm', 'YWJjZA=', 'YWJjZGVm\n', 'a===']) {
    const e = fails({ server: '127.0.0.1', tsig: { name: 'k', secret: bad } }, 'CONFIG_INVALID', `${P}.tsig.secret`);
    if (bad.length > 0) assert.ok(!JSON.stringify(e.diagnosis).includes(bad), bad);
  }
});

void test('padded and unpadded-length-multiple base64 secrets are accepted', () => {
  for (const ok of ['YWJj', 'YWJjZA==', 'YWJjZGU=', '+/+/'])
    assert.ok(rfc2136Manifest.parse({ server: '127.0.0.1', tsig: { name: 'k', secret: ok } }, P).key !== undefined, ok);
});

void test('a bad server is CONFIG_INVALID at .server', () => {
  fails({ server: '127.0.0.1:0' }, 'CONFIG_INVALID', `${P}.server`);
  fails({ server: '[::1' }, 'CONFIG_INVALID', `${P}.server`);
  fails({ server: '127.0.0.256' }, 'CONFIG_INVALID', `${P}.server`);
});
