import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersFor, authoritySoa, negativeTtl, rcodeName } from './answers.ts';
import { rdataFromText } from './rdata.ts';
import { CLASS, RCODE, TYPE, encodeName, type ResourceRecord } from './wire.ts';

function rr(name: string, type: number, value: string, ttl = 300, cls: number = CLASS.IN): ResourceRecord {
  return { name, type, class: cls, ttl, rdata: rdataFromText(type, value) };
}

void test('values of the type at the name, smallest TTL', () => {
  const m = { answers: [rr('www.example.test.', TYPE.A, '192.0.2.1', 300), rr('WWW.example.test.', TYPE.A, '192.0.2.2', 60), rr('other.test.', TYPE.A, '192.0.2.9')] };
  assert.deepEqual(answersFor(m, 'www.Example.test', TYPE.A), { values: ['192.0.2.1', '192.0.2.2'], cnameChain: [], ttl: 60 });
  assert.deepEqual(answersFor(m, 'www.example.test.', TYPE.AAAA), { values: [], cnameChain: [], ttl: undefined });
});

void test('CNAME chains inside the answer section are followed', () => {
  const m = {
    answers: [
      rr('a.test.', TYPE.CNAME, 'B.test.'),
      rr('b.test.', TYPE.CNAME, 'c.test.'),
      rr('c.test.', TYPE.TXT, '"hello"', 30),
    ],
  };
  assert.deepEqual(answersFor(m, 'a.test.', TYPE.TXT), { values: ['hello'], cnameChain: ['b.test.', 'c.test.'], ttl: 30 });
  // Asking for the CNAME itself does not follow it.
  assert.deepEqual(answersFor(m, 'a.test.', TYPE.CNAME).values, ['b.test.']);
  // A chain leaving the section: no values, the last target named.
  assert.deepEqual(answersFor({ answers: [rr('x.test.', TYPE.CNAME, 'y.other.')] }, 'x.test', TYPE.A), {
    values: [],
    cnameChain: ['y.other.'],
    ttl: undefined,
  });
});

void test('CNAME loops stop', () => {
  const m = { answers: [rr('a.test.', TYPE.CNAME, 'b.test.'), rr('b.test.', TYPE.CNAME, 'a.test.')] };
  assert.deepEqual(answersFor(m, 'a.test.', TYPE.A), { values: [], cnameChain: ['b.test.', 'a.test.'], ttl: undefined });
});

void test('records of other classes are ignored', () => {
  const m = { answers: [rr('a.test.', TYPE.A, '192.0.2.1', 300, CLASS.ANY)] };
  assert.deepEqual(answersFor(m, 'a.test.', TYPE.A).values, []);
});

void test('authority SOA and the negative TTL (min of TTL and MINIMUM)', () => {
  const nums = Buffer.alloc(20);
  [7, 3600, 600, 86400, 30].forEach((v, i) => nums.writeUInt32BE(v, i * 4));
  const soa: ResourceRecord = {
    name: 'Example.TEST.',
    type: TYPE.SOA,
    class: CLASS.IN,
    ttl: 120,
    rdata: Buffer.concat([encodeName('ns.example.test.'), encodeName('hostmaster.example.test.'), nums]),
  };
  assert.deepEqual(authoritySoa({ authorities: [soa] }), {
    zone: 'example.test.',
    mname: 'ns.example.test.',
    rname: 'hostmaster.example.test.',
    serial: 7,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 30,
    ttl: 120,
  });
  assert.equal(negativeTtl({ authorities: [soa] }), 30);
  assert.equal(negativeTtl({ authorities: [{ ...soa, ttl: 10 }] }), 10);
  assert.equal(negativeTtl({ authorities: [] }), undefined);
});

void test('rcode names', () => {
  assert.equal(rcodeName(RCODE.NXDOMAIN), 'NXDOMAIN');
  assert.equal(rcodeName(16), '16');
});
