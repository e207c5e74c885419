import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tencentFailure } from './errors.ts';

test('vendor codes map to our codes by Code alone, whatever the Message', () => {
  const cases: [string, string, boolean][] = [
    ['AuthFailure.SignatureFailure', 'PROVIDER_AUTH', false],
    ['AuthFailure.SecretIdNotFound', 'PROVIDER_AUTH', false],
    ['AuthFailure.InvalidSecretId', 'PROVIDER_AUTH', false],
    ['AuthFailure.TokenFailure', 'PROVIDER_AUTH', false],
    ['UnauthorizedOperation', 'PROVIDER_PERMISSION', false],
    ['AuthFailure.UnauthorizedOperation', 'PROVIDER_PERMISSION', false],
    ['RequestLimitExceeded', 'HTTP_RATE_LIMITED', true],
    ['InternalError', 'PROVIDER_REJECTED', true],
    ['InvalidParameter.RecordIdInvalid', 'PROVIDER_REJECTED', false],
  ];
  for (const [vendor, code, retryable] of cases) {
    const e = tencentFailure('CreateRecord', { code: vendor, message: '签名过期 / anything', requestId: 'r-1' });
    assert.equal(e.code, code, vendor);
    assert.equal(e.diagnosis.retryable, retryable, vendor);
    assert.equal(e.diagnosis.evidence['vendorCode'], vendor);
    assert.equal(e.diagnosis.evidence['action'], 'CreateRecord');
  }
});
