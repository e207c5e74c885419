import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { resolveReferences } from './references.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-refs-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function unresolved(fn: () => unknown, reference: string, path: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'CONFIG_REFERENCE_UNRESOLVED');
    assert.equal(e.diagnosis.evidence['reference'], reference);
    assert.equal(e.diagnosis.evidence['path'], path);
    return true;
  });
}

void test('a string without references is returned unchanged', () => {
  assert.equal(resolveReferences('plain $HOME {x} ${unknown:y} ${env:unclosed', 'p', {}), 'plain $HOME {x} ${unknown:y} ${env:unclosed');
});

void test('${env:X} is replaced by the variable, also inside a longer string and several times', () => {
  const env = { A: 'alpha', B: 'beta', EMPTY: '' };
  assert.equal(resolveReferences('${env:A}', 'p', env), 'alpha');
  assert.equal(resolveReferences('x-${env:A}-${env:B}-${env:A}', 'p', env), 'x-alpha-beta-alpha');
  assert.equal(resolveReferences('[${env:EMPTY}]', 'p', env), '[]', 'a set but empty variable resolves to ""');
});

void test('a resolved value is not resolved again, and $ patterns in it are kept literally', () => {
  const env = { A: '${env:B}', B: 'nope', D: "$& $' $1" };
  assert.equal(resolveReferences('${env:A}', 'p', env), '${env:B}');
  assert.equal(resolveReferences('${env:D}', 'p', env), "$& $' $1");
});

void test('${file:PATH} drops exactly one trailing newline (LF or CRLF)', () => {
  assert.equal(resolveReferences(`\${file:${file('lf', 'secret\n')}}`, 'p', {}), 'secret');
  assert.equal(resolveReferences(`\${file:${file('crlf', 'secret\r\n')}}`, 'p', {}), 'secret');
  assert.equal(resolveReferences(`\${file:${file('none', 'secret')}}`, 'p', {}), 'secret');
  assert.equal(resolveReferences(`\${file:${file('two', 'secret\n\n')}}`, 'p', {}), 'secret\n', 'a second newline stays so the secret check sees it');
  assert.equal(resolveReferences(`\${file:${file('space', 'secret \n')}}`, 'p', {}), 'secret ');
  assert.equal(resolveReferences(`pre-\${file:${file('mid', 'x\n')}}-post`, 'p', {}), 'pre-x-post');
});

void test('an unset variable or an unreadable file is CONFIG_REFERENCE_UNRESOLVED naming the reference, never its value', () => {
  unresolved(() => resolveReferences('${env:ZK_TEST_SURELY_UNSET}', 'providers.lab.tsig.secret', {}), 'env:ZK_TEST_SURELY_UNSET', 'providers.lab.tsig.secret');
  const missing = join(dir, 'missing');
  unresolved(() => resolveReferences(`\${file:${missing}}`, 'providers.x.key', {}), `file:${missing}`, 'providers.x.key');
  assert.throws(
    () => resolveReferences(`\${file:${missing}}`, 'p', {}),
    (e: unknown) => e instanceof AppError && e.diagnosis.evidence['error'] === 'ENOENT',
  );
  unresolved(() => resolveReferences(`\${file:${dir}}`, 'p', {}), `file:${dir}`, 'p');
});

void test('the first unresolved reference fails the whole string', () => {
  unresolved(() => resolveReferences('${env:A}${env:NOPE}', 'p', { A: 'a' }), 'env:NOPE', 'p');
});
