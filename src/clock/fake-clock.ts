import type { Clock } from './clock.ts';

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * A clock for tests: time moves only when `advance()` (or `set()`) is called;
 * sleepers wake in order when their time comes.
 */
export class FakeClock implements Clock {
  #epochMs: number;
  #monoMs = 0;
  #sleepers: Sleeper[] = [];

  constructor(epochMs = Date.UTC(2026, 10, 22, 12, 0, 0)) {
    this.#epochMs = epochMs;
  }

  now(): number {
    return this.#epochMs;
  }

  monotonicMs(): number {
    return this.#monoMs;
  }

  /** Jump the wall clock without moving monotonic time (a system clock step). */
  set(epochMs: number): void {
    this.#epochMs = epochMs;
  }

  advance(ms: number): void {
    this.#epochMs += ms;
    this.#monoMs += ms;
    const due = this.#sleepers.filter((s) => s.wakeAt <= this.#monoMs).sort((a, b) => a.wakeAt - b.wakeAt);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > this.#monoMs);
    for (const s of due) s.resolve();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.#monoMs + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  }

  /** Number of pending sleepers (lets tests wait until code under test is blocked). */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }
}
