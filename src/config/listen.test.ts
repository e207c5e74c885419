import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';
import { parseListenAddress } from './listen.ts';

void test('listen: host:port, [v6]:port, :port, a bare host; port 0 lets the system pick', () => {
  assert.deepEqual(parseListenAddress('0.0.0.0:9999', 'listen'), { host: '0.0.0.0', port: 9999 });
  assert.deepEqual(parseListenAddress('[::1]:80', 'listen'), { host: '::1', port: 80 });
  assert.deepEqual(parseListenAddress(':0', 'listen'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('localhost', 'listen'), { host: 'localhost', port: 9876 });
});

void test('listen: anything else is CONFIG_INVALID naming the setting', () => {
  for (const bad of ['1.2.3.4:70000', '[1.2.3.4]:80', '::1', 'a b:80', '127.0.0.256:80', 'host:port'])
    fails(() => parseListenAddress(bad, 'listen'), 'CONFIG_INVALID', { path: 'listen', value: bad });
});
