import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteTxt, unquoteTxt } from './txt.ts';

test('TXT values are quoted with escapes and round-trip', () => {
  assert.equal(quoteTxt('v'), '"v"');
  assert.equal(quoteTxt('a "q" \\ b'), '"a \\"q\\" \\\\ b"');
  assert.equal(quoteTxt(''), '""');
  for (const s of ['v', 'a "q" \\ b', '', 'é'.repeat(200), 'x'.repeat(600)]) assert.equal(unquoteTxt(quoteTxt(s)), s);
});

test('long values are split into 255-byte strings', () => {
  const q = quoteTxt('x'.repeat(600));
  assert.equal(q, `"${'x'.repeat(255)}" "${'x'.repeat(255)}" "${'x'.repeat(90)}"`);
  assert.equal(unquoteTxt('"ab" "cd"'), 'abcd');
  assert.equal(unquoteTxt('plain'), 'plain');
});
