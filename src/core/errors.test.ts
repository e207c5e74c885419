import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, errorKind, exitStatusFor, type ErrorCode } from './codes.ts';
import { AppError, isAppError, toAppError } from './errors.ts';
import { MASK } from './redact.ts';

void test('an AppError carries its code, redacted evidence, retryable and retryAfterMs', () => {
  const cause = new Error('inner');
  const e = new AppError('DNS_TIMEOUT', { evidence: { server: '127.0.0.1:53' }, retryable: true, retryAfterMs: 1500, cause });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'AppError');
  assert.equal(e.code, 'DNS_TIMEOUT');
  assert.deepEqual(e.diagnosis, { code: 'DNS_TIMEOUT', evidence: { server: '127.0.0.1:53' }, retryable: true, retryAfterMs: 1500 });
  assert.equal(e.cause, cause);
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'DNS_TIMEOUT', evidence: { server: '127.0.0.1:53' }, retryable: true, retryAfterMs: 1500 });
  assert.match(e.message, /^DNS_TIMEOUT \(server=127\.0\.0\.1:53\)$/);
});

void test('defaults: no evidence, not retryable, no retryAfterMs, no cause', () => {
  const e = new AppError('ABORTED');
  assert.deepEqual(e.diagnosis, { code: 'ABORTED', evidence: {}, retryable: false });
  assert.equal('retryAfterMs' in e.diagnosis, false);
  assert.equal(e.cause, undefined);
  assert.equal(e.message, 'ABORTED');
});

void test('evidence under secret-like keys is masked and known secrets are replaced, also in the message', () => {
  const secret = 'c2VjcmV0LWtleQ==';
  const e = new AppError('TSIG_BADSIG', {
    evidence: { server: '127.0.0.1:53', secret, tsig: { secret, name: 'k' }, note: `sent ${secret}`, trail: [{ raw: `x${secret}y` }] },
    secrets: [secret],
  });
  assert.deepEqual(e.diagnosis.evidence, { server: '127.0.0.1:53', secret: MASK, tsig: { secret: MASK, name: 'k' }, note: `sent ${MASK}`, trail: [{ raw: `x${MASK}y` }] });
  assert.ok(!`${e.message} ${JSON.stringify(e)}`.includes(secret));
});

void test('isAppError checks the class and, when given, the code', () => {
  const e = new AppError('USAGE');
  assert.equal(isAppError(e), true);
  assert.equal(isAppError(e, 'USAGE'), true);
  assert.equal(isAppError(e, 'INTERNAL'), false);
  assert.equal(isAppError(new Error('x')), false);
  assert.equal(isAppError({ code: 'USAGE' }), false);
});

void test('toAppError: AppErrors pass through, aborts become ABORTED, anything else INTERNAL with the cause kept', () => {
  const app = new AppError('DNS_SERVFAIL');
  assert.equal(toAppError(app), app);
  const abort = new DOMException('stop', 'AbortError');
  const a = toAppError(abort);
  assert.equal(a.code, 'ABORTED');
  assert.equal(a.cause, abort);
  const plain = new TypeError('boom');
  const i = toAppError(plain);
  assert.equal(i.code, 'INTERNAL');
  assert.equal(i.diagnosis.evidence['error'], 'TypeError: boom');
  assert.equal(i.cause, plain);
  assert.equal(toAppError('a string').diagnosis.evidence['error'], 'a string');
  assert.equal(toAppError(undefined).code, 'INTERNAL');
  assert.equal(toAppError(42).diagnosis.evidence['error'], '42');
});

void test('exit status: usage and config errors are 2, every other kind 1', () => {
  assert.equal(exitStatusFor('USAGE'), 2);
  assert.equal(exitStatusFor('CONFIG_INVALID'), 2);
  assert.equal(exitStatusFor('SECRET_INVISIBLE_CHARACTER'), 2);
  assert.equal(exitStatusFor('NAME_INVALID'), 2);
  assert.equal(exitStatusFor('TSIG_BADSIG'), 1);
  assert.equal(exitStatusFor('PROPAGATION_TIMEOUT'), 1);
  assert.equal(exitStatusFor('INTERNAL'), 1);
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const kind = errorKind(code);
    assert.equal(exitStatusFor(code), kind === 'usage' || kind === 'config' ? 2 : 1, code);
  }
});
