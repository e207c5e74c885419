import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSignature, stringToSign } from './hmac.ts';

void test('the signed text is timestamp, method, URL and body on separate lines', () => {
  assert.equal(stringToSign('1700000000', 'POST', 'https://h/r', '{"a":1}'), '1700000000\nPOST\nhttps://h/r\n{"a":1}');
});

void test('HMAC-SHA256 and HMAC-SHA1 match the RFC 4231 / RFC 2202 test vectors (hex)', () => {
  // RFC 4231 test case 2 and RFC 2202 test case 2: key "Jefe".
  const text = 'what do ya want for nothing?';
  assert.equal(hmacSignature('sha256', 'Jefe', text), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  assert.equal(hmacSignature('sha1', 'Jefe', text), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
});
