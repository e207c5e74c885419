/** Secret values: their forms, groups, censoring, and the spellings of a key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CENSORED, keyTextForms, SecretValues, secretForms } from './secret-values.ts';

test('forms: raw, JSON-escaped, base64 (padded and not), base64url, hex; short ones skipped', () => {
  const v = 'pa"ss\\word-1';
  const b = Buffer.from(v);
  assert.deepEqual(new Set(secretForms(v)), new Set([v, 'pa\\"ss\\\\word-1', b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), b.toString('hex')]));
  const s = new SecretValues();
  s.set('g', ['abc', undefined, '']);
  assert.equal(s.size, 0);
});

test('censor: every form, the longest first; a replaced group forgets its old values', () => {
  const s = new SecretValues();
  s.set('a', ['secret-one', 'secret-one-and-more']);
  s.set('b', ['other-value']);
  assert.equal(s.censor(`x secret-one-and-more y ${Buffer.from('other-value').toString('hex')} z secret-one`), `x ${CENSORED} y ${CENSORED} z ${CENSORED}`);
  s.set('a', []);
  assert.equal(s.censor('secret-one other-value'), `secret-one ${CENSORED}`);
});

test('a key in hex or base64 is censored in every spelling of its bytes', () => {
  const bytes = randomBytes(32);
  for (const text of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), ` ${bytes.toString('hex').toUpperCase()}\n`]) {
    const f = keyTextForms(text);
    for (const spelling of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) assert.ok(f.includes(spelling), `${text} → ${spelling}`);
  }
  assert.deepEqual(keyTextForms('not a key at all'), ['not a key at all']);
  assert.deepEqual(keyTextForms(undefined), []);
});
