import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { exitStatusFor } from '../core/codes.ts';
import { generateSecretKey, parseSecretKey, SecretKey } from './key.ts';

const BYTES = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

test('the key id is the first 8 hex digits of SHA-256 of the key', () => {
  assert.equal(new SecretKey(Buffer.alloc(32)).id, '66687aad');
  assert.equal(new SecretKey(BYTES).id, createHash('sha256').update(BYTES).digest('hex').slice(0, 8));
  assert.equal(new SecretKey(BYTES).id, '630dcd29');
});

test('hex, base64, base64url, with or without padding and surrounding whitespace, all parse to the same key', () => {
  const forms = [
    BYTES.toString('hex'),
    BYTES.toString('hex').toUpperCase(),
    BYTES.toString('base64'),
    BYTES.toString('base64').replace(/=$/, ''),
    BYTES.toString('base64url'),
    `  ${BYTES.toString('base64')}\n`,
  ];
  for (const text of forms) assert.ok(parseSecretKey(text, 'test').bytes().equals(BYTES), text);
});

test('anything else is SECRET_KEY_INVALID, a config error (exit 2), naming the source and never the text', () => {
  const bad = [
    '',
    '   ',
    BYTES.subarray(0, 31).toString('hex'),
    Buffer.concat([BYTES, Buffer.from([1])]).toString('hex'),
    BYTES.subarray(0, 31).toString('base64'),
    Buffer.concat([BYTES, Buffer.from([1])]).toString('base64'),
    `${BYTES.toString('hex').slice(0, 63)}g`,
    'correct horse battery staple correct horse!',
    `${BYTES.toString('base64').slice(0, 42)}B=`, // stray bits: not canonical
    `${BYTES.toString('base64').slice(0, 20)}-${BYTES.toString('base64').slice(21, 30)}+${BYTES.toString('base64').slice(31)}`, // mixed alphabets
  ];
  for (const text of bad) {
    const e = throwsAppError(() => parseSecretKey(text, 'ZONEKEEPER_SECRET_KEY'), 'SECRET_KEY_INVALID', { source: 'ZONEKEEPER_SECRET_KEY' });
    if (text.trim() !== '') assert.ok(!JSON.stringify(e.diagnosis).includes(text.trim()), `the text reached the error: ${text}`);
  }
  assert.equal(exitStatusFor('SECRET_KEY_INVALID'), 2);
});

test('a key never shows its bytes in JSON, inspect or string form; its text form parses back', () => {
  const key = generateSecretKey();
  const b64 = key.bytes().toString('base64');
  const hex = key.bytes().toString('hex');
  for (const shown of [JSON.stringify({ key }), inspect(key), String(key), inspect({ nested: { key } })]) {
    assert.ok(!shown.includes(b64) && !shown.includes(hex), shown);
    assert.ok(shown.includes(key.id), shown);
  }
  assert.ok(parseSecretKey(key.toText(), 'f').bytes().equals(key.bytes()));
  assert.notEqual(generateSecretKey().id, key.id);
  assert.throws(() => new SecretKey(Buffer.alloc(16)), RangeError);
});
