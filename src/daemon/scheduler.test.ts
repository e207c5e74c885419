import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/fake-clock.ts';
import { AppError } from '../core/errors.ts';
import { Scheduler, type JobState, type JobStateStore, type RunOutcome } from './scheduler.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const MIN = 60_000;

class MemoryJobs implements JobStateStore {
  readonly rows = new Map<string, JobState>();
  saves = 0;
  getJobState(name: string): Promise<JobState | undefined> {
    return Promise.resolve(this.rows.get(name));
  }
  saveJobState(s: JobState): Promise<JobState> {
    this.saves++;
    this.rows.set(s.name, s);
    return Promise.resolve(s);
  }
}

/** Let every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** Advance the fake clock in steps, letting the loops react between steps. */
async function advance(clock: FakeClock, ms: number, step = 1000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

function setup(random = 0.5): { clock: FakeClock; store: MemoryJobs; s: Scheduler } {
  const clock = new FakeClock(T0);
  const store = new MemoryJobs();
  return { clock, store, s: new Scheduler({ clock, store, random: () => random }) };
}

void test('a new job runs at start, then every interval (jitter 0 at random 0.5)', async () => {
  const { clock, store, s } = setup();
  const runs: number[] = [];
  await s.add({ name: 'ddns', intervalMs: 5 * MIN, run: () => (runs.push(clock.now()), Promise.resolve()) });
  await settle();
  assert.deepEqual(runs, [T0]);
  await advance(clock, 5 * MIN);
  await advance(clock, 5 * MIN);
  assert.deepEqual(runs, [T0, T0 + 5 * MIN, T0 + 10 * MIN]);
  assert.equal(store.rows.get('ddns')?.nextRunAt, T0 + 15 * MIN);
  await s.stop();
});

void test('jitter spreads the next run within ± jitter × interval', async () => {
  for (const [random, expected] of [
    [0, 4.5 * MIN],
    [0.999999, 5.5 * MIN],
  ] as const) {
    const { store, s } = setup(random);
    await s.add({ name: 'j', intervalMs: 5 * MIN, jitter: 0.1, run: () => Promise.resolve() });
    await settle();
    assert.ok(Math.abs((store.rows.get('j')?.nextRunAt ?? 0) - (T0 + expected)) <= 1, String(store.rows.get('j')?.nextRunAt));
    await s.stop();
  }
});

void test('failures back off exponentially up to the cap; a success resets', async () => {
  const { clock, store, s } = setup();
  let fail = true;
  const runs: number[] = [];
  await s.add({
    name: 'renew',
    intervalMs: 60 * MIN,
    backoff: { initialMs: MIN, maxMs: 8 * MIN },
    run: () => {
      runs.push((clock.now() - T0) / MIN);
      return fail ? Promise.reject(new AppError('PROVIDER_AUTH')) : Promise.resolve();
    },
  });
  await advance(clock, 40 * MIN, 30_000);
  // 0, +1, +2, +4, +8, +8, +8 … minutes
  assert.deepEqual(runs.slice(0, 7), [0, 1, 3, 7, 15, 23, 31]);
  assert.equal(store.rows.get('renew')?.lastError?.code, 'PROVIDER_AUTH');
  assert.ok((store.rows.get('renew')?.failures ?? 0) >= 6);
  fail = false;
  await advance(clock, 8 * MIN, 30_000);
  const after = store.rows.get('renew');
  assert.equal(after?.failures, 0);
  assert.equal(after?.lastError, undefined);
  assert.equal(after?.nextRunAt, (after?.lastSuccessAt ?? 0) + 60 * MIN);
  await s.stop();
});

void test('never two runs of one job at once; runNow during a run queues exactly one more', async () => {
  const { s } = setup();
  let active = 0;
  let most = 0;
  let runs = 0;
  let release: () => void = () => {};
  await s.add({
    name: 'slow',
    intervalMs: 60 * MIN,
    run: async () => {
      runs++;
      active++;
      most = Math.max(most, active);
      await new Promise<void>((r) => (release = r));
      active--;
    },
  });
  await settle();
  assert.equal(runs, 1);
  const a = s.runNow('slow');
  const b = s.runNow('slow');
  await settle();
  assert.equal(runs, 1, 'still the first run');
  release();
  await settle();
  assert.equal(runs, 2, 'one more run for both requests');
  release();
  const [ra, rb] = await Promise.all([a, b]);
  assert.ok(ra.ok && rb.ok);
  assert.equal(most, 1);
  await settle();
  assert.equal(runs, 2);
  await s.stop();
});

void test('a run can ask to be called again sooner (an ARI window); scheduleAt moves a sleeping job', async () => {
  const { clock, store, s } = setup();
  const runs: number[] = [];
  await s.add({
    name: 'renew',
    intervalMs: 60 * MIN,
    run: (): Promise<RunOutcome> => {
      runs.push((clock.now() - T0) / MIN);
      return Promise.resolve(runs.length === 1 ? { nextRunAt: clock.now() + 10 * MIN } : {});
    },
  });
  await settle();
  assert.equal(store.rows.get('renew')?.nextRunAt, T0 + 10 * MIN);
  await advance(clock, 10 * MIN);
  s.scheduleAt('renew', clock.now() + 2 * MIN);
  await advance(clock, 2 * MIN);
  assert.deepEqual(runs, [0, 10, 12]);
  await s.stop();
});

void test('after downtime an overdue job runs once at start, not once per missed interval', async () => {
  const { clock, store } = setup();
  store.rows.set('ddns', { name: 'ddns', nextRunAt: T0 - 3 * 60 * MIN, lastRunAt: T0 - 4 * 60 * MIN, failures: 0 });
  store.rows.set('later', { name: 'later', nextRunAt: T0 + 30 * MIN, failures: 0 });
  const s = new Scheduler({ clock, store, random: () => 0.5 });
  let ddns = 0;
  let later = 0;
  await s.add({ name: 'ddns', intervalMs: 5 * MIN, run: () => (ddns++, Promise.resolve()) });
  await s.add({ name: 'later', intervalMs: 60 * MIN, run: () => (later++, Promise.resolve()) });
  await settle();
  assert.equal(ddns, 1);
  assert.equal(later, 0, 'not due yet: its saved time is kept');
  await advance(clock, 30 * MIN, 60_000);
  assert.equal(later, 1);
  assert.equal(ddns, 7);
  await s.stop();
});

void test('stop(): a running job sees its signal abort and is awaited; nothing starts afterwards', async () => {
  const { clock, s } = setup();
  let sawAbort = false;
  let runs = 0;
  await s.add({
    name: 'long',
    intervalMs: MIN,
    run: (signal) =>
      new Promise<void>((resolve) => {
        runs++;
        signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve();
        });
      }),
  });
  await settle();
  const r = await s.stop(5000);
  assert.equal(r.finished, true);
  assert.equal(sawAbort, true);
  await advance(clock, 10 * MIN, MIN);
  assert.equal(runs, 1);
});

void test('stop() gives up after its timeout when a job ignores the signal', async () => {
  const { clock, s } = setup();
  await s.add({ name: 'stuck', intervalMs: MIN, run: () => new Promise<void>(() => {}) });
  await settle();
  const p = s.stop(5000);
  await settle();
  clock.advance(5000);
  assert.deepEqual(await p, { finished: false });
});

void test('a corrected clock moves the schedule: sleeps are at most a minute', async () => {
  const { clock, s } = setup();
  const runs: number[] = [];
  await s.add({ name: 'j', intervalMs: 60 * MIN, run: () => (runs.push(clock.now()), Promise.resolve()) });
  await settle();
  clock.set(T0 + 2 * 60 * MIN); // the trusted time jumps two hours ahead
  await advance(clock, MIN, MIN);
  assert.equal(runs.length, 2);
  await s.stop();
});
