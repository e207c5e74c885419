import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { rdataFromText, rdataToText } from './rdata.ts';
import {
  CLASS,
  FLAG,
  OPCODE,
  RCODE,
  TYPE,
  decodeMessage,
  decodeName,
  encodeCanonicalName,
  encodeMessage,
  encodeName,
  labelsToName,
  makeFlags,
  nameToLabels,
  opcodeOf,
  rcodeOf,
  type Message,
} from './wire.ts';

function malformed(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'DNS_MALFORMED');
}

const sample: Message = {
  id: 0xbeef,
  flags: makeFlags({ qr: true, opcode: OPCODE.QUERY, aa: true, rd: true, rcode: RCODE.NXDOMAIN }),
  questions: [{ name: 'www.example.test.', type: TYPE.A, class: CLASS.IN }],
  answers: [
    { name: 'www.example.test.', type: TYPE.CNAME, class: CLASS.IN, ttl: 60, rdata: rdataFromText(TYPE.CNAME, 'web.example.test.') },
    { name: 'web.example.test.', type: TYPE.A, class: CLASS.IN, ttl: 300, rdata: rdataFromText(TYPE.A, '192.0.2.1') },
  ],
  authorities: [
    {
      name: 'example.test.',
      type: TYPE.SOA,
      class: CLASS.IN,
      ttl: 30,
      rdata: Buffer.concat([encodeName('ns.example.test.'), encodeName('hostmaster.example.test.'), Buffer.alloc(20, 1)]),
    },
  ],
  additionals: [{ name: 'web.example.test.', type: TYPE.TXT, class: CLASS.IN, ttl: 0, rdata: rdataFromText(TYPE.TXT, '"a" "b c"') }],
};

void test('flags helpers', () => {
  const f = makeFlags({ qr: true, opcode: OPCODE.UPDATE, aa: true, rd: false, rcode: RCODE.REFUSED });
  assert.equal(opcodeOf(f), OPCODE.UPDATE);
  assert.equal(rcodeOf(f), RCODE.REFUSED);
  assert.equal(f & FLAG.QR, FLAG.QR);
  assert.equal(f & FLAG.AA, FLAG.AA);
  assert.equal(f & FLAG.RD, 0);
});

void test('message round trip', () => {
  const wire = encodeMessage(sample);
  const back = decodeMessage(wire);
  assert.equal(back.id, 0xbeef);
  assert.equal(back.flags, sample.flags);
  assert.deepEqual(back.questions, sample.questions);
  const shape = (rrs: Message['answers']): unknown[] => rrs.map((r) => ({ ...r, rdata: Buffer.from(r.rdata).toString('hex') }));
  assert.deepEqual(shape(back.answers), shape(sample.answers));
  assert.deepEqual(shape(back.authorities), shape(sample.authorities));
  assert.deepEqual(shape(back.additionals), shape(sample.additionals));
  assert.equal(rdataToText(TYPE.TXT, back.additionals[0]?.rdata ?? new Uint8Array()), '"a" "b c"');
  assert.equal(back.authorities[0]?.rdata.length, sample.authorities[0]?.rdata.length);
  assert.ok(encodeMessage(back).equals(wire), 're-encoding gives the same bytes');
  assert.equal(back.tsigOffset, undefined);
});

/** A response with name compression, as servers send it. */
function compressed(): Buffer {
  const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]);
  const q = Buffer.concat([encodeName('www.example.test.'), Buffer.from([0, 1, 0, 1])]); // name at offset 12
  // CNAME www -> "web" + pointer to example.test (offset 12 + 4 = 16)
  const cnameRdata = Buffer.from([3, 0x77, 0x65, 0x62, 0xc0, 16]);
  const rr1 = Buffer.concat([Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, cnameRdata.length]), cnameRdata]);
  const rr1Offset = 12 + q.length;
  // A record owned by the CNAME target, named by a pointer into rr1's rdata.
  const rr2 = Buffer.from([0xc0, rr1Offset + 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 192, 0, 2, 1]);
  return Buffer.concat([header, q, rr1, rr2]);
}

