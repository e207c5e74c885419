import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClockStatus } from '../clock/corrected-clock.ts';
import { SkewWatch } from './clock-skew.ts';

const T = Date.UTC(2026, 10, 22, 12, 0, 0);
function status(offsetMs: number, trusted = true): ClockStatus {
  return { now: new Date(T).toISOString(), nowMs: T, offsetMs, trusted, basis: { kind: 'ntp', sources: ['ntp:127.0.0.1:123'], rejected: [], stale: false }, sources: [] };
}

void test('once per crossing of the threshold, re-armed below half of it', () => {
  const w = new SkewWatch();
  assert.equal(w.check(status(59_000), 60_000), undefined);
  const e = w.check(status(-90_000), 60_000);
  assert.equal(e?.kind, 'clock-skew');
  assert.deepEqual(e?.data, { offsetMs: -90_000, thresholdMs: 60_000, systemTime: new Date(T + 90_000).toISOString(), trustedTime: new Date(T).toISOString(), sources: ['ntp:127.0.0.1:123'] });
  assert.equal(w.check(status(-90_000), 60_000), undefined, 'not again every 15 minutes');
  assert.equal(w.check(status(-45_000), 60_000), undefined, 'between half and the threshold: still the same crossing');
  assert.equal(w.check(status(-70_000), 60_000), undefined);
  assert.equal(w.check(status(-20_000), 60_000), undefined, 'back to normal');
  assert.equal(w.check(status(3_600_000), 60_000)?.kind, 'clock-skew', 'a new crossing');
});

void test('an untrusted estimate says nothing and changes nothing', () => {
  const w = new SkewWatch();
  assert.equal(w.check(status(3_600_000, false), 60_000), undefined);
  assert.equal(w.check(status(3_600_000), 60_000)?.kind, 'clock-skew');
});
