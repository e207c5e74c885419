import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse } from '../../http/types.ts';
import { cloudflareFailure, parseEnvelope } from './errors.ts';

const res = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: {},
  links: [],
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  url: 'https://api.cloudflare.com/client/v4/zones',
  attempts: 1,
});
const env = (code: number, message = 'm') => ({ success: false, errors: [{ code, message }], messages: [], result: null });
const codeOf = (status: number, body: unknown, write = false): string => {
  const r = res(status, body);
  return cloudflareFailure(r, parseEnvelope(r), 'dns_records.create', write, ['tok']).code;
};

void test('credential failures are PROVIDER_AUTH', () => {
  assert.equal(codeOf(401, env(10000)), 'PROVIDER_AUTH');
  assert.equal(codeOf(403, env(9109)), 'PROVIDER_AUTH');
  assert.equal(codeOf(400, env(6003)), 'PROVIDER_AUTH');
  assert.equal(codeOf(400, env(6111)), 'PROVIDER_AUTH');
  assert.equal(codeOf(403, env(10000), false), 'PROVIDER_AUTH');
});

void test('a valid token without the permission is PROVIDER_PERMISSION with the action', () => {
  const r = res(403, env(10000, 'Authentication error'));
  const e = cloudflareFailure(r, parseEnvelope(r), 'dns_records.create', true, []);
  assert.equal(e.code, 'PROVIDER_PERMISSION');
  assert.equal(e.diagnosis.evidence['action'], 'dns_records.create');
  assert.equal(e.diagnosis.evidence['vendorCode'], '10000');
});

void test('other failures are HTTP_STATUS (garbage at a failure status too); garbage in a 2xx is PROVIDER_RESPONSE_INVALID', () => {
  assert.equal(codeOf(400, env(9000)), 'HTTP_STATUS');
  assert.equal(codeOf(502, '<html>bad gateway</html>'), 'HTTP_STATUS');
  assert.equal(codeOf(200, '{"success":tru'), 'PROVIDER_RESPONSE_INVALID');
  assert.equal(parseEnvelope(res(200, '[]')), undefined);
});