void test('compression pointers are followed and RDATA names expanded', () => {
  const m = decodeMessage(compressed());
  assert.equal(m.answers[0]?.name, 'www.example.test.');
  assert.equal(rdataToText(TYPE.CNAME, m.answers[0]?.rdata ?? new Uint8Array()), 'web.example.test.');
  assert.ok(Buffer.from(m.answers[0]?.rdata ?? []).equals(encodeName('web.example.test.')), 'rdata is uncompressed');
  assert.equal(m.answers[1]?.name, 'web.example.test.');
  assert.equal(m.answers[1]?.ttl, 256);
});

void test('compression pointer loops are rejected', () => {
  const self = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  malformed(() => decodeMessage(self));
  // Two pointers pointing at each other.
  const pair = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 14, 0xc0, 12, 0, 1, 0, 1])]);
  malformed(() => decodeMessage(pair));
  malformed(() => decodeName(Buffer.from([0xc0, 0]), 0));
});

void test('truncated messages are DNS_MALFORMED at every cut', () => {
  malformed(() => decodeMessage(Buffer.alloc(11)));
  const wire = encodeMessage(sample);
  for (let cut = 12; cut < wire.length; cut++) malformed(() => decodeMessage(wire.subarray(0, cut)));
  const c = compressed();
  for (let cut = 12; cut < c.length; cut++) malformed(() => decodeMessage(c.subarray(0, cut)));
});

void test('bad label types, pointers past the end and bad SOA/MX rdata', () => {
  malformed(() => decodeName(Buffer.from([0x40, 0]), 0));
  malformed(() => decodeName(Buffer.from([0xc0, 0xff]), 0));
  malformed(() => decodeName(Buffer.from([0xc0]), 0));
  const badSoa = encodeMessage({ ...sample, authorities: [{ ...(sample.authorities[0] as Message['authorities'][0]), rdata: Buffer.concat([encodeName('a.'), encodeName('b.'), Buffer.alloc(19)]) }] });
  malformed(() => decodeMessage(badSoa));
  const badMx = encodeMessage({ ...sample, additionals: [{ name: 'x.', type: TYPE.MX, class: CLASS.IN, ttl: 0, rdata: Buffer.from([0, 1]) }] });
  malformed(() => decodeMessage(badMx));
  const trailing = encodeMessage({ ...sample, additionals: [{ name: 'x.', type: TYPE.NS, class: CLASS.IN, ttl: 0, rdata: Buffer.concat([encodeName('a.'), Buffer.from([1])]) }] });
  malformed(() => decodeMessage(trailing));
});

void test('name limits: 63-octet labels, 255-octet names', () => {
  assert.equal(encodeName(`${'a'.repeat(63)}.test.`).length, 63 + 1 + 5 + 1);
  malformed(() => encodeName(`${'a'.repeat(64)}.test.`));
  const l63 = 'a'.repeat(63);
  const n255 = `${l63}.${l63}.${l63}.${'b'.repeat(61)}.`; // 64*3 + 62 + 1 = 255 octets
  assert.equal(encodeName(n255).length, 255);
  malformed(() => encodeName(`${l63}.${l63}.${l63}.${'b'.repeat(62)}.`));
  malformed(() => encodeName('a..b.'));
  // A name longer than 255 octets built from pointers is rejected on decode too.
  const parts = [Buffer.alloc(12)];
  const label = Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)]);
  for (let i = 0; i < 5; i++) parts.push(label);
  parts.push(Buffer.from([0]));
  malformed(() => decodeName(Buffer.concat(parts), 12));
});

void test('escapes in presentation names', () => {
  const labels = nameToLabels('a\\.b.c\\032d.');
  assert.deepEqual(labels.map((l) => Buffer.from(l).toString('latin1')), ['a.b', 'c d']);
  assert.equal(labelsToName(labels), 'a\\.b.c\\032d.');
  assert.equal(labelsToName([]), '.');
  assert.deepEqual(nameToLabels('.'), []);
  malformed(() => nameToLabels('a\\'));
  malformed(() => nameToLabels('a\\999.b'));
});

void test('canonical names are lower-cased', () => {
  assert.ok(encodeCanonicalName('WwW.Example.TEST.').equals(encodeName('www.example.test.')));
});

void test('a TSIG RR last in the additional section is located', () => {
  const tsig = { name: 'key.', type: TYPE.TSIG, class: CLASS.ANY, ttl: 0, rdata: Buffer.alloc(8) };
  const wire = encodeMessage({ ...sample, additionals: [tsig] });
  const m = decodeMessage(wire);
  assert.equal(m.tsigOffset, wire.length - (encodeName('key.').length + 10 + 8));
});
