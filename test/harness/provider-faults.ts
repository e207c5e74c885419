/**
 * The fault suite every HTTP provider runs against its emulator or real
 * server (faults.ts injects the faults there): garbage, resets, stalls and
 * throttling from the vendor end in a typed AppError within the configured
 * timeout, a failed write leaves nothing half-applied, throttling is
 * retried within a bounded budget, and a refused credential never is.
 *
 * The HTTP client is the product's own, with its retry budget of
 * MAX_ATTEMPTS attempts per request (the first included); only its jitter
 * is fixed (random 0: backoff 250, 500, 500 ms with the 1 s cap used here)
 * and its waits recorded, so that Retry-After can be seen honoured without
 * a timing assertion. Retry-After values are 0 or 1 s.
 *
 * Expectations, per fault (read: getRecords; write: appending a second TXT
 * value next to an existing one, the fault hitting the write request only):
 * - HTML error page (502): reads retried, once → one more request and
 *   success; always → HTTP_STATUS after exactly MAX_ATTEMPTS requests.
 *   Writes are not retried (the server may have acted): HTTP_STATUS after
 *   one request, nothing applied.
 * - Truncated JSON/XML in the vendor's 200: PROVIDER_RESPONSE_INVALID after
 *   one request (reads and writes).
 * - Connection reset: reads retried (mid-response once → success after one
 *   more; always → HTTP_CONNECTION after MAX_ATTEMPTS); a write reset after
 *   it was sent is HTTP_CONNECTION with requestSent, never repeated.
 * - Stall: HTTP_TIMEOUT after one request (a sent request that timed out is
 *   not repeated), requestSent true; the test's own timeout proves it ended.
 * - The vendor's throttling answer (whatever its status): once → exactly
 *   one more request and success; always → HTTP_RATE_LIMITED after
 *   exactly MAX_ATTEMPTS requests, nothing applied. 503 with Retry-After
 *   once → one more request and success.
 * - A refused credential: PROVIDER_AUTH after one request; after a
 *   throttling answer, after exactly two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, TimeSample, TrustedClock } from '../../src/clock/clock.ts';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import { AppError, type ErrorCode } from '../../src/core/errors.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import { createHttpClient } from '../../src/http/client.ts';
import type { HttpClient } from '../../src/http/types.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import type { Fault, FaultHost } from '../emulators/faults.ts';

/** Attempts per request of the HTTP client (its default). */
export const MAX_ATTEMPTS = 4;
/** The provider `timeout` setting in the stall tests, ms. */
export const STALL_TIMEOUT_MS = 1500;
/** The provider `timeout` setting everywhere else, ms. */
const NORMAL_TIMEOUT_MS = 10_000;

export interface ProviderSetup {
  readonly timeoutMs: number;
  /** The process's HTTP client (ProviderDeps.http). */
  readonly http: HttpClient;
  /** The clock of `http`, for the provider's deps. */
  readonly clock: TrustedClock;
}

export interface FaultTarget {
  /** The provider, configured with `timeout: timeoutMs`, over `http`. */
  readonly provider: (s: ProviderSetup) => DnsProvider;
  /** The same with a credential the server refuses. */
  readonly unauthorized: (s: ProviderSetup) => DnsProvider;
  /** Absolute, with the trailing dot. */
  readonly zone: string;
  /** The server the provider talks to: the faults go there. */
  readonly host: FaultHost;
  /** What DNS serves at `fqdn` (no trailing dot; BIND, pdns), to check a failed write there too. */
  readonly served?: (fqdn: string, type: 'TXT') => Promise<string[]>;
}

export interface FaultSuiteOptions {
  /** Keeps this run's names apart. */
  readonly label: string;
  /** Does the vendor's throttling answer carry Retry-After (then the wait is exactly it), or is it backoff? */
  readonly throttleRetryAfter: boolean;
  /** The code of an HTML 502 page (default HTTP_STATUS). */
  readonly htmlCode?: ErrorCode;
  /**
   * Can a truncated answer to a write be told from success? Not where the
   * provider reads nothing in a write's answer (a webhook receiver answers
   * what it likes). Default true.
   */
  readonly truncatedWrites?: boolean;
}

