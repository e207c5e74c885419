import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { bytesToIpv6, canonicalValue, ipv6ToBytes, parseTxt, rdataFromText, rdataToText, typeCode, typeName } from './rdata.ts';
import { TYPE } from './wire.ts';

function fails(fn: () => unknown, code = 'RECORD_INVALID'): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === code);
}

function roundTrip(type: number, text: string): string {
  return rdataToText(type, rdataFromText(type, text));
}

void test('type names and codes', () => {
  assert.equal(typeCode('a'), TYPE.A);
  assert.equal(typeCode('AAAA'), TYPE.AAAA);
  assert.equal(typeCode('TYPE65'), 65);
  assert.equal(typeName(TYPE.CAA), 'CAA');
  assert.equal(typeName(65), 'TYPE65');
  fails(() => typeCode('BOGUS'));
  fails(() => typeCode('TYPE70000'));
});

void test('A', () => {
  assert.equal(roundTrip(TYPE.A, ' 192.0.2.1 '), '192.0.2.1');
  assert.deepEqual([...rdataFromText(TYPE.A, '10.0.0.255')], [10, 0, 0, 255]);
  fails(() => rdataFromText(TYPE.A, '256.0.0.1'));
  fails(() => rdataFromText(TYPE.A, '2001:db8::1'));
});

void test('AAAA: RFC 5952 canonical output from any input spelling', () => {
  const cases: Array<[string, string]> = [
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // the longest run wins
  ];
  for (const [input, want] of cases) assert.equal(roundTrip(TYPE.AAAA, input), want, input);
  assert.equal(canonicalValue(TYPE.AAAA, '2001:DB8:0::1'), canonicalValue(TYPE.AAAA, '2001:db8::1'));
  assert.equal(bytesToIpv6(ipv6ToBytes('2001:db8::a:b')), '2001:db8::a:b');
  fails(() => rdataFromText(TYPE.AAAA, '192.0.2.1'));
  fails(() => rdataFromText(TYPE.AAAA, 'fe80::1%eth0'));
  fails(() => rdataFromText(TYPE.AAAA, '2001:db8:::1'));
});

void test('TXT: a plain value is one string of at most 255 octets', () => {
  assert.equal(roundTrip(TYPE.TXT, 'hello world'), 'hello world');
  const w = rdataFromText(TYPE.TXT, 'x'.repeat(255));
  assert.equal(w.length, 256);
  assert.equal(w[0], 255);
  fails(() => rdataFromText(TYPE.TXT, 'x'.repeat(256)));
  // UTF-8 octets count, not characters.
  fails(() => rdataFromText(TYPE.TXT, 'é'.repeat(128)));
});

void test('TXT: quoted strings make several chunks, each up to 255', () => {
  const long = `"${'a'.repeat(255)}" "${'b'.repeat(100)}"`;
  const w = rdataFromText(TYPE.TXT, long);
  assert.equal(w.length, 256 + 101);
  assert.equal(roundTrip(TYPE.TXT, long), long);
  fails(() => rdataFromText(TYPE.TXT, `"${'a'.repeat(256)}" "b"`));
  assert.deepEqual(
    parseTxt('"a\\"b" "c\\\\d" "\\065"').map((c) => c.toString('latin1')),
    ['a"b', 'c\\d', 'A'],
  );
  assert.equal(roundTrip(TYPE.TXT, '"v=spf1 -all"'), 'v=spf1 -all');
  fails(() => parseTxt('"unterminated'));
  fails(() => parseTxt('"a" b'));
});

void test('TXT: bytes that are not printable are escaped; bad chunk lengths are DNS_MALFORMED', () => {
  assert.equal(rdataToText(TYPE.TXT, Buffer.from([2, 0x22, 0x01])), '"\\"\\001"');
  fails(() => rdataToText(TYPE.TXT, Buffer.from([5, 0x61])), 'DNS_MALFORMED');
});

void test('names in rdata are absolute and lower-case', () => {
  assert.equal(roundTrip(TYPE.CNAME, 'Target.Example.TEST'), 'target.example.test.');
  assert.equal(roundTrip(TYPE.NS, 'ns1.example.test.'), 'ns1.example.test.');
  assert.equal(roundTrip(TYPE.MX, '10 Mail.Example.test'), '10 mail.example.test.');
  fails(() => rdataFromText(TYPE.CNAME, ''));
  fails(() => rdataFromText(TYPE.CNAME, 'a..b'));
  fails(() => rdataFromText(TYPE.MX, 'mail.example.test'));
  fails(() => rdataFromText(TYPE.MX, '70000 mail.example.test'));
});

void test('CAA', () => {
  assert.equal(roundTrip(TYPE.CAA, '0 issue "letsencrypt.org"'), '0 issue "letsencrypt.org"');
  assert.equal(roundTrip(TYPE.CAA, '128 iodef mailto:a@example.test'), '128 iodef "mailto:a@example.test"');
  fails(() => rdataFromText(TYPE.CAA, 'issue letsencrypt.org'));
});

void test('SOA presentation', () => {
  const b = Buffer.concat([rdataFromText(TYPE.NS, 'NS.example.test.'), rdataFromText(TYPE.NS, 'host.example.test.'), Buffer.alloc(20)]);
  b.writeUInt32BE(7, b.length - 20);
  assert.equal(rdataToText(TYPE.SOA, b), 'ns.example.test. host.example.test. 7 0 0 0 0');
});

void test('other types use the RFC 3597 generic form', () => {
  assert.equal(roundTrip(65, '\\# 3 0a0B0c'), '\\# 3 0a0b0c');
  assert.equal(roundTrip(65, '\\# 0'), '\\# 0');
  fails(() => rdataFromText(65, '\\# 4 0a0b0c'));
  fails(() => rdataFromText(65, 'something'));
  // Wrong-length A/AAAA data falls back to the generic form instead of lying.
  assert.equal(rdataToText(TYPE.A, Buffer.from([1, 2, 3])), '\\# 3 010203');
});
