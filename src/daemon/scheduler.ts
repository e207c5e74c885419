/**
 * The daemon's scheduler: named jobs run on intervals, each in its own loop.
 *
 * Contract:
 * - A job never runs twice at once: its loop awaits each run. `runNow`
 *   during a run queues exactly one more run right after it (requests
 *   coalesce) and resolves when that run has finished.
 * - Next run after a success: `interval` ± `jitter` × interval (uniform),
 *   or the time the run returned (`{ nextRunAt }`, e.g. an ARI window), if
 *   earlier. After the n-th failure in a row: min(backoff.max,
 *   backoff.initial × 2^(n−1)), jittered the same way, never later than a
 *   success would have been scheduled.
 * - Every run's outcome is saved (`JobStateStore`) before the next sleep, so
 *   a restart knows when each job is due: a job whose `nextRunAt` passed
 *   while the daemon was down runs once at start (missed runs are caught up
 *   once, not replayed); a job never seen runs at start.
 * - Times are the trusted clock's (`clock.now()`); sleeps are monotonic and
 *   at most MAX_SLEEP_MS each, so a clock correction moves the schedule.
 * - `stop()` aborts the signal given to running jobs (they finish or
 *   journal their work and clean up), waits for them up to its timeout, and
 *   starts nothing new. A job that throws never stops its loop.
 */
import type { Clock } from '../clock/clock.ts';
import type { JobState } from '../store/store.ts';
import { toAppError, type AppError } from '../core/errors.ts';

export const MAX_SLEEP_MS = 60_000;

/** A job's persisted state; defined with the Store that keeps it (`jobs` table). */
export type { JobState } from '../store/store.ts';

export interface JobStateStore {
  getJobState(name: string): Promise<JobState | undefined>;
  saveJobState(s: JobState): Promise<JobState>;
}

export interface RunOutcome {
  /** Run again no later than this (trusted epoch ms). */
  readonly nextRunAt?: number;
}

export interface JobSpec {
  readonly name: string;
  readonly intervalMs: number;
  /** Fraction of the interval, 0 … 0.5; default 0.1. */
  readonly jitter?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  run(signal: AbortSignal): Promise<RunOutcome | void>;
}

export interface RunResult {
  readonly ok: boolean;
  readonly error?: AppError;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly store: JobStateStore;
  /** Uniform in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Told about every finished run. */
  readonly onRun?: (job: string, r: RunResult) => void;
}

interface Loop {
  readonly spec: JobSpec;
  state: JobState;
  running: boolean;
  /** Waiters for the next finished run (runNow). */
  waiters: ((r: RunResult) => void)[];
  /** Wakes the loop's sleep early. */
  wake: AbortController;
  done: Promise<void>;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #loops = new Map<string, Loop>();
  readonly #stop = new AbortController();

  constructor(o: SchedulerOptions) {
    this.#o = o;
  }

  #now(): number {
    return Math.floor(this.#o.clock.now());
  }

