import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleKind, TimeSample } from './clock.ts';
import { CorrectedClock } from './corrected-clock.ts';
import { FakeClock } from './fake-clock.ts';
import type { PersistedClockState } from './offset-file.ts';

const HOUR = 3_600_000;

/** A sample taken now on `system`, saying the server is `offsetMs` ahead. */
function sampleAt(system: FakeClock, source: string, kind: SampleKind, offsetMs: number, uncertaintyMs = 5): TimeSample {
  return {
    source,
    kind,
    serverMs: system.now() + offsetMs,
    systemMs: system.now(),
    monoMs: system.monotonicMs(),
    delayMs: 2 * uncertaintyMs,
    uncertaintyMs,
  };
}

void test('without any sample: follows the system clock, untrusted', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  assert.equal(clock.offsetMs(), 0);
  assert.equal(clock.now(), system.now());
  assert.equal(clock.trusted, false);
  assert.equal(clock.status().basis.kind, 'system');
  system.set(system.now() + HOUR);
  assert.equal(clock.now(), system.now());
});

void test('one ntp sample sets the offset; a system clock step does not move now()', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 5000));
  const before = clock.now();
  assert.equal(before, system.now() + 5000);
  assert.equal(clock.offsetMs(), 5000);
  assert.equal(clock.trusted, true);
  system.set(system.now() - 86_400_000);
  assert.equal(clock.now(), before);
  assert.equal(clock.offsetMs(), 86_400_000 + 5000);
  system.advance(1234);
  assert.equal(clock.now(), before + 1234);
});

void test('ranking: authenticated beats ntp beats http', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'http:x', 'http', 30_000, 500));
  assert.equal(clock.offsetMs(), 30_000);
  assert.equal(clock.status().basis.kind, 'http');
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 20_000));
  assert.equal(clock.offsetMs(), 20_000);
  assert.equal(clock.status().basis.kind, 'ntp');
  clock.addSample(sampleAt(system, 'tsig:ns:53', 'authenticated', 10_000));
  assert.equal(clock.offsetMs(), 10_000);
  const status = clock.status();
  assert.equal(status.basis.kind, 'authenticated');
  assert.deepEqual(status.basis.sources, ['tsig:ns:53']);
  assert.deepEqual(
    status.sources.map((s) => [s.source, s.authenticated, s.used, s.offsetMs]),
    [
      ['tsig:ns:53', true, true, 10_000],
      ['ntp:a:123', false, false, 20_000],
      ['http:x', false, false, 30_000],
    ],
  );
});

void test('a stale better source gives way to a fresh lower-ranked one, with a change event', () => {
  const system = new FakeClock();
  let changes = 0;
  const clock = new CorrectedClock({ system, maxSampleAgeMs: 1000, onChange: () => changes++ });
  clock.addSample(sampleAt(system, 'tsig:ns:53', 'authenticated', 10_000));
  system.advance(500);
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 20_000));
  assert.equal(changes, 2);
  assert.equal(clock.offsetMs(), 10_000);
  system.advance(700);
  assert.equal(clock.offsetMs(), 20_000);
  assert.equal(changes, 3);
  assert.equal(clock.trusted, true);
  system.advance(1000); // everything stale: the best kind still decides, untrusted
  const status = clock.status();
  assert.equal(status.offsetMs, 10_000);
  assert.equal(status.basis.stale, true);
  assert.equal(status.trusted, false);
});

void test('outliers are rejected; the estimate is the median of the agreeing group', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 1000));
  clock.addSample(sampleAt(system, 'ntp:b:123', 'ntp', 1003));
  clock.addSample(sampleAt(system, 'ntp:liar:123', 'ntp', 2 * HOUR));
  assert.equal(clock.offsetMs(), 1001.5);
  const status = clock.status();
  assert.deepEqual(status.basis.sources, ['ntp:a:123', 'ntp:b:123']);
  assert.deepEqual(status.basis.rejected, ['ntp:liar:123']);
  assert.equal(status.trusted, true);
});

void test('two sources that disagree: no majority, untrusted; the tighter one is used', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 0, 50));
  clock.addSample(sampleAt(system, 'ntp:b:123', 'ntp', HOUR, 5));
  assert.equal(clock.offsetMs(), HOUR);
  assert.equal(clock.trusted, false);
});

