import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpStatusError } from './status-error.ts';
import type { HttpResponse } from './types.ts';

function res(status: number, url = 'https://api.test/v1/zones?token=t0ps3cret'): HttpResponse {
  return { status, headers: {}, links: [], body: Buffer.alloc(0), url, attempts: 1 };
}

test('HTTP_STATUS names the URL and status, masks secrets, says whether a retry may help', () => {
  const e = httpStatusError(res(404), { detail: 'zone example.com not found for key k3y-s3cret-value', secrets: ['k3y-s3cret-value'] });
  assert.equal(e.code, 'HTTP_STATUS');
  assert.equal(e.diagnosis.evidence['status'], 404);
  assert.equal(e.diagnosis.retryable, false);
  const text = JSON.stringify(e.diagnosis);
  assert.ok(!text.includes('t0ps3cret') && !text.includes('k3y-s3cret-value'), text);
  assert.equal(httpStatusError(res(502)).diagnosis.retryable, true);
  const detail = httpStatusError(res(500), { detail: 'x'.repeat(1000) }).diagnosis.evidence['detail'];
  assert.ok(typeof detail === 'string' && detail.length === 301);
});
