import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse } from '../../http/types.ts';
import { dmeFailure, skewVerdict, throttleVerdict } from './errors.ts';
import { quoteTxt, unquoteTxt } from './txt.ts';

const res = (status: number, error: string[], headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  links: [],
  body: Buffer.from(JSON.stringify({ error })),
  url: 'https://api.dnsmadeeasy.com/V2.0/dns/managed/',
  attempts: 1,
});

const SKEW = 'Request sent with date header too far out of sync.  Difference in times is -37706, header value is 1481561931000';

test('the skew answer is skew; its body is read only when there is no Date header', () => {
  assert.deepEqual(skewVerdict(res(400, [SKEW], { date: 'Mon, 12 Dec 2016 16:59:09 GMT' })), { skew: true });
  assert.deepEqual(skewVerdict(res(400, [SKEW])), { skew: true, serverTimeMs: 1481561931000 + 37706 });
  assert.deepEqual(skewVerdict(res(403, ['Unable to verify HMAC'])), { skew: false });
  assert.deepEqual(skewVerdict(res(400, ['Record already exists.'])), { skew: false });
});

test('HMAC failures and 401/403 are PROVIDER_AUTH, never retryable; 5xx is retryable', () => {
  for (const r of [res(403, ['Unable to verify HMAC']), res(400, ['Unable to verify HMAC']), res(403, ['API key not found']), res(401, [])]) {
    const e = dmeFailure('listRecords', r);
    assert.equal(e.code, 'PROVIDER_AUTH');
    assert.equal(e.diagnosis.retryable, false);
  }
  assert.equal(dmeFailure('x', res(502, [])).diagnosis.retryable, true);
  assert.equal(dmeFailure('x', res(400, ['bad'])).code, 'PROVIDER_REJECTED');
});

test('"Rate limit exceeded" (400) is throttling, HTTP_RATE_LIMITED if it outlasts the retries; an HTML page is HTTP_STATUS', () => {
  assert.equal(throttleVerdict(res(400, ['Rate limit exceeded'])), 'Rate limit exceeded');
  assert.equal(throttleVerdict(res(400, ['Record already exists.'])), undefined);
  assert.equal(dmeFailure('createRecord', res(400, ['Rate limit exceeded'])).code, 'HTTP_RATE_LIMITED');
  const page: HttpResponse = { status: 502, headers: { 'content-type': 'text/html' }, links: [], body: Buffer.from('<html><head><title>502 Bad Gateway</title></head></html>'), url: 'https://api.dnsmadeeasy.com/V2.0/x', attempts: 1 };
  const e = dmeFailure('listRecords', page);
  assert.equal(e.code, 'HTTP_STATUS');
  assert.equal(e.diagnosis.evidence['detail'], '502 Bad Gateway');
});

test('TXT values are stored quoted and read back exactly', () => {
  for (const t of ['plain', 'say "hi"', 'back\\slash', '']) assert.equal(unquoteTxt(quoteTxt(t)), t);
  assert.equal(quoteTxt('say "hi"'), '"say \\"hi\\""');
  assert.equal(unquoteTxt('"ab" "cd"'), 'abcd');
  assert.equal(unquoteTxt('unquoted'), 'unquoted');
});