void test('each source keeps its newest sample; older and invalid samples are ignored', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  const old = sampleAt(system, 'ntp:a:123', 'ntp', 100);
  system.advance(10);
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 200));
  clock.addSample(old);
  clock.addSample({ ...sampleAt(system, 'ntp:b:123', 'ntp', 0), serverMs: Number.NaN });
  assert.equal(clock.offsetMs(), 200);
  assert.equal(clock.status().sources.length, 1);
});

void test('seeded from a persisted state: persisted offset, untrusted, until a live sample arrives', () => {
  const system = new FakeClock();
  const seed: PersistedClockState = {
    version: 1,
    savedAtSystemMs: system.now() - HOUR,
    offsetMs: 4000,
    trusted: true,
    basis: 'ntp',
    samples: [
      { source: 'ntp:a:123', kind: 'ntp', serverMs: system.now() - HOUR + 4000, systemMs: system.now() - HOUR, delayMs: 10, uncertaintyMs: 5 },
    ],
  };
  const clock = new CorrectedClock({ system, seed });
  assert.equal(clock.offsetMs(), 4000);
  assert.equal(clock.trusted, false);
  const status = clock.status();
  assert.equal(status.basis.kind, 'persisted');
  assert.deepEqual(
    status.sources.map((s) => [s.source, s.persisted, s.ageMs, s.offsetMs]),
    [['ntp:a:123', true, HOUR, 4000]],
  );
  system.set(system.now() + 10 * HOUR); // a step after start-up does not move the seeded estimate
  assert.equal(clock.offsetMs(), 4000 - 10 * HOUR);
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 7000));
  assert.equal(clock.offsetMs(), 7000);
  assert.equal(clock.trusted, true);
  assert.equal(clock.status().sources[0]?.persisted, false);
});

void test('snapshot re-based to the system clock survives a new process (monotonic restarts at 0)', () => {
  const system = new FakeClock();
  system.advance(50_000);
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', -2500));
  system.advance(1000);
  system.set(system.now() + 60_000); // stepped before saving: the snapshot must account for it
  const state = clock.snapshot();
  assert.equal(state.offsetMs, -2500 - 60_000);
  const next = new FakeClock(system.now() + 5000);
  const restored = new CorrectedClock({ system: next, seed: state });
  assert.equal(restored.offsetMs(), -2500 - 60_000);
  const src = restored.status().sources[0];
  assert.equal(src?.offsetMs, -2500 - 60_000);
  assert.equal(src?.ageMs, 6000);
});

void test('status() is plain JSON with the documented fields', () => {
  const system = new FakeClock(Date.UTC(2026, 0, 1));
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 1500));
  system.advance(250);
  const status = clock.status();
  assert.deepEqual(JSON.parse(JSON.stringify(status)), status);
  assert.equal(status.now, '2026-01-01T00:00:01.750Z');
  assert.deepEqual(status.sources[0], {
    source: 'ntp:a:123',
    kind: 'ntp',
    authenticated: false,
    persisted: false,
    offsetMs: 1500,
    delayMs: 10,
    uncertaintyMs: 5,
    ageMs: 250,
    at: '2026-01-01T00:00:01.500Z',
    used: true,
  });
});

void test('a throwing listener does not break addSample', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.onChange(() => {
    throw new Error('boom');
  });
  clock.addSample(sampleAt(system, 'ntp:a:123', 'ntp', 1000));
  assert.equal(clock.offsetMs(), 1000);
});

void test('a system clock inside every sample\'s interval is kept (an HTTP Date is good to ±0.5 s); outside, corrected', () => {
  const system = new FakeClock();
  const clock = new CorrectedClock({ system });
  clock.addSample(sampleAt(system, 'http:a', 'http', 300, 520));
  assert.equal(clock.offsetMs(), 0);
  assert.equal(clock.trusted, true);
  clock.addSample(sampleAt(system, 'ntp:b:123', 'ntp', 40, 5));
  assert.equal(clock.offsetMs(), 40, 'a precise source that disagrees with the system clock corrects it');
  system.set(system.now() + 3_600_000);
  assert.equal(clock.offsetMs(), 40 - 3_600_000, 'a system clock step afterwards does not move trusted time');
});
