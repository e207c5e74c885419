/**
 * Deduplication and rate limiting of notifications, per notifier name.
 *
 * State lives in memory only (one limiter per process, kept across config
 * reloads by the runtime): a restart forgets it, so after a restart an
 * event may be sent once more within `minInterval`, and the hourly budget
 * starts afresh. Durations are measured on the monotonic clock, so a clock
 * correction neither releases nor holds back anything.
 *
 * - Duplicates: an event with the same (notifier, kind, subject) and the
 *   same content (`fingerprint`: its data, errors reduced to their code)
 *   as the one last sent less than `minIntervalMs` ago is dropped
 *   (`duplicate`). Changed content is sent at once. A send that failed is
 *   forgotten (`failed()`), so the next occurrence is tried again.
 * - Rate: messages are counted in windows of one hour, each opened by the
 *   first message after the previous one ended; beyond `maxPerHour` in a
 *   window an event is held back (`rate-limited`) and counted by kind.
 * - Summary: once a window that held events back has ended, `summaryDue()`
 *   hands out one `events-suppressed` event ("N more events suppressed")
 *   that opens the next window and counts in it. Dispatch asks for it before
 *   sending anything else to that notifier (and the daemon dispatches
 *   nothing every 15 minutes to flush it).
 */
import type { Clock } from '../clock/clock.ts';
import type { EvidenceValue } from '../core/errors.ts';
import type { NotifyEvent } from './types.ts';

export const HOUR_MS = 3_600_000;
/** The kind of the summary event (rendered like any other; not a kind users subscribe to). */
export const SUPPRESSED_KIND = 'events-suppressed';

export interface LimitSettings {
  readonly minIntervalMs: number;
  readonly maxPerHour: number;
}

export type Admission = 'send' | 'duplicate' | 'rate-limited';

interface Sent {
  readonly fingerprint: string;
  readonly atMono: number;
}

interface NotifierState {
  /** Monotonic ms the current window opened; undefined: no window open. */
  windowStart: number | undefined;
  sentInWindow: number;
  readonly suppressed: Map<string, number>;
  /** Trusted time the first held-back event happened. */
  suppressedSince: number | undefined;
  readonly last: Map<string, Sent>;
}

/** Stable JSON of a value, object keys sorted; an `error` member counts by its code only. */
function stable(v: EvidenceValue | undefined, key = ''): string {
  if (v === undefined) return 'null';
  if (key === 'error' && v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v['code'] === 'string') return JSON.stringify(v['code']);
  if (Array.isArray(v)) return `[${v.map((x) => stable(x)).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k], k)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** What makes two events of the same kind and subject "the same content". */
export function fingerprint(e: NotifyEvent): string {
  return stable(e.data);
}

export class NotifyLimiter {
  readonly #clock: Clock;
  readonly #states = new Map<string, NotifierState>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  #state(notifier: string): NotifierState {
    let s = this.#states.get(notifier);
    if (s === undefined) {
      s = { windowStart: undefined, sentInWindow: 0, suppressed: new Map(), suppressedSince: undefined, last: new Map() };
      this.#states.set(notifier, s);
    }
    return s;
  }

  /** Close the window if its hour is over (keeping what it held back for the summary). */
  #roll(s: NotifierState, now: number): void {
    if (s.windowStart !== undefined && now - s.windowStart >= HOUR_MS) {
      s.windowStart = undefined;
      s.sentInWindow = 0;
    }
  }

  #count(s: NotifierState, now: number): void {
    s.windowStart ??= now;
    s.sentInWindow++;
  }

  /** Decide on one event for `notifier`; a `send` is counted and remembered. */
  admit(notifier: string, settings: LimitSettings, e: NotifyEvent): Admission {
    const now = this.#clock.monotonicMs();
    const s = this.#state(notifier);
    for (const [k, v] of s.last) if (now - v.atMono >= settings.minIntervalMs) s.last.delete(k);
    const key = `${e.kind}\n${e.subject}`;
    const fp = fingerprint(e);
    const last = s.last.get(key);
    if (last !== undefined && last.fingerprint === fp) return 'duplicate';
    this.#roll(s, now);
    if (s.sentInWindow >= settings.maxPerHour) {
      s.suppressed.set(e.kind, (s.suppressed.get(e.kind) ?? 0) + 1);
      s.suppressedSince ??= e.at;
      return 'rate-limited';
    }
    this.#count(s, now);
    if (settings.minIntervalMs > 0) s.last.set(key, { fingerprint: fp, atMono: now });
    return 'send';
  }

  /** A send admitted for `e` failed: forget it, so the next occurrence is not a duplicate. */
  failed(notifier: string, e: NotifyEvent): void {
    this.#states.get(notifier)?.last.delete(`${e.kind}\n${e.subject}`);
  }

  /**
   * The summary of what `notifier` held back, once the window that held it
   * back has ended; consumed (the caller sends it) and counted in a new window.
   */
  summaryDue(notifier: string): NotifyEvent | undefined {
    const s = this.#states.get(notifier);
    if (s === undefined || s.suppressed.size === 0) return undefined;
    const now = this.#clock.monotonicMs();
    this.#roll(s, now);
    if (s.windowStart !== undefined) return undefined;
    const kinds = Object.fromEntries([...s.suppressed].sort(([a], [b]) => a.localeCompare(b)));
    const count = [...s.suppressed.values()].reduce((a, b) => a + b, 0);
    const since = s.suppressedSince ?? Math.floor(this.#clock.now());
    s.suppressed.clear();
    s.suppressedSince = undefined;
    this.#count(s, now);
    return { kind: SUPPRESSED_KIND, subject: notifier, at: Math.floor(this.#clock.now()), data: { count, kinds, since: new Date(since).toISOString() } };
  }
}
