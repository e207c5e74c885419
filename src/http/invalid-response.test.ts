import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidResponseError } from './invalid-response.ts';
import { httpStatusError } from './status-error.ts';
import type { HttpResponse } from './types.ts';

function res(status: number, body: string, contentType: string): HttpResponse {
  return { status, headers: { 'content-type': contentType }, links: [], body: Buffer.from(body), url: 'https://api.test/v1/zones?Signature=abc', attempts: 1 };
}

test('PROVIDER_RESPONSE_INVALID: status, action, reason, a short redacted excerpt; retryable', () => {
  const e = invalidResponseError(res(200, '{"result":[{"id":"1","content":"key-s3cret-000', 'application/json'), { action: 'dns_records.list', reason: 'not JSON', secrets: ['key-s3cret-000'] });
  assert.equal(e.code, 'PROVIDER_RESPONSE_INVALID');
  assert.equal(e.diagnosis.retryable, true);
  const ev = e.diagnosis.evidence;
  assert.equal(ev['status'], 200);
  assert.equal(ev['action'], 'dns_records.list');
  assert.equal(ev['reason'], 'not JSON');
  assert.equal(ev['contentType'], 'application/json');
  assert.equal(ev['excerpt'], '{"result":[{"id":"1","content":"***');
  assert.ok(!JSON.stringify(e.diagnosis).includes('abc'), 'the URL signature is masked');
});

test('HTTP_STATUS without a caller detail shows the body: an HTML error page by its title', () => {
  const e = httpStatusError(res(502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'text/html'), { action: 'GET zone' });
  assert.equal(e.diagnosis.evidence['detail'], '502 Bad Gateway');
  assert.equal(e.diagnosis.evidence['action'], 'GET zone');
  assert.equal(e.diagnosis.retryable, true);
});
