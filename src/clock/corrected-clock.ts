/**
 * The corrected clock: the system clock plus an offset learnt from samples.
 *
 * Contract:
 * - Each source keeps only its newest sample. A sample is turned into an
 *   anchor c = serverMs − monoMs, so the source says "true time is
 *   c + monotonicMs()". The estimate is anchored the same way, so a system
 *   clock step in the middle of a run does not move `now()`.
 * - Ranking: among sources whose last sample is fresh (younger than
 *   `maxSampleAgeMs`), only the best kind counts (authenticated > ntp >
 *   http, SAMPLE_RANK). Within it, samples that disagree with the largest
 *   mutually agreeing group (intervals c ± (uncertainty + margin + drift over
 *   the sample's age) that share a point) are rejected as outliers; the
 *   estimate is the median anchor of the group.
 * - `trusted` holds when fresh samples from this process chose the estimate
 *   and the agreeing group is a strict majority of its kind. With only stale
 *   samples the best kind still decides, untrusted. With no sample from this
 *   process, the persisted offset (if seeded) is used, untrusted; with
 *   nothing at all, the system clock is followed (offset 0), untrusted.
 * - Everything is synchronous: concurrent `addSample()` callers cannot
 *   interleave. An out-of-date sample (older than the source's current one)
 *   and a sample with non-finite numbers are ignored.
 * - Change listeners run synchronously after every accepted sample and after
 *   any change of the estimate; they must not throw (errors are swallowed).
 */
import { SAMPLE_RANK, type Clock, type SampleKind, type TimeSample, type TrustedClock } from './clock.ts';
import type { PersistedClockState, PersistedSample } from './offset-file.ts';

export type BasisKind = SampleKind | 'persisted' | 'system';

export interface SourceStatus {
  readonly source: string;
  readonly kind: SampleKind;
  readonly authenticated: boolean;
  /** Loaded from the clock file of an earlier process, not measured by this one. */
  readonly persisted: boolean;
  /** What this source alone says trusted − system clock is now, ms. */
  readonly offsetMs: number;
  readonly delayMs: number;
  readonly uncertaintyMs: number;
  readonly ageMs: number;
  /** Trusted time of the sample instant, ISO 8601. */
  readonly at: string;
  /** Part of the agreeing group the estimate came from. */
  readonly used: boolean;
}

export interface ClockStatus {
  /** Trusted time, ISO 8601. */
  readonly now: string;
  readonly nowMs: number;
  /** Trusted − system clock, ms. */
  readonly offsetMs: number;
  readonly trusted: boolean;
  readonly basis: {
    readonly kind: BasisKind;
    /** Sources the estimate is the median of. */
    readonly sources: readonly string[];
    /** Sources of that kind rejected as outliers. */
    readonly rejected: readonly string[];
    /** The samples behind the estimate are older than the freshness limit. */
    readonly stale: boolean;
  };
  readonly sources: readonly SourceStatus[];
}

export interface CorrectedClockOptions {
  readonly system: Clock;
  /** State from an earlier process (see offset-file.ts). */
  readonly seed?: PersistedClockState;
  /** A sample older than this is stale. Default 6 h. */
  readonly maxSampleAgeMs?: number;
  /** Added to every uncertainty before deciding whether samples agree, ms. Default 25. */
  readonly agreementMarginMs?: number;
  readonly onChange?: (clock: CorrectedClock) => void;
}

/** Assumed worst rate error of the monotonic clock against true time (50 ppm). */
const DRIFT_PER_MS = 50e-6;
const DEFAULT_MAX_AGE_MS = 6 * 3_600_000;
const DEFAULT_MARGIN_MS = 25;

interface Entry {
  /** For persisted samples, monoMs and systemMs are synthesised at load time. */
  readonly sample: TimeSample;
  /** serverMs − monoMs: true time = anchor + monotonicMs(). */
  readonly anchor: number;
  readonly persisted: boolean;
}

interface Estimate {
  /** undefined: follow the system clock. */
  readonly anchor: number | undefined;
  readonly kind: BasisKind;
  readonly used: readonly string[];
  readonly rejected: readonly string[];
  readonly trusted: boolean;
  readonly stale: boolean;
  /** Monotonic time at which some sample's freshness changes and the estimate must be redone. */
  readonly recheckAtMono: number;
}

