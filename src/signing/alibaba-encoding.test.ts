import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../core/errors.ts';
import { alibabaTimestamp, canonicalParams, percentEncode } from './alibaba-encoding.ts';

test('percentEncode is strict RFC 3986 with upper-case hex', () => {
  assert.equal(percentEncode('AZaz09-_.~'), 'AZaz09-_.~');
  assert.equal(percentEncode(" *!'()+=/:&é"), '%20%2A%21%27%28%29%2B%3D%2F%3A%26%C3%A9');
  assert.equal(percentEncode('😀'), '%F0%9F%98%80');
});

test('percentEncode rejects a lone surrogate', () => {
  assert.throws(() => percentEncode('a\uD800'), (e: unknown) => isAppError(e, 'INTERNAL'));
});

test('alibabaTimestamp is UTC without milliseconds, truncated', () => {
  assert.equal(alibabaTimestamp(Date.UTC(2024, 4, 1, 23, 59, 59, 999)), '2024-05-01T23:59:59Z');
  assert.equal(alibabaTimestamp(0), '1970-01-01T00:00:00Z');
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 253_402_300_800_000]) {
    assert.throws(() => alibabaTimestamp(bad), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
});

test('canonicalParams sorts by encoded name in byte order and keeps empty values', () => {
  assert.equal(canonicalParams({ b: '', a: 'x y', B: '1', 'a b': 'z' }), 'B=1&a=x%20y&a%20b=z&b=');
});
