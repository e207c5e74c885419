/**
 * Login throttling, in memory (a restart forgets it; the attacker gains one
 * window). Failures are counted per key (client address, and username):
 * the first FREE failures within WINDOW_MS cost nothing; each further one
 * locks the key for 30 s × 2^(n − FREE − 1), at most MAX_LOCK_MS. A success
 * clears the key. Times come from the injected clock (monotonic).
 */
import type { Clock } from '../../clock/clock.ts';

export const FREE = 5;
export const WINDOW_MS = 15 * 60_000;
export const MAX_LOCK_MS = 15 * 60_000;

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export class LoginThrottle {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Milliseconds until `keys` may try again (0: now). */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.#clock.monotonicMs();
    return Math.max(0, ...keys.map((k) => (this.#entries.get(k)?.lockedUntil ?? 0) - now));
  }

  failed(keys: readonly string[]): void {
    const now = this.#clock.monotonicMs();
    for (const k of keys) {
      let e = this.#entries.get(k);
      if (e === undefined || now - e.firstAt > WINDOW_MS) e = { failures: 0, firstAt: now, lockedUntil: 0 };
      e.failures++;
      if (e.failures > FREE) e.lockedUntil = now + Math.min(MAX_LOCK_MS, 30_000 * 2 ** (e.failures - FREE - 1));
      this.#entries.set(k, e);
    }
    if (this.#entries.size > 10_000) for (const [k, e] of this.#entries) if (now - e.firstAt > WINDOW_MS && e.lockedUntil < now) this.#entries.delete(k);
  }

  succeeded(keys: readonly string[]): void {
    for (const k of keys) this.#entries.delete(k);
  }
}
