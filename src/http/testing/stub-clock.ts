/**
 * A TrustedClock for HTTP tests: the real system clock underneath, a fixed
 * offset and trust flag on top, and a record of every sample and sleep.
 * Sleeps end at once (after a macrotask), or, with `holdSleeps`, only when
 * their signal aborts, so retry waits cost no real time.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock, TimeSample, TrustedClock } from '../../clock/clock.ts';
import { systemClock } from '../../clock/system-clock.ts';

export class StubTrustedClock implements TrustedClock {
  readonly system: Clock = systemClock;
  readonly samples: TimeSample[] = [];
  readonly sleeps: number[] = [];
  offsetMs: number;
  trusted: boolean;
  holdSleeps = false;

  constructor(o: { offsetMs?: number; trusted?: boolean } = {}) {
    this.offsetMs = o.offsetMs ?? 0;
    this.trusted = o.trusted ?? true;
  }

  now(): number {
    return this.system.now() + this.offsetMs;
  }

  monotonicMs(): number {
    return this.system.monotonicMs();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted === true) throw signal.reason;
    if (!this.holdSleeps) {
      await nextTurn();
      return;
    }
    await new Promise<void>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }

  addSample(sample: TimeSample): void {
    this.samples.push(sample);
  }
}
