import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/fake-clock.ts';
import { fingerprint, HOUR_MS, NotifyLimiter, SUPPRESSED_KIND } from './limiter.ts';
import type { NotifyEvent } from './types.ts';

const MIN = 60_000;
const settings = { minIntervalMs: 10 * MIN, maxPerHour: 3 };
const ev = (subject: string, data: NotifyEvent['data'] = {}, kind = 'update-failed'): NotifyEvent => ({ kind, subject, at: 0, data });

void test('the same kind, subject and content is sent once per minInterval; changed content at once', () => {
  const clock = new FakeClock();
  const l = new NotifyLimiter(clock);
  const big = { minIntervalMs: 10 * MIN, maxPerHour: 100 };
  assert.equal(l.admit('ops', big, ev('a.example', { error: { code: 'PROVIDER_AUTH', evidence: { requestId: '1' } } })), 'send');
  clock.advance(5 * MIN);
  assert.equal(l.admit('ops', big, ev('a.example', { error: { code: 'PROVIDER_AUTH', evidence: { requestId: '2' } } })), 'duplicate', 'an error counts by its code only');
  assert.equal(l.admit('other', big, ev('a.example', { error: { code: 'PROVIDER_AUTH', evidence: {} } })), 'send', 'per notifier');
  assert.equal(l.admit('ops', big, ev('b.example', { error: { code: 'PROVIDER_AUTH', evidence: {} } })), 'send', 'per subject');
  assert.equal(l.admit('ops', big, ev('a.example', { error: { code: 'TSIG_BADSIG', evidence: {} } })), 'send', 'changed content');
  clock.advance(10 * MIN);
  assert.equal(l.admit('ops', big, ev('a.example', { error: { code: 'TSIG_BADSIG', evidence: {} } })), 'send', 'after minInterval');
});

void test('a failed send is forgotten: the next occurrence is tried again', () => {
  const l = new NotifyLimiter(new FakeClock());
  const e = ev('a.example', { x: 1 });
  assert.equal(l.admit('ops', settings, e), 'send');
  l.failed('ops', e);
  assert.equal(l.admit('ops', settings, e), 'send');
});

void test('minInterval 0 turns deduplication off', () => {
  const l = new NotifyLimiter(new FakeClock());
  const s = { minIntervalMs: 0, maxPerHour: 10 };
  assert.equal(l.admit('ops', s, ev('a')), 'send');
  assert.equal(l.admit('ops', s, ev('a')), 'send');
});

void test('beyond maxPerHour events are held back and summarised once the hour is over', () => {
  const clock = new FakeClock();
  const l = new NotifyLimiter(clock);
  for (const s of ['a', 'b', 'c']) assert.equal(l.admit('ops', settings, ev(s)), 'send');
  assert.equal(l.admit('ops', settings, ev('d')), 'rate-limited');
  assert.equal(l.admit('ops', settings, ev('e', {}, 'ip-changed')), 'rate-limited');
  assert.equal(l.admit('ops', settings, ev('f')), 'rate-limited');
  assert.equal(l.summaryDue('ops'), undefined, 'not before the window ends');
  clock.advance(HOUR_MS - 1);
  assert.equal(l.admit('ops', settings, ev('g')), 'rate-limited');
  assert.equal(l.summaryDue('ops'), undefined);
  clock.advance(1);
  const summary = l.summaryDue('ops');
  assert.equal(summary?.kind, SUPPRESSED_KIND);
  assert.equal(summary?.subject, 'ops');
  assert.deepEqual(summary?.data['count'], 4);
  assert.deepEqual(summary?.data['kinds'], { 'ip-changed': 1, 'update-failed': 3 });
  assert.equal(l.summaryDue('ops'), undefined, 'consumed');
  // The summary opened the new window and counts in it: two more fit.
  assert.equal(l.admit('ops', settings, ev('h')), 'send');
  assert.equal(l.admit('ops', settings, ev('i')), 'send');
  assert.equal(l.admit('ops', settings, ev('j')), 'rate-limited');
});

void test('windows follow the monotonic clock: a wall-clock step neither opens nor closes one', () => {
  const clock = new FakeClock();
  const l = new NotifyLimiter(clock);
  for (const s of ['a', 'b', 'c']) l.admit('ops', settings, ev(s));
  clock.set(clock.now() + 5 * HOUR_MS);
  assert.equal(l.admit('ops', settings, ev('d')), 'rate-limited');
  assert.equal(l.summaryDue('ops'), undefined);
});

void test('fingerprint: key order does not matter, values do', () => {
  assert.equal(fingerprint(ev('a', { x: 1, y: [1, { b: 2, a: 1 }] })), fingerprint(ev('a', { y: [1, { a: 1, b: 2 }], x: 1 })));
  assert.notEqual(fingerprint(ev('a', { x: 1 })), fingerprint(ev('a', { x: 2 })));
});
