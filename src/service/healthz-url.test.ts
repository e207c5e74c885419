import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthzUrl } from './healthz-url.ts';

void test('healthzUrl: the default, explicit hosts, wildcards asked on loopback', () => {
  assert.equal(healthzUrl(undefined), 'http://127.0.0.1:9876/healthz');
  assert.equal(healthzUrl(''), 'http://127.0.0.1:9876/healthz');
  assert.equal(healthzUrl('127.0.0.1:8080'), 'http://127.0.0.1:8080/healthz');
  assert.equal(healthzUrl('0.0.0.0:9876'), 'http://127.0.0.1:9876/healthz');
  assert.equal(healthzUrl(':9000'), 'http://127.0.0.1:9000/healthz');
  assert.equal(healthzUrl('[::]:9876'), 'http://[::1]:9876/healthz');
  assert.equal(healthzUrl('[::1]:9876'), 'http://[::1]:9876/healthz');
  assert.equal(healthzUrl('[fd00::5]:443'), 'http://[fd00::5]:443/healthz');
  assert.equal(healthzUrl('zonekeeper.internal:9876'), 'http://zonekeeper.internal:9876/healthz');
});

void test('healthzUrl: not host:port is a RangeError', () => {
  for (const bad of ['9876', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '::1:9876', 'host:port', '[::1]9876']) {
    assert.throws(() => healthzUrl(bad), RangeError, bad);
  }
});
