import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean } from './did-you-mean.ts';

const TOP = ['clock', 'dns', 'providers', 'ddns', 'certificates'];

void test('one or two typos find the intended word', () => {
  assert.equal(didYouMean('provders', TOP), 'providers');
  assert.equal(didYouMean('provdiers', TOP), 'providers');
  assert.equal(didYouMean('certificate', TOP), 'certificates');
  assert.equal(didYouMean('clokc', TOP), 'clock');
  assert.equal(didYouMean('rfc2163', ['rfc2136']), 'rfc2136');
});

void test('case is ignored and the candidate is returned as spelt in the list', () => {
  assert.equal(didYouMean('PROVIDERS', TOP), 'providers');
  assert.equal(didYouMean('secretkey', ['secretKey', 'secretId']), 'secretKey');
});

void test('the closest candidate wins; a tie goes to the first listed', () => {
  assert.equal(didYouMean('dnss', TOP), 'dns');
  assert.equal(didYouMean('ab', ['ax', 'ay']), 'ax');
  assert.equal(didYouMean('ab', ['ay', 'ax']), 'ay');
});

void test('nothing close enough: no suggestion', () => {
  assert.equal(didYouMean('zzzzzzzz', TOP), undefined);
  assert.equal(didYouMean('anything', []), undefined);
  assert.equal(didYouMean('server', ['tsig', 'zone', 'timeout']), undefined);
});

void test('the allowed distance grows with the length of the input', () => {
  // 3 edits: too many for a 6-letter word, fine for a 12-letter one.
  assert.equal(didYouMean('abcxyz', ['abcdef']), undefined);
  assert.equal(didYouMean('certificaxyz', ['certificates']), 'certificates');
});

void test('a candidate that shares nothing with the input is never suggested', () => {
  assert.equal(didYouMean('zz', ['ca']), undefined);
  assert.equal(didYouMean('x', ['ca', 'y']), undefined);
  assert.equal(didYouMean('', ['ca']), undefined);
  assert.equal(didYouMean('c', ['ca']), 'ca');
});
