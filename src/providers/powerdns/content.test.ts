import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromContent, toContent, valueKey } from './content.ts';

void test('TXT is sent quoted with escapes and read back as text', () => {
  assert.equal(toContent('TXT', 'say "hi" \\'), '"say \\"hi\\" \\\\"');
  assert.equal(toContent('TXT', '"a" "b"'), '"a" "b"');
  assert.equal(toContent('TXT', 'é'), '"\\195\\169"');
  assert.equal(fromContent('TXT', '"say \\"hi\\""'), 'say "hi"');
  assert.equal(fromContent('TXT', '"\\195\\169"'), 'é');
  assert.equal(fromContent('TXT', '"a" "b"'), '"a" "b"');
});

void test('targets are absolute lower-case; other content passes through', () => {
  assert.equal(toContent('CNAME', 'Target.Example.NET'), 'target.example.net.');
  assert.equal(toContent('MX', '10  Mail.example.com'), '10 mail.example.com.');
  assert.equal(toContent('A', ' 192.0.2.1 '), '192.0.2.1');
});

void test('values compare canonically', () => {
  assert.equal(valueKey('AAAA', '2001:DB8:0::1'), valueKey('AAAA', '2001:db8::1'));
  assert.equal(valueKey('TXT', '"x"'), valueKey('TXT', 'x'));
  assert.notEqual(valueKey('TXT', 'x'), valueKey('TXT', 'y'));
});
