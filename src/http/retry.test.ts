import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { backoffMs, defaultRetryMode, errorIsRetryable, parseRetryAfter, statusIsRetryable } from './retry.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

test('Retry-After: delta-seconds, HTTP-date against the given time, garbage', () => {
  assert.equal(parseRetryAfter('1', NOW), 1000);
  assert.equal(parseRetryAfter(' 120 ', NOW), 120_000);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 12:00:30 GMT', NOW), 30_000);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', NOW), 0);
  assert.equal(parseRetryAfter('-5', NOW), undefined);
  assert.equal(parseRetryAfter('soon', NOW), undefined);
  assert.equal(parseRetryAfter(undefined, NOW), undefined);
});

test('default modes: GET/HEAD/OPTIONS idempotent, everything else unprocessed', () => {
  assert.equal(defaultRetryMode('get'), 'idempotent');
  assert.equal(defaultRetryMode('HEAD'), 'idempotent');
  assert.equal(defaultRetryMode('OPTIONS'), 'idempotent');
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal(defaultRetryMode(m), 'unprocessed', m);
});

test('which statuses are retried in which mode', () => {
  for (const s of [429, 503]) {
    assert.ok(statusIsRetryable(s, 'idempotent'));
    assert.ok(statusIsRetryable(s, 'unprocessed'));
    assert.ok(!statusIsRetryable(s, 'none'));
  }
  for (const s of [500, 502, 504]) {
    assert.ok(statusIsRetryable(s, 'idempotent'));
    assert.ok(!statusIsRetryable(s, 'unprocessed'));
  }
  for (const s of [200, 301, 400, 401, 404, 501]) assert.ok(!statusIsRetryable(s, 'idempotent'), String(s));
});

test('which failures are retried: connection and timeout before sending; after it a connection failure of an idempotent request only', () => {
  const conn = new AppError('HTTP_CONNECTION', { retryable: true });
  const dns = new AppError('HTTP_CONNECTION', { retryable: false });
  const timeout = new AppError('HTTP_TIMEOUT', { retryable: true });
  const tls = new AppError('TLS_UNTRUSTED', { retryable: true });
  assert.ok(errorIsRetryable(conn, 'unprocessed', false));
  assert.ok(!errorIsRetryable(conn, 'unprocessed', true));
  assert.ok(errorIsRetryable(conn, 'idempotent', true));
  assert.ok(errorIsRetryable(timeout, 'idempotent', false));
  assert.ok(errorIsRetryable(timeout, 'unprocessed', false));
  assert.ok(!errorIsRetryable(timeout, 'idempotent', true), 'a silent server is not asked again');
  assert.ok(!errorIsRetryable(timeout, 'none', false));
  assert.ok(!errorIsRetryable(conn, 'none', false));
  assert.ok(!errorIsRetryable(dns, 'idempotent', false));
  assert.ok(!errorIsRetryable(tls, 'idempotent', false));
  assert.ok(!errorIsRetryable(new Error('x'), 'idempotent', false));
});

test('backoff doubles from 500 ms, is capped, and jitters between half and all of the step', () => {
  assert.equal(backoffMs(1, 60_000, () => 0), 250);
  assert.equal(backoffMs(1, 60_000, () => 1), 500);
  assert.equal(backoffMs(3, 60_000, () => 1), 2000);
  assert.equal(backoffMs(20, 60_000, () => 1), 60_000);
  assert.equal(backoffMs(20, 60_000, () => 0), 30_000);
});
