import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeName, decodeTxt, encodeTxt } from './values.ts';
import { parseXml, textAt } from './xml.ts';

test('TXT values round-trip, quotes, backslashes, UTF-8 and long text included', () => {
  for (const t of ['', 'plain', 'with "quotes" and \\ backslash', 'été ✓', 'x'.repeat(600)]) assert.equal(decodeTxt(encodeTxt(t)), t);
  assert.equal(encodeTxt('a"b'), '"a\\"b"');
  assert.equal(encodeTxt('é'), '"\\303\\251"');
  assert.equal(encodeTxt('x'.repeat(256)), `"${'x'.repeat(255)}" "x"`);
  assert.equal(decodeTxt('"part one" "part two"'), 'part onepart two');
});

test('names: octal escapes decoded and lower-cased', () => {
  assert.equal(decodeName('\\052.Example.com.'), '*.example.com.');
});

test('parseXml reads elements, entities and namespaces; refuses broken documents', () => {
  const doc = parseXml('<?xml version="1.0"?><a:R xmlns:a="x"><B>1 &amp; &lt;2&gt; &#233;</B><C/><B>two</B></a:R>');
  assert.equal(doc?.name, 'R');
  assert.equal(textAt(doc, 'B'), '1 & <2> é');
  assert.equal(doc?.children.length, 3);
  assert.equal(parseXml('<a><b></a>'), undefined);
  assert.equal(parseXml('<html><body>oops'), undefined);
  assert.equal(parseXml('{"json":true}'), undefined);
  assert.equal(parseXml('<a>&bogus;</a>'), undefined);
});
