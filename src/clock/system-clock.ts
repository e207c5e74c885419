import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from './clock.ts';

/** The operating system's clock, unmodified. The only place that reads Date.now(). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  monotonicMs(): number {
    return performance.now();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await delay(Math.max(0, ms), undefined, signal === undefined ? {} : { signal });
  }
}

export const systemClock: Clock = new SystemClock();
