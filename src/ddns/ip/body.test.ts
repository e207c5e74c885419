import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerExcerpt, parseAnswer, type AnswerFormat, type BodyParse } from './body.ts';

const read = (body: string | Uint8Array, format: AnswerFormat = 'auto', field = 'ip', contentType?: string): string => {
  const p: BodyParse = parseAnswer(body, format, field, contentType);
  return p.ok ? `ok ${p.address.text}` : p.reason;
};

void test('plain text: exactly one address, surrounding whitespace trimmed', () => {
  assert.equal(read('81.2.3.4'), 'ok 81.2.3.4');
  assert.equal(read('81.2.3.4\n'), 'ok 81.2.3.4');
  assert.equal(read('  81.2.3.4\r\n'), 'ok 81.2.3.4');
  assert.equal(read('\t2A01:4F8::1 \n'), 'ok 2a01:4f8::1');
  assert.equal(read('\uFEFF81.2.3.4\n'), 'ok 81.2.3.4');
  assert.equal(read(Buffer.from('81.2.3.4\n')), 'ok 81.2.3.4');
  // Parsing does not judge the address; classify.ts does.
  assert.equal(read('10.0.0.1'), 'ok 10.0.0.1');
});

void test('a page or a sentence that contains an address is not an answer', () => {
  assert.equal(read('<html><body>Your IP is 81.2.3.4</body></html>'), 'html');
  assert.equal(read('<!DOCTYPE html>\n<html><head><title>81.2.3.4</title></head></html>'), 'html');
  assert.equal(read('<p>81.2.3.4</p>', 'text'), 'html');
  assert.equal(read('Your IP address is 81.2.3.4.'), 'text-around-address');
  assert.equal(read('Current IP Address: 81.2.3.4'), 'text-around-address');
  assert.equal(read('ip=81.2.3.4'), 'text-around-address');
  assert.equal(read('IP: 2a01:4f8::1'), 'text-around-address');
  assert.equal(read('当前 IP：81.2.3.4 来自于：中国'), 'text-around-address');
  assert.equal(read('hello world'), 'not-an-address');
  assert.equal(read('1.2.1'), 'not-an-address');
  assert.equal(read('81.2.3.4/24'), 'not-an-address');
});

void test('several lines, empty answers, zone ids, bytes that are not UTF-8', () => {
  assert.equal(read('81.2.3.4\n81.2.3.5'), 'multiple-lines');
  assert.equal(read('81.2.3.4\r\n2a01:4f8::1\r\n'), 'multiple-lines');
  assert.equal(read('81.2.3.4\n\n81.2.3.4'), 'multiple-lines');
  assert.equal(read(''), 'empty-answer');
  assert.equal(read(' \r\n\t'), 'empty-answer');
  assert.equal(read('fe80::1%eth0'), 'zone-id');
  assert.equal(read('fe80::1%eth0\n'), 'zone-id');
  assert.equal(read(Uint8Array.from([0xff, 0xfe, 0x38, 0x31])), 'not-text');
});

void test('JSON: the configured field, nested with dots; auto picks JSON by content type or a leading brace', () => {
  assert.equal(read('{"ip":"81.2.3.4"}', 'json'), 'ok 81.2.3.4');
  assert.equal(read('{"ip":" 81.2.3.4\\n"}', 'json'), 'ok 81.2.3.4');
  assert.equal(read('{"ip":"81.2.3.4"}', 'auto', 'ip', 'application/json; charset=utf-8'), 'ok 81.2.3.4');
  assert.equal(read('\n{"ip":"2a01:4f8::1","country":"DE"}'), 'ok 2a01:4f8::1');
  assert.equal(read('{"data":{"addr":"81.2.3.4"}}', 'json', 'data.addr'), 'ok 81.2.3.4');
  assert.equal(read('{"query":"81.2.3.4","status":"success"}', 'json', 'query'), 'ok 81.2.3.4');
  assert.equal(read('{"address":"81.2.3.4"}', 'json'), 'json-field-missing');
  assert.equal(read('{"ip":8}', 'json'), 'json-field-missing');
  assert.equal(read('{"ip":null}', 'json'), 'json-field-missing');
  assert.equal(read('{"data":"81.2.3.4"}', 'json', 'data.addr'), 'json-field-missing');
  assert.equal(read('["81.2.3.4"]', 'json'), 'json-invalid');
  assert.equal(read('81.2.3.4', 'json'), 'json-invalid');
  assert.equal(read('{"ip":"81.2.3.4"', 'json'), 'json-invalid');
  assert.equal(read('{"ip":"<b>81.2.3.4</b>"}', 'json'), 'html');
  assert.equal(read('{"ip":"your ip is 81.2.3.4"}', 'json'), 'text-around-address');
  assert.equal(read('{"ip":"fe80::1%en0"}', 'json'), 'zone-id');
  // Forced text: a JSON document is not an address.
  assert.equal(read('{"ip":"81.2.3.4"}', 'text'), 'text-around-address');
  // A JSON content type over a plain body: read as JSON, refused.
  assert.equal(read('81.2.3.4', 'auto', 'ip', 'application/json'), 'json-invalid');
});

void test('excerpts are one short line', () => {
  assert.equal(answerExcerpt('  a\n\tb  '), 'a b');
  const long = answerExcerpt(`<html>${'x'.repeat(200)}</html>`);
  assert.equal(long.length, 80);
  assert.ok(long.endsWith('…'));
});
