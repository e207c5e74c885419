import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemdArg, systemdExecutable, systemdPath } from './systemd-quote.ts';

void test('systemdArg: plain paths stay bare; specifiers and $ are doubled', () => {
  assert.equal(systemdArg('/usr/bin/node'), '/usr/bin/node');
  assert.equal(systemdArg('--config'), '--config');
  assert.equal(systemdArg('/opt/zk%d/main.ts'), '/opt/zk%%d/main.ts');
  assert.equal(systemdArg('/opt/$HOME/x'), '/opt/$$HOME/x');
  assert.equal(systemdArg('/opt/a$$b'), '/opt/a$$$$b');
});

void test('systemdArg: whitespace, quotes, backslashes and the empty string are double-quoted with C escapes', () => {
  assert.equal(systemdArg('/opt/my apps/node'), '"/opt/my apps/node"');
  assert.equal(systemdArg('a"b'), '"a\\"b"');
  assert.equal(systemdArg("it's"), '"it\'s"');
  assert.equal(systemdArg('C:\\x'), '"C:\\\\x"');
  assert.equal(systemdArg('a\tb'), '"a\\tb"');
  assert.equal(systemdArg(''), '""');
  assert.equal(systemdArg(';'), '";"');
});

void test('systemdPath escapes specifiers', () => {
  assert.equal(systemdPath('/srv/100%/data'), '/srv/100%%/data');
});

void test('systemdExecutable: specifiers escaped, $ kept (systemd does not expand variables in the program path)', () => {
  assert.equal(systemdExecutable('/opt/a $HOME/node'), '"/opt/a $HOME/node"');
  assert.equal(systemdExecutable('/opt/100%/node'), '/opt/100%%/node');
});