/** A TrustedClock that records the waits of the HTTP client. */
class RecordingClock implements TrustedClock {
  readonly sleeps: number[] = [];
  readonly #inner = new CorrectedClock({ system: systemClock });
  get system(): Clock {
    return this.#inner.system;
  }
  get trusted(): boolean {
    return this.#inner.trusted;
  }
  now(): number {
    return this.#inner.now();
  }
  monotonicMs(): number {
    return this.#inner.monotonicMs();
  }
  addSample(sample: TimeSample): void {
    this.#inner.addSample(sample);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    await this.#inner.sleep(ms, signal);
  }
}

interface Outcome {
  readonly requests: number;
  readonly writes: number;
  readonly sleeps: readonly number[];
  readonly error: unknown;
}

function expectCode(o: Outcome, code: ErrorCode, evidence: Record<string, unknown> = {}): AppError {
  const e = o.error;
  assert.ok(e instanceof AppError, `expected ${code}, got ${e === undefined ? 'success' : e instanceof Error ? `${e.name}: ${e.message}` : JSON.stringify(e)}`);
  assert.equal(e.code, code, JSON.stringify(e.diagnosis));
  for (const [k, v] of Object.entries(evidence)) assert.deepEqual(e.diagnosis.evidence[k], v, `evidence ${k}: ${JSON.stringify(e.diagnosis)}`);
  return e;
}

function expectSuccess(o: Outcome): void {
  assert.equal(o.error, undefined, o.error instanceof AppError ? JSON.stringify(o.error.diagnosis) : o.error instanceof Error ? o.error.message : 'a non-Error was thrown');
}

const txtAt = (records: readonly DnsRecord[], name: string): string[] =>
  records
    .filter((r) => r.name === name && r.type === 'TXT')
    .map((r) => r.data)
    .sort();

