import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInvisibleCharacter } from './invisible.ts';

void test('a clean secret, an empty string and inner plain spaces pass', () => {
  assert.equal(findInvisibleCharacter('c2VjcmV0LWtleS1tYXRlcmlhbA=='), undefined);
  assert.equal(findInvisibleCharacter(''), undefined);
  assert.equal(findInvisibleCharacter('correct horse battery staple'), undefined);
  assert.equal(findInvisibleCharacter('pässwörd-密钥-😀'), undefined);
});

void test('a plain space counts at either end only', () => {
  assert.deepEqual(findInvisibleCharacter(' abc'), { codePoint: 'U+0020', name: 'SPACE', position: 1, length: 4, where: 'leading' });
  assert.deepEqual(findInvisibleCharacter('abc '), { codePoint: 'U+0020', name: 'SPACE', position: 4, length: 4, where: 'trailing' });
  assert.equal(findInvisibleCharacter('a b c'), undefined);
});

void test('TAB, CR and LF are reported anywhere, with their names', () => {
  assert.deepEqual(findInvisibleCharacter('ab\tcd'), { codePoint: 'U+0009', name: 'TAB', position: 3, length: 5, where: 'inside' });
  assert.deepEqual(findInvisibleCharacter('abcd\n'), { codePoint: 'U+000A', name: 'LINE FEED', position: 5, length: 5, where: 'trailing' });
  assert.deepEqual(findInvisibleCharacter('abcd\r\n'), { codePoint: 'U+000D', name: 'CARRIAGE RETURN', position: 5, length: 6, where: 'inside' });
  assert.equal(findInvisibleCharacter('\u0000x')?.name, 'CONTROL CHARACTER');
  assert.equal(findInvisibleCharacter('x\u007fy')?.codePoint, 'U+007F');
  assert.equal(findInvisibleCharacter('x\u0085y')?.codePoint, 'U+0085');
});

void test('zero-width space, BOM and no-break space are found inside and at the ends', () => {
  assert.deepEqual(findInvisibleCharacter('abc\u200Bdef'), { codePoint: 'U+200B', name: 'ZERO WIDTH SPACE', position: 4, length: 7, where: 'inside' });
  assert.deepEqual(findInvisibleCharacter('\uFEFFabc'), { codePoint: 'U+FEFF', name: 'ZERO WIDTH NO-BREAK SPACE (BOM)', position: 1, length: 4, where: 'leading' });
  assert.deepEqual(findInvisibleCharacter('ab\u00A0c'), { codePoint: 'U+00A0', name: 'NO-BREAK SPACE', position: 3, length: 4, where: 'inside' });
});

void test('positions count characters: an astral character before the culprit counts as one', () => {
  const r = findInvisibleCharacter('😀😀\u200Bx');
  assert.equal(r?.position, 3);
  assert.equal(r?.length, 4);
  assert.equal(r?.where, 'inside');
});

void test('the first offending character is the one reported', () => {
  const r = findInvisibleCharacter('a\u200Cb\u200Dc ');
  assert.equal(r?.codePoint, 'U+200C');
  assert.equal(r?.position, 2);
});

void test('other spaces and invisible code points are caught too, named by kind', () => {
  assert.equal(findInvisibleCharacter('a\u2003b')?.name, 'SPACE (typographic)');
  assert.equal(findInvisibleCharacter('a\u205Fb')?.name, 'MEDIUM MATHEMATICAL SPACE');
  assert.equal(findInvisibleCharacter('a\u3000b')?.name, 'IDEOGRAPHIC SPACE');
  assert.equal(findInvisibleCharacter('a\u00ADb')?.name, 'SOFT HYPHEN');
  assert.equal(findInvisibleCharacter('a\u2061b')?.name, 'INVISIBLE CHARACTER');
  assert.equal(findInvisibleCharacter('a\uFE0Fb')?.codePoint, 'U+FE0F');
  const tag = findInvisibleCharacter('ab\u{E0041}');
  assert.equal(tag?.codePoint, 'U+E0041');
  assert.equal(tag?.position, 3);
  assert.equal(tag?.where, 'trailing');
});

void test('the result never contains the value itself', () => {
  const secret = 'hunter2-secret\u200B';
  assert.ok(!JSON.stringify(findInvisibleCharacter(secret)).includes('hunter2'));
});