  #jittered(ms: number, spec: JobSpec): number {
    const j = Math.min(0.5, Math.max(0, spec.jitter ?? 0.1));
    const r = this.#o.random?.() ?? Math.random();
    return Math.max(0, Math.round(ms * (1 + j * (2 * r - 1))));
  }

  /** The delay after the n-th failure in a row. */
  #backoff(spec: JobSpec, failures: number): number {
    const b = spec.backoff ?? { initialMs: Math.min(spec.intervalMs, 60_000), maxMs: spec.intervalMs };
    return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, failures - 1));
  }

  /** Start a job's loop (state from the store; due now when unknown or overdue). */
  async add(spec: JobSpec): Promise<void> {
    if (this.#loops.has(spec.name)) throw new Error(`job ${spec.name} already added`);
    const saved = await this.#o.store.getJobState(spec.name);
    const state: JobState = saved ?? { name: spec.name, nextRunAt: this.#now(), failures: 0 };
    const loop: Loop = { spec, state, running: false, waiters: [], wake: new AbortController(), done: Promise.resolve() };
    this.#loops.set(spec.name, loop);
    loop.done = this.#run(loop);
  }

  /** Current state of every job (for status and metrics). */
  states(): (JobState & { readonly running: boolean })[] {
    return [...this.#loops.values()].map((l) => ({ ...l.state, running: l.running }));
  }

  /** Run `name` as soon as it is not running; resolves with that run's result. */
  runNow(name: string): Promise<RunResult> {
    const loop = this.#loops.get(name);
    if (loop === undefined) return Promise.reject(new Error(`no job ${name}`));
    return new Promise((resolve) => {
      loop.waiters.push(resolve);
      loop.state = { ...loop.state, nextRunAt: Math.min(loop.state.nextRunAt, this.#now()) };
      loop.wake.abort();
    });
  }

  /** Make `name` due no later than `at` (trusted epoch ms). */
  scheduleAt(name: string, at: number): void {
    const loop = this.#loops.get(name);
    if (loop === undefined || at >= loop.state.nextRunAt) return;
    loop.state = { ...loop.state, nextRunAt: at };
    loop.wake.abort();
  }

  async #run(loop: Loop): Promise<void> {
    const { clock } = this.#o;
    while (!this.#stop.signal.aborted) {
      const wait = loop.state.nextRunAt - this.#now();
      if (wait > 0) {
        if (loop.wake.signal.aborted) loop.wake = new AbortController();
        const both = AbortSignal.any([loop.wake.signal, this.#stop.signal]);
        await clock.sleep(Math.min(wait, MAX_SLEEP_MS), both).catch(() => undefined);
        continue;
      }
      loop.wake = new AbortController();
      await this.#once(loop);
    }
    for (const w of loop.waiters.splice(0)) w({ ok: false, error: toAppError(this.#stop.signal.reason ?? new Error('stopped')), startedAt: this.#now(), finishedAt: this.#now() });
  }

  async #once(loop: Loop): Promise<void> {
    const { spec } = loop;
    const waiters = loop.waiters.splice(0);
    const startedAt = this.#now();
    loop.running = true;
    let result: RunResult;
    let outcome: RunOutcome | void = undefined;
    try {
      outcome = await spec.run(this.#stop.signal);
      result = { ok: true, startedAt, finishedAt: this.#now() };
    } catch (e) {
      result = { ok: false, error: toAppError(e), startedAt, finishedAt: this.#now() };
    } finally {
      loop.running = false;
    }
    const regular = result.finishedAt + this.#jittered(spec.intervalMs, spec);
    const failures = result.ok ? 0 : loop.state.failures + 1;
    let next = result.ok ? regular : Math.min(regular, result.finishedAt + this.#jittered(this.#backoff(spec, failures), spec));
    if (outcome?.nextRunAt !== undefined) next = Math.min(next, Math.max(result.finishedAt, Math.floor(outcome.nextRunAt)));
    // A runNow that arrived during this run: run again at once.
    if (loop.waiters.length > 0) next = result.finishedAt;
    const { lastError: _previous, ...rest } = loop.state;
    loop.state = {
      ...rest,
      nextRunAt: next,
      lastRunAt: startedAt,
      failures,
      ...(result.ok ? { lastSuccessAt: result.finishedAt } : { lastError: (result.error as AppError).diagnosis }),
    };
    try {
      loop.state = await this.#o.store.saveJobState(loop.state);
    } catch {
      // The schedule stays in memory; the next save retries.
    }
    this.#o.onRun?.(spec.name, result);
    for (const w of waiters) w(result);
  }

  /** Stop every loop: running jobs see their signal abort; waits for them up to `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<{ finished: boolean }> {
    this.#stop.abort(new Error('the daemon is stopping'));
    const all = Promise.all([...this.#loops.values()].map((l) => l.done)).then(() => true);
    const cancel = new AbortController();
    const late = this.#o.clock.sleep(timeoutMs, cancel.signal).then(
      () => false,
      () => true,
    );
    const finished = await Promise.race([all, late]);
    cancel.abort();
    return { finished };
  }
}
