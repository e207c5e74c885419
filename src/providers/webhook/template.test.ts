import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../core/errors.ts';
import { parseCall } from './config.ts';
import { RECORD_PLACEHOLDERS, ZONE_PLACEHOLDERS, parseTemplate, renderTemplate, type TemplateValues } from './template.ts';

const V: TemplateValues = { name: '_acme', fqdn: '_acme.example.com', zone: 'example.com', type: 'TXT', data: 'a "b" \\ c/d?e&f=g\n', ttl: '120' };

function code(c: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, c);
    return true;
  };
}

void test('URL placeholders are percent-encoded', () => {
  const t = parseTemplate('https://h/z/{{zone}}/r/{{fqdn}}?d={{data}}&t={{ttl}}', 'p', RECORD_PLACEHOLDERS);
  assert.equal(renderTemplate(t, V, 'url'), `https://h/z/example.com/r/_acme.example.com?d=${encodeURIComponent(V.data)}&t=120`);
  assert.equal(new URL(renderTemplate(t, V, 'url')).searchParams.get('d'), V.data);
});

void test('JSON body placeholders are JSON-string-escaped; {{ttl}} may stand bare', () => {
  const t = parseTemplate('{"name":"{{ name }}","data":"{{data}}","ttl":{{ttl}}}', 'p', RECORD_PLACEHOLDERS);
  assert.deepEqual(JSON.parse(renderTemplate(t, V, 'json')), { name: '_acme', data: V.data, ttl: 120 });
});

void test('header placeholders are verbatim and CR/LF is refused', () => {
  const t = parseTemplate('rec {{type}} {{data}}', 'p', RECORD_PLACEHOLDERS);
  assert.equal(renderTemplate(t, { ...V, data: 'x/y z' }, 'header'), 'rec TXT x/y z');
  assert.throws(() => renderTemplate(t, V, 'header'), code('RECORD_INVALID'));
  assert.throws(() => renderTemplate(t, { ...V, data: 'x\ry' }, 'header'), code('RECORD_INVALID'));
});

void test('an unknown placeholder is CONFIG_INVALID naming it; list templates know only {{zone}}', () => {
  assert.throws(() => parseTemplate('https://h/{{nmae}}', 'providers.h.append.url', RECORD_PLACEHOLDERS), (e: unknown) => {
    code('CONFIG_INVALID')(e);
    assert.equal((e as AppError).diagnosis.evidence['placeholder'], 'nmae');
    return true;
  });
  assert.throws(() => parseTemplate('https://h/{{data}}', 'p', ZONE_PLACEHOLDERS), code('CONFIG_INVALID'));
  assert.equal(renderTemplate(parseTemplate('https://h/{{zone}}', 'p', ZONE_PLACEHOLDERS), V, 'url'), 'https://h/example.com');
});

void test('a call is checked when read: http(s) URL, JSON body, header lines, method', () => {
  const ok = parseCall({ method: 'put', url: 'http://h/{{fqdn}}', headers: { 'X-A': '{{type}}', 'X-B': 'b' }, body: '{"d":"{{data}}"}' }, 'p', RECORD_PLACEHOLDERS, true);
  assert.equal(ok.method, 'PUT');
  assert.deepEqual(ok.headers.map((h) => h.name), ['x-a', 'x-b']);
  assert.throws(() => parseCall({ url: 'ftp://h/x' }, 'p', RECORD_PLACEHOLDERS, true), code('CONFIG_INVALID'));
  assert.throws(() => parseCall({ url: '{{zone}}://h' }, 'p', RECORD_PLACEHOLDERS, true), code('CONFIG_INVALID'));
  assert.throws(() => parseCall({ url: 'https://h', body: '{"d":{{data}}' }, 'p', RECORD_PLACEHOLDERS, true), code('CONFIG_INVALID'));
  assert.throws(() => parseCall({ url: 'https://h', headers: { 'no colon here': 'v' } }, 'p', RECORD_PLACEHOLDERS, true), code('CONFIG_INVALID'));
  assert.throws(() => parseCall({ url: 'https://h', method: 'trace' }, 'p', RECORD_PLACEHOLDERS, true), code('CONFIG_INVALID'));
});
