import type { Clock } from '../../src/clock/clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';

/** The real system clock, wrong by `shiftMs` (what libfaketime does to a whole process, for one object). */
export class ShiftedClock implements Clock {
  readonly #shiftMs: number;

  constructor(shiftMs: number) {
    this.#shiftMs = shiftMs;
  }

  now(): number {
    return systemClock.now() + this.#shiftMs;
  }

  monotonicMs(): number {
    return systemClock.monotonicMs();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

/** "-400d", "+2h", "+10m" → milliseconds. */
export function parseShift(offset: string): number {
  const m = /^([+-])(\d+)([dhms])$/.exec(offset);
  if (m === null) throw new Error(`bad shift ${offset}`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[3] as 'd' | 'h' | 'm' | 's'];
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit;
}
