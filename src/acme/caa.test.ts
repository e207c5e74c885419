import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caaAllows, parseCaa, type CaaRecord } from './caa.ts';

const rec = (text: string): CaaRecord => {
  const r = parseCaa(text);
  assert.ok(r, text);
  return r;
};

void test('parseCaa reads flags, tag and value', () => {
  assert.deepEqual(parseCaa('0 issue "letsencrypt.org"'), { critical: false, tag: 'issue', value: 'letsencrypt.org' });
  assert.deepEqual(parseCaa('128 tbs "x"'), { critical: true, tag: 'tbs', value: 'x' });
  assert.equal(parseCaa('garbage'), undefined);
});

void test('no issue property: any CA may issue', () => {
  assert.equal(caaAllows([rec('0 iodef "mailto:a@b.c"')], false, ['letsencrypt.org']), true);
});

void test('issue ";" forbids every CA, known identities or not', () => {
  assert.equal(caaAllows([rec('0 issue ";"')], false, undefined), false);
  assert.equal(caaAllows([rec('0 issue ";"')], false, ['letsencrypt.org']), false);
});

void test('a listed CA may issue, another may not; parameters after ";" are ignored', () => {
  const rs = [rec('0 issue "letsencrypt.org; validationmethods=dns-01"'), rec('0 issue "pki.goog"')];
  assert.equal(caaAllows(rs, false, ['letsencrypt.org']), true);
  assert.equal(caaAllows(rs, false, ['sectigo.com']), false);
  assert.equal(caaAllows(rs, false, undefined), undefined, 'unknown CA identity: the CA decides');
});

void test('issuewild governs wildcards when present, issue otherwise', () => {
  const rs = [rec('0 issue "letsencrypt.org"'), rec('0 issuewild ";"')];
  assert.equal(caaAllows(rs, false, ['letsencrypt.org']), true);
  assert.equal(caaAllows(rs, true, ['letsencrypt.org']), false);
  assert.equal(caaAllows([rec('0 issue "letsencrypt.org"')], true, ['letsencrypt.org']), true);
});

void test('an unknown critical property forbids issuance', () => {
  assert.equal(caaAllows([rec('128 future "x"'), rec('0 issue "letsencrypt.org"')], false, ['letsencrypt.org']), false);
});