function isValidSample(s: TimeSample): boolean {
  return (
    typeof s.source === 'string' &&
    s.source !== '' &&
    Object.hasOwn(SAMPLE_RANK, s.kind) &&
    [s.serverMs, s.systemMs, s.monoMs, s.delayMs, s.uncertaintyMs].every(Number.isFinite) &&
    s.uncertaintyMs >= 0
  );
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

/**
 * Largest group of entries whose intervals anchor ± width share a point.
 * Ties go to the group with the smaller total width, then the newest sample.
 */
export function agreeingGroup<T>(items: readonly T[], anchorOf: (t: T) => number, widthOf: (t: T) => number, newnessOf: (t: T) => number): T[] {
  let best: T[] = [];
  let bestWidth = Number.POSITIVE_INFINITY;
  let bestNewness = Number.NEGATIVE_INFINITY;
  for (const p of items) {
    const point = anchorOf(p) - widthOf(p);
    const members = items.filter((t) => anchorOf(t) - widthOf(t) <= point && point <= anchorOf(t) + widthOf(t));
    const width = members.reduce((sum, t) => sum + widthOf(t), 0);
    const newness = Math.max(...members.map(newnessOf));
    const better =
      members.length > best.length ||
      (members.length === best.length && (width < bestWidth || (width === bestWidth && newness > bestNewness)));
    if (better) {
      best = members;
      bestWidth = width;
      bestNewness = newness;
    }
  }
  return best;
}

export class CorrectedClock implements TrustedClock {
  readonly system: Clock;
  readonly #maxAge: number;
  readonly #margin: number;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<(clock: CorrectedClock) => void>();
  /** Anchor from the persisted offset, if seeded. */
  readonly #seedAnchor: number | undefined;
  #estimate: Estimate;

  constructor(options: CorrectedClockOptions) {
    this.system = options.system;
    this.#maxAge = options.maxSampleAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#margin = options.agreementMarginMs ?? DEFAULT_MARGIN_MS;
    if (options.onChange !== undefined) this.#listeners.add(options.onChange);
    const seed = options.seed;
    if (seed !== undefined) {
      const sys = this.system.now();
      const mono = this.system.monotonicMs();
      this.#seedAnchor = sys + seed.offsetMs - mono;
      for (const p of seed.samples) this.#addPersisted(p, sys, mono);
    }
    this.#estimate = this.#compute(this.system.monotonicMs());
  }

  #addPersisted(p: PersistedSample, sys: number, mono: number): void {
    const ageMs = Math.max(0, sys - p.systemMs);
    const sample: TimeSample = {
      source: p.source,
      kind: p.kind,
      serverMs: sys - ageMs + (p.serverMs - p.systemMs),
      systemMs: sys - ageMs,
      monoMs: mono - ageMs,
      delayMs: p.delayMs,
      uncertaintyMs: p.uncertaintyMs,
    };
    this.#entries.set(p.source, { sample, anchor: sample.serverMs - sample.monoMs, persisted: true });
  }

  /** Register a listener for changes (new samples, new estimate); returns its removal. */
  onChange(listener: (clock: CorrectedClock) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addSample(sample: TimeSample): void {
    if (!isValidSample(sample)) return;
    const current = this.#entries.get(sample.source);
    if (current !== undefined && !current.persisted && current.sample.monoMs > sample.monoMs) return;
    this.#entries.set(sample.source, { sample: { ...sample }, anchor: sample.serverMs - sample.monoMs, persisted: false });
    this.#estimate = this.#compute(this.system.monotonicMs());
    this.#emit();
  }

  now(): number {
    const mono = this.system.monotonicMs();
    const anchor = this.#current(mono).anchor;
    return anchor === undefined ? this.system.now() : anchor + mono;
  }

  monotonicMs(): number {
    return this.system.monotonicMs();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.system.sleep(ms, signal);
  }

  /** Trusted − system clock, ms. */
  offsetMs(): number {
    const mono = this.system.monotonicMs();
    const anchor = this.#current(mono).anchor;
    return anchor === undefined ? 0 : anchor + mono - this.system.now();
  }

  get trusted(): boolean {
    return this.#current(this.system.monotonicMs()).trusted;
  }

  /** A JSON-able description for `zonekeeper clock --json`. */
  status(): ClockStatus {
    const mono = this.system.monotonicMs();
    const sys = this.system.now();
    const est = this.#current(mono);
    const nowMs = est.anchor === undefined ? sys : est.anchor + mono;
    const used = new Set(est.used);
    const sources = [...this.#entries.values()]
      .sort((a, b) => SAMPLE_RANK[b.sample.kind] - SAMPLE_RANK[a.sample.kind] || a.sample.source.localeCompare(b.sample.source))
      .map((e): SourceStatus => {
        const ageMs = Math.max(0, mono - e.sample.monoMs);
        return {
          source: e.sample.source,
          kind: e.sample.kind,
          authenticated: e.sample.kind === 'authenticated',
          persisted: e.persisted,
          offsetMs: e.anchor + mono - sys,
          delayMs: e.sample.delayMs,
          uncertaintyMs: e.sample.uncertaintyMs,
          ageMs,
          at: new Date(nowMs - ageMs).toISOString(),
          used: used.has(e.sample.source),
        };
      });
    return {
      now: new Date(nowMs).toISOString(),
      nowMs,
      offsetMs: nowMs - sys,
      trusted: est.trusted,
      basis: { kind: est.kind, sources: [...est.used], rejected: [...est.rejected], stale: est.stale },
      sources,
    };
  }

  /** The state to persist (see offset-file.ts), re-based to the system clock as it reads now. */
  snapshot(): PersistedClockState {
    const mono = this.system.monotonicMs();
    const sys = this.system.now();
    const est = this.#current(mono);
    return {
      version: 1,
      savedAtSystemMs: sys,
      offsetMs: est.anchor === undefined ? 0 : est.anchor + mono - sys,
      trusted: est.trusted,
      basis: est.kind,
      samples: [...this.#entries.values()].map((e) => {
        const systemMs = sys - (mono - e.sample.monoMs);
        return {
          source: e.sample.source,
          kind: e.sample.kind,
          serverMs: e.anchor + e.sample.monoMs,
          systemMs,
          delayMs: e.sample.delayMs,
          uncertaintyMs: e.sample.uncertaintyMs,
        };
      }),
    };
  }

  /** The estimate, redone first if some sample's freshness has changed since. */
  #current(mono: number): Estimate {
    if (mono >= this.#estimate.recheckAtMono) {
      const before = this.#estimate;
      this.#estimate = this.#compute(mono);
      if (
        before.anchor !== this.#estimate.anchor ||
        before.kind !== this.#estimate.kind ||
        before.trusted !== this.#estimate.trusted ||
        before.used.join('\n') !== this.#estimate.used.join('\n')
      ) {
        this.#emit();
      }
    }
    return this.#estimate;
  }

  #compute(mono: number): Estimate {
    const live = [...this.#entries.values()].filter((e) => !e.persisted);
    const ageOf = (e: Entry): number => Math.max(0, mono - e.sample.monoMs);
    const fresh = live.filter((e) => ageOf(e) <= this.#maxAge);
    // The estimate changes when the first fresh sample turns stale.
    const recheckAtMono = Math.min(...fresh.map((e) => e.sample.monoMs + this.#maxAge + 1));
    const pool = fresh.length > 0 ? fresh : live;
    if (pool.length === 0) {
      const kind = this.#seedAnchor === undefined ? 'system' : 'persisted';
      return { anchor: this.#seedAnchor, kind, used: [], rejected: [], trusted: false, stale: false, recheckAtMono };
    }
    const rank = Math.max(...pool.map((e) => SAMPLE_RANK[e.sample.kind]));
    const group = pool.filter((e) => SAMPLE_RANK[e.sample.kind] === rank);
    const agreeing = agreeingGroup(
      group,
      (e) => e.anchor,
      (e) => e.sample.uncertaintyMs + this.#margin + ageOf(e) * DRIFT_PER_MS,
      (e) => e.sample.monoMs,
    );
    const usedSet = new Set(agreeing);
    const kind = group[0]?.sample.kind ?? 'system';
    // When the system clock lies inside every agreeing sample's interval, the
    // evidence does not show it wrong, and it is more precise than the
    // evidence (an HTTP Date is good to ±0.5 s): keep its reading, pinned to
    // the monotonic clock like any other estimate.
    const systemAnchor = this.system.now() - mono;
    const systemAgrees = agreeing.every((e) => Math.abs(e.anchor - systemAnchor) <= e.sample.uncertaintyMs + this.#margin + ageOf(e) * DRIFT_PER_MS);
    return {
      anchor: systemAgrees ? systemAnchor : median(agreeing.map((e) => e.anchor)),
      kind,
      used: agreeing.map((e) => e.sample.source).sort(),
      rejected: group.filter((e) => !usedSet.has(e)).map((e) => e.sample.source).sort(),
      trusted: fresh.length > 0 && agreeing.length * 2 > group.length,
      stale: fresh.length === 0,
      recheckAtMono,
    };
  }

  #emit(): void {
    for (const listener of this.#listeners) {
      try {
        listener(this);
      } catch {
        // Listeners must not throw; a failing one must not break the sample's reporter.
      }
    }
  }
}
