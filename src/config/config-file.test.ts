import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { parseConfigText, readConfigText } from './config-file.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-file-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

void test('every key and item has the 1-based line and column where its value starts', () => {
  const text = ['dns:', '  timeout: 3000', '  resolvers: [127.0.0.1, "[::1]"]', '  nameservers:', '    example.test:', '      - 127.0.0.1:5353', 'empty:', ''].join('\n');
  const { doc, positions } = parseConfigText(text, 'zk.yaml');
  assert.deepEqual(doc, { dns: { timeout: 3000, resolvers: ['127.0.0.1', '[::1]'], nameservers: { 'example.test': ['127.0.0.1:5353'] } }, empty: null });
  assert.deepEqual(positions.get('dns.timeout'), { line: 2, column: 12 });
  assert.deepEqual(positions.get('dns.resolvers'), { line: 3, column: 14 });
  assert.deepEqual(positions.get('dns.resolvers[1]'), { line: 3, column: 26 });
  assert.deepEqual(positions.get('dns.nameservers["example.test"][0]'), { line: 6, column: 9 });
  assert.ok(positions.has('empty'));
});

void test('an alias points at what it stands for; an empty file is {}', () => {
  const { doc, positions } = parseConfigText('a: &x { b: 1 }\nc: *x\n', 'zk.yaml');
  assert.deepEqual(doc, { a: { b: 1 }, c: { b: 1 } });
  assert.deepEqual(positions.get('c.b'), { line: 1, column: 12 });
  assert.deepEqual(parseConfigText('# nothing\n', 'zk.yaml').doc, {});
});

void test('not YAML: CONFIG_INVALID with the file and the parser\'s line and column', () => {
  const e = fails(() => parseConfigText('a: [1, 2\nb: 1\n', 'zk.yaml'), 'CONFIG_INVALID', { file: 'zk.yaml', reason: 'not valid YAML' });
  assert.match(JSON.stringify(e.diagnosis.evidence['error']), /line \d+, column \d+/);
  fails(() => parseConfigText('a: 1\na: 2\n', 'zk.yaml'), 'CONFIG_INVALID', { file: 'zk.yaml' });
});

void test('a missing file: undefined for the default path, CONFIG_NOT_FOUND when named', () => {
  assert.equal(readConfigText(join(dir, 'none.yaml'), false), undefined);
  fails(() => readConfigText(join(dir, 'none.yaml'), true), 'CONFIG_NOT_FOUND', { error: 'ENOENT' });
  fails(() => readConfigText(dir, false), 'CONFIG_NOT_FOUND', { error: 'EISDIR' });
});
