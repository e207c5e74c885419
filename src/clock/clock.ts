/**
 * Time, as every signer, scheduler and comparison in zonekeeper must read it.
 *
 * Contract:
 * - `now()` is the best estimate of true UTC time in epoch milliseconds. For
 *   the corrected clock that is the system clock plus the learnt offset; it
 *   never goes through `Date.now()` anywhere else in the code base.
 * - `monotonicMs()` only ever grows, is unaffected by system clock jumps, and
 *   is meaningful only as a difference within one process.
 * - `sleep()` resolves after `ms` of monotonic time, or rejects with the
 *   signal's reason as soon as `signal` aborts.
 */
export interface Clock {
  now(): number;
  monotonicMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Where a time sample came from, ranked: authenticated > ntp > http. */
export type SampleKind = 'authenticated' | 'ntp' | 'http';

export const SAMPLE_RANK: Record<SampleKind, number> = { authenticated: 3, ntp: 2, http: 1 };

/**
 * One observation of a server's clock. `serverMs` is what the server's clock
 * read at the local instant described by `systemMs` (system clock, epoch ms)
 * and `monoMs` (this process's monotonic clock). For request/response
 * protocols that instant is the midpoint of send and receive.
 */
export interface TimeSample {
  /** Stable id of the source, e.g. "ntp:127.0.0.1:123", "tsig:127.0.0.1:53", "http:api.example.com". */
  readonly source: string;
  readonly kind: SampleKind;
  readonly serverMs: number;
  readonly systemMs: number;
  readonly monoMs: number;
  /** Round-trip delay of the exchange, ms. */
  readonly delayMs: number;
  /** Half-width of the interval the true offset lies in (delay/2 + server resolution/2). */
  readonly uncertaintyMs: number;
}

/** Receives samples; implemented by the corrected clock. */
export interface TimeSampleSink {
  addSample(sample: TimeSample): void;
}

/** What a protocol layer needs: a clock to sign with and a place to report what the server's clock said. */
export interface TrustedClock extends Clock, TimeSampleSink {
  /** The system clock underneath (for computing sample instants). */
  readonly system: Clock;
  /** Fresh samples of this process agree on the estimate (see corrected-clock.ts). */
  readonly trusted: boolean;
}
