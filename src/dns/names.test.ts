import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { absoluteName, isInZone, normalizeName, parentName, relativeName } from './names.ts';

function invalid(fn: () => unknown, reason: string, extra: Record<string, unknown> = {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'NAME_INVALID');
    assert.equal(e.diagnosis.evidence['reason'], reason);
    for (const [k, v] of Object.entries(extra)) assert.deepEqual(e.diagnosis.evidence[k], v, k);
    return true;
  });
}

void test('normalizeName: lower-case, absolute, trailing dot optional, whitespace trimmed', () => {
  assert.equal(normalizeName('WWW.Example.COM'), 'www.example.com.');
  assert.equal(normalizeName('www.example.com.'), 'www.example.com.');
  assert.equal(normalizeName('  example.com \n'), 'example.com.');
  assert.equal(normalizeName('localhost'), 'localhost.');
});

void test('normalizeName: underscores and a leftmost wildcard are allowed', () => {
  assert.equal(normalizeName('_acme-challenge.Example.com'), '_acme-challenge.example.com.');
  assert.equal(normalizeName('*.example.com'), '*.example.com.');
  assert.equal(normalizeName('_dmarc.sub-1.example.com.'), '_dmarc.sub-1.example.com.');
});

void test('normalizeName: IDN labels become punycode, ASCII labels are untouched', () => {
  assert.equal(normalizeName('ünïcode.example'), 'xn--ncode-cta3g.example.');
  assert.equal(normalizeName('ÜNÏCODE.Example.'), 'xn--ncode-cta3g.example.');
  assert.equal(normalizeName('_acme-challenge.münchen.de'), '_acme-challenge.xn--mnchen-3ya.de.');
  assert.equal(normalizeName('*.bücher.example'), '*.xn--bcher-kva.example.');
  // IDNA full stops separate labels.
  assert.equal(normalizeName('例子。测试'), `${normalizeName('例子')}${normalizeName('测试')}`);
});

void test('normalizeName: empty', () => {
  invalid(() => normalizeName(''), 'empty');
  invalid(() => normalizeName('   '), 'empty');
  invalid(() => normalizeName('.'), 'empty');
});

void test('normalizeName: empty label', () => {
  invalid(() => normalizeName('a..b'), 'empty-label', { position: 2, name: 'a..b' });
  invalid(() => normalizeName('.example.com'), 'empty-label', { position: 0 });
  invalid(() => normalizeName('example.com..'), 'empty-label');
});

void test('normalizeName: a 63-octet label is fine, 64 is too long', () => {
  const l63 = 'a'.repeat(63);
  assert.equal(normalizeName(`${l63}.example`), `${l63}.example.`);
  invalid(() => normalizeName(`x.${'b'.repeat(64)}.example`), 'label-too-long', { label: 'b'.repeat(64), position: 2 });
  // Punycode growth counts: 70 ü become a label of over 63 octets.
  invalid(() => normalizeName(`${'ü'.repeat(70)}.example`), 'label-too-long');
});

void test('normalizeName: 253 characters are fine, 254 are too long', () => {
  const l63 = 'a'.repeat(63);
  const n253 = `${l63}.${l63}.${l63}.${'b'.repeat(61)}`;
  assert.equal(n253.length, 253);
  assert.equal(normalizeName(n253), `${n253}.`);
  assert.equal(normalizeName(`${n253}.`), `${n253}.`);
  const n254 = `${l63}.${l63}.${l63}.${'b'.repeat(62)}`;
  invalid(() => normalizeName(n254), 'name-too-long', { length: 254, max: 253 });
  invalid(() => normalizeName(`${n254}.`), 'name-too-long');
});

void test('normalizeName: wildcard only as the entire leftmost label', () => {
  invalid(() => normalizeName('a.*.b'), 'wildcard-not-leftmost', { position: 2 });
  invalid(() => normalizeName('example.*'), 'wildcard-not-leftmost');
  invalid(() => normalizeName('*a.example.com'), 'invalid-character', { character: '*', position: 0 });
  invalid(() => normalizeName('a*.example.com'), 'invalid-character', { character: '*', position: 1 });
});

void test('normalizeName: invalid characters are named with their index', () => {
  invalid(() => normalizeName('exa mple.com'), 'invalid-character', { character: ' ', position: 3 });
  invalid(() => normalizeName('www.exa$mple.com'), 'invalid-character', { character: '$', position: 7, label: 'exa$mple' });
  invalid(() => normalizeName('a/b.example'), 'invalid-character', { character: '/' });
  invalid(() => normalizeName('a\\.b.example'), 'invalid-character', { character: '\\' });
});

void test('normalizeName: IDN that IDNA rejects', () => {
  invalid(() => normalizeName('a\u200db.example'), 'idn-invalid', { position: 0 });
  invalid(() => normalizeName('ok.\u0000ü.example'), 'idn-invalid', { position: 3 });
});

void test('relativeName', () => {
  assert.equal(relativeName('example.com.', 'example.com'), '@');
  assert.equal(relativeName('Example.COM', 'example.com.'), '@');
  assert.equal(relativeName('www.example.com', 'example.com'), 'www');
  assert.equal(relativeName('_acme-challenge.a.b.example.com.', 'Example.com'), '_acme-challenge.a.b');
  assert.equal(relativeName('*.example.com', 'example.com'), '*');
  assert.equal(relativeName('www.example.com', '.'), 'www.example.com');
  invalid(() => relativeName('www.example.org', 'example.com'), 'outside-zone', { name: 'www.example.org.', zone: 'example.com.' });
  // A suffix that is not on a label boundary is not inside.
  invalid(() => relativeName('badexample.com', 'example.com'), 'outside-zone');
  invalid(() => relativeName('example.com', 'www.example.com'), 'outside-zone');
});

void test('absoluteName', () => {
  assert.equal(absoluteName('@', 'Example.com'), 'example.com.');
  assert.equal(absoluteName('', 'example.com.'), 'example.com.');
  assert.equal(absoluteName('www', 'example.com'), 'www.example.com.');
  assert.equal(absoluteName('_acme-challenge.A', 'example.com'), '_acme-challenge.a.example.com.');
  assert.equal(absoluteName('*', 'example.com'), '*.example.com.');
  assert.equal(absoluteName('WWW.example.com.', 'example.com'), 'www.example.com.');
  assert.equal(absoluteName('example.com.', 'example.com'), 'example.com.');
  invalid(() => absoluteName('www.example.org.', 'example.com'), 'outside-zone');
  invalid(() => absoluteName('a..b', 'example.com'), 'empty-label');
});

void test('isInZone', () => {
  assert.equal(isInZone('www.example.com', 'example.com'), true);
  assert.equal(isInZone('example.com.', 'EXAMPLE.com'), true);
  assert.equal(isInZone('badexample.com', 'example.com'), false);
  assert.equal(isInZone('example.com', 'www.example.com'), false);
  assert.equal(isInZone('example.com', '.'), true);
  invalid(() => isInZone('a..b', 'example.com'), 'empty-label');
});

void test('parentName', () => {
  assert.equal(parentName('www.Example.com'), 'example.com.');
  assert.equal(parentName('example.com.'), 'com.');
  assert.equal(parentName('com.'), '.');
  assert.equal(parentName('.'), undefined);
  assert.equal(parentName('*.example.com'), 'example.com.');
});