export function runProviderFaultSuite(name: string, target: () => FaultTarget, o: FaultSuiteOptions): void {
  const htmlCode = o.htmlCode ?? 'HTTP_STATUS';
  const label = (s: string): string => `${s}.${o.label}`;

  const setup = (timeoutMs: number): ProviderSetup & { clock: RecordingClock } => {
    const clock = new RecordingClock();
    return { timeoutMs, clock, http: createHttpClient({ clock, userAgent: 'zonekeeper-faults', random: () => 0, maxRetryDelayMs: 1000 }) };
  };

  /** Run `f` with `faults` queued; the requests and waits it took, and how it ended. */
  const run = async (faults: readonly Fault[], s: ProviderSetup & { clock: RecordingClock }, f: () => Promise<unknown>): Promise<Outcome> => {
    const { host } = target();
    const r0 = host.count();
    const w0 = host.writes();
    const s0 = s.clock.sleeps.length;
    host.faults.push(...faults);
    let error: unknown;
    try {
      await f();
    } catch (e) {
      error = e;
    } finally {
      host.faults.length = 0;
    }
    return { requests: host.count() - r0, writes: host.writes() - w0, sleeps: s.clock.sleeps.slice(s0), error };
  };

  /** Requests one fault-free getRecords takes (after a first call that warms any zone-id cache). */
  const readCost = async (p: DnsProvider, s: ProviderSetup & { clock: RecordingClock }): Promise<number> => {
    const { zone } = target();
    await p.getRecords(zone);
    const r = await run([], s, () => p.getRecords(zone));
    expectSuccess(r);
    return r.requests;
  };

  const read = (title: string, faults: readonly Fault[], check: (r: Outcome, base: number) => void, timeoutMs = NORMAL_TIMEOUT_MS): void => {
    void test(`${name} faults, read: ${title}`, { timeout: 30_000 }, async () => {
      const { zone } = target();
      const s = setup(timeoutMs);
      const p = target().provider(s);
      const base = await readCost(p, s);
      check(await run(faults, s, () => p.getRecords(zone)), base);
    });
  };

  /** Append "second" next to "first" at a fresh name, the faults hitting writes only; then what the name holds. */
  const write = (title: string, slug: string, faults: readonly Fault[], check: (r: Outcome, values: string[]) => void, timeoutMs = NORMAL_TIMEOUT_MS): void => {
    void test(`${name} faults, write: ${title}`, { timeout: 30_000 }, async () => {
      const { zone } = target();
      const rel = label(slug);
      const clean = target().provider(setup(NORMAL_TIMEOUT_MS));
      await clean.appendRecords(zone, [{ name: rel, type: 'TXT', data: 'first', ttl: 120 }]);
      const s = setup(timeoutMs);
      const p = target().provider(s);
      await p.getRecords(zone);
      const r = await run(
        faults.map((f) => ({ ...f, on: 'write' as const })),
        s,
        () => p.appendRecords(zone, [{ name: rel, type: 'TXT', data: 'second', ttl: 120 }]),
      );
      const listed = txtAt(await clean.getRecords(zone), rel);
      const served = target().served;
      if (served !== undefined) assert.deepEqual(await served(`${rel}.${zone.replace(/\.$/, '')}`, 'TXT'), listed, 'DNS serves what the provider lists');
      check(r, listed);
    });
  };

  const always = (f: Fault): Fault => ({ ...f, times: Infinity });

  // ---- reads ----
  read('an HTML error page (502) once: retried, one more request, success', [{ kind: 'html' }], (r, base) => {
    expectSuccess(r);
    assert.equal(r.requests, base + 1);
  });
  read(`an HTML error page (502) every time: ${htmlCode} after exactly ${MAX_ATTEMPTS} requests`, [always({ kind: 'html' })], (r) => {
    const e = expectCode(r, htmlCode, { status: 502 });
    assert.match(JSON.stringify(e.diagnosis.evidence), /502 Bad Gateway/, 'the page is shown by its title');
    assert.equal(r.requests, MAX_ATTEMPTS);
  });
  read('truncated JSON/XML in a 200: PROVIDER_RESPONSE_INVALID after one request, with an excerpt', [{ kind: 'truncated-json' }], (r) => {
    const e = expectCode(r, 'PROVIDER_RESPONSE_INVALID', { status: 200 });
    assert.ok(typeof e.diagnosis.evidence['excerpt'] === 'string' && e.diagnosis.evidence['excerpt'] !== '');
    assert.equal(r.requests, 1);
  });
  read('a connection reset mid-response once: retried, one more request, success', [{ kind: 'reset', midResponse: true }], (r, base) => {
    expectSuccess(r);
    assert.equal(r.requests, base + 1);
  });
  read(`a connection reset after every request: HTTP_CONNECTION after exactly ${MAX_ATTEMPTS} requests`, [always({ kind: 'reset' })], (r) => {
    expectCode(r, 'HTTP_CONNECTION', { requestSent: true, attempts: MAX_ATTEMPTS });
    assert.equal(r.requests, MAX_ATTEMPTS);
  });
  read(
    `a stall: HTTP_TIMEOUT after one request and the configured ${STALL_TIMEOUT_MS} ms`,
    [always({ kind: 'stall' })],
    (r) => {
      expectCode(r, 'HTTP_TIMEOUT', { timeoutMs: STALL_TIMEOUT_MS, requestSent: true });
      assert.equal(r.requests, 1);
    },
    STALL_TIMEOUT_MS,
  );
  read("the vendor's throttling answer once: exactly one more request, success", [{ kind: 'status', status: 429, retryAfter: 1 }], (r, base) => {
    expectSuccess(r);
    assert.equal(r.requests, base + 1);
    if (o.throttleRetryAfter) assert.deepEqual(r.sleeps, [1000], 'Retry-After: 1 is waited, through the clock');
    else assert.deepEqual(r.sleeps, [250], 'no Retry-After: the first backoff step');
  });
  read(`the vendor's throttling answer every time: HTTP_RATE_LIMITED after exactly ${MAX_ATTEMPTS} requests`, [always({ kind: 'status', status: 429, retryAfter: 0 })], (r) => {
    expectCode(r, 'HTTP_RATE_LIMITED', { attempts: MAX_ATTEMPTS });
    assert.equal(r.requests, MAX_ATTEMPTS);
    assert.equal(r.sleeps.length, MAX_ATTEMPTS - 1);
  });
  read('503 with Retry-After once: exactly one more request, success', [{ kind: 'status', status: 503, retryAfter: 0 }], (r, base) => {
    expectSuccess(r);
    assert.equal(r.requests, base + 1);
  });

  // ---- writes ----
  write(`an HTML error page (502): ${htmlCode} after one write request, not repeated, nothing applied`, 'w-html', [{ kind: 'html' }], (r, values) => {
    expectCode(r, htmlCode, { status: 502 });
    assert.equal(r.writes, 1);
    assert.deepEqual(values, ['first']);
  });
  if (o.truncatedWrites !== false) {
    write('a truncated answer: PROVIDER_RESPONSE_INVALID after one write request', 'w-trunc', [{ kind: 'truncated-json' }], (r, values) => {
      expectCode(r, 'PROVIDER_RESPONSE_INVALID');
      assert.equal(r.writes, 1);
      assert.deepEqual(values, ['first']);
    });
  }
  write('a connection reset after the request: HTTP_CONNECTION (requestSent), not repeated, nothing applied', 'w-reset', [{ kind: 'reset' }], (r, values) => {
    expectCode(r, 'HTTP_CONNECTION', { requestSent: true });
    assert.equal(r.writes, 1);
    assert.deepEqual(values, ['first']);
  });
  write(
    'a stall: HTTP_TIMEOUT (requestSent) after one write request, not repeated, nothing applied',
    'w-stall',
    [{ kind: 'stall' }],
    (r, values) => {
      expectCode(r, 'HTTP_TIMEOUT', { timeoutMs: STALL_TIMEOUT_MS, requestSent: true });
      assert.equal(r.writes, 1);
      assert.deepEqual(values, ['first']);
    },
    STALL_TIMEOUT_MS,
  );
  write("the vendor's throttling answer once: exactly one more write request, both values there", 'w-429-once', [{ kind: 'status', status: 429, retryAfter: 1 }], (r, values) => {
    expectSuccess(r);
    assert.equal(r.writes, 2);
    assert.deepEqual(values, ['first', 'second']);
  });
  write(`the vendor's throttling answer every time: HTTP_RATE_LIMITED after exactly ${MAX_ATTEMPTS} write requests, nothing applied`, 'w-429-always', [always({ kind: 'status', status: 429, retryAfter: 0 })], (r, values) => {
    expectCode(r, 'HTTP_RATE_LIMITED', { attempts: MAX_ATTEMPTS });
    assert.equal(r.writes, MAX_ATTEMPTS);
    assert.deepEqual(values, ['first']);
  });
  write('503 with Retry-After once: exactly one more write request, both values there', 'w-503-once', [{ kind: 'status', status: 503, retryAfter: 0 }], (r, values) => {
    expectSuccess(r);
    assert.equal(r.writes, 2);
    assert.deepEqual(values, ['first', 'second']);
  });

  // ---- credentials ----
  void test(`${name} faults: a refused credential is PROVIDER_AUTH after one request, after a throttling answer after exactly two`, { timeout: 30_000 }, async () => {
    const { zone } = target();
    const s = setup(NORMAL_TIMEOUT_MS);
    const bad = target().unauthorized(s);
    const plain = await run([], s, () => bad.getRecords(zone));
    expectCode(plain, 'PROVIDER_AUTH');
    assert.equal(plain.requests, 1);
    const throttled = await run([{ kind: 'status', status: 429, retryAfter: 0 }], s, () => bad.getRecords(zone));
    expectCode(throttled, 'PROVIDER_AUTH');
    assert.equal(throttled.requests, 2);
  });
}
