import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSkew, route53ErrorOf, route53Failure, serverNowOf } from './errors.ts';

const doc = (code: string, message: string): string =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

test('the skew form of SignatureDoesNotMatch, with the server NOW', () => {
  const expired = route53ErrorOf(doc('SignatureDoesNotMatch', 'Signature expired: 20191218T101837Z is now earlier than 20191218T102749Z (20191218T103249Z - 5 min.)'), 403);
  assert.equal(isSkew(expired), true);
  assert.equal(serverNowOf(expired?.message ?? ''), Date.UTC(2019, 11, 18, 10, 32, 49));
  const future = route53ErrorOf(doc('SignatureDoesNotMatch', 'Signature not yet current: 20190305T002809Z is still later than 20190304T214315Z (20190304T213815Z + 5 min.)'), 403);
  assert.equal(isSkew(future), true);
  assert.equal(serverNowOf(future?.message ?? ''), Date.UTC(2019, 2, 4, 21, 38, 15));
});

test('vendor codes map to zonekeeper codes', () => {
  const wrong = route53ErrorOf(doc('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'), 403);
  assert.ok(wrong !== undefined);
  assert.equal(isSkew(wrong), false);
  assert.equal(route53Failure('x', wrong).code, 'PROVIDER_AUTH');
  assert.equal(route53Failure('x', { code: 'InvalidClientTokenId', message: '', status: 403 }).code, 'PROVIDER_AUTH');
  assert.equal(route53Failure('x', { code: 'AccessDenied', message: '', status: 403 }).code, 'PROVIDER_PERMISSION');
  assert.equal(route53Failure('x', { code: 'Throttling', message: '', status: 400 }).code, 'HTTP_RATE_LIMITED');
  assert.equal(route53Failure('x', { code: 'NoSuchHostedZone', message: '', status: 404 }).code, 'ZONE_NOT_FOUND');
  const batch = route53ErrorOf('<InvalidChangeBatch xmlns="x"><Messages><Message>Tried to delete</Message></Messages><RequestId>r</RequestId></InvalidChangeBatch>', 400);
  assert.equal(batch?.code, 'InvalidChangeBatch');
  assert.equal(route53ErrorOf('<html>bad gateway</html>', 502), undefined);
});
