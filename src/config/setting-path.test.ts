import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { formatPath, isUnder, loosePath, parsePath } from './setting-path.ts';

void test('paths are written with dots, [n] for items and ["…"] for keys that are not plain', () => {
  assert.equal(formatPath(['dns', 'timeout']), 'dns.timeout');
  assert.equal(formatPath(['ddns', 'records', 0, 'name']), 'ddns.records[0].name');
  assert.equal(formatPath(['dns', 'nameservers', 'example.test']), 'dns.nameservers["example.test"]');
  assert.equal(formatPath(['providers', 'a"b', 'x']), 'providers["a\\"b"].x');
  assert.equal(loosePath(['dns', 'nameservers', 'example.test', 1]), 'dns.nameservers.example.test[1]');
});

void test('parsePath reads back what formatPath writes', () => {
  for (const p of [['dns', 'timeout'], ['ddns', 'records', 12, 'type'], ['dns', 'nameservers', 'Example.Test.'], ['providers', 'we ird', 'tsig', 'secret'], ['__proto__', 'x']])
    assert.deepEqual(parsePath(formatPath(p)), p);
});

void test('parsePath refuses what is not a path', () => {
  for (const bad of ['', '.dns', 'dns.', 'dns..timeout', 'dns[x]', 'dns["unterminated]', 'dns timeout', 'a.[0]', 'a[0]b'])
    fails(() => parsePath(bad), 'CONFIG_INVALID', { path: bad });
});

void test('isUnder: the path itself and everything below it', () => {
  assert.ok(isUnder(['a', 'b', 0], ['a', 'b']));
  assert.ok(isUnder(['a'], ['a']));
  assert.ok(!isUnder(['a'], ['a', 'b']));
  assert.ok(!isUnder(['ab'], ['a']));
});
