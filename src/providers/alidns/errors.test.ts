import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alidnsFailure } from './errors.ts';

test('vendor codes map to our codes by Code alone, whatever the Message', () => {
  const cases: [string, string, boolean][] = [
    ['SignatureDoesNotMatch', 'PROVIDER_AUTH', false],
    ['InvalidAccessKeyId.NotFound', 'PROVIDER_AUTH', false],
    ['InvalidAccessKeyId.Inactive', 'PROVIDER_AUTH', false],
    ['Forbidden.RAM', 'PROVIDER_PERMISSION', false],
    ['NoPermission', 'PROVIDER_PERMISSION', false],
    ['Throttling', 'HTTP_RATE_LIMITED', true],
    ['Throttling.User', 'HTTP_RATE_LIMITED', true],
    ['InternalError', 'PROVIDER_REJECTED', true],
    ['DomainRecordNotBelongToUser', 'PROVIDER_REJECTED', false],
  ];
  for (const [vendor, code, retryable] of cases) {
    const e = alidnsFailure('AddDomainRecord', { code: vendor, message: '签名 / anything', requestId: 'r-1', status: 400 });
    assert.equal(e.code, code, vendor);
    assert.equal(e.diagnosis.retryable, retryable, vendor);
    assert.equal(e.diagnosis.evidence['vendorCode'], vendor);
    assert.equal(e.diagnosis.evidence['action'], 'AddDomainRecord');
  }
});

test('the server string to sign echoed by SignatureDoesNotMatch is not kept', () => {
  const e = alidnsFailure('DescribeDomains', { code: 'SignatureDoesNotMatch', message: 'server string to sign is:GET&%2F&AccessKeyId%3DLTAI', status: 400 });
  assert.ok(!JSON.stringify(e.diagnosis.evidence).includes('LTAI'));
});
