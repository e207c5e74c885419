/**
 * Time samples from HTTP `Date` response headers (RFC 9110 §5.6.7, §6.6.1).
 *
 * A Date header has one-second resolution and is generated at some instant
 * between sending the request and receiving the response. One response with
 * second S seen over the local monotonic interval [a, b] says, for the
 * constant c = server epoch ms − local monotonic ms:
 *     S − b  <  c  <  S + 1000 − a
 * `httpDateSample` turns that into a sample centred in the interval
 * (serverMs = S + 500 at the midpoint, uncertainty = delay/2 + 500).
 * `refineHttpDate` intersects several such intervals, timing requests so that
 * they straddle the server's second boundary, which narrows the interval to
 * about one round trip.
 */
import type { Clock, TimeSample } from './clock.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function utcMs(year: number, month: string, day: number, h: number, m: number, s: number): number | undefined {
  const mon = MONTHS.indexOf(month);
  if (mon < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, mon, day, h, m, Math.min(s, 59));
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/**
 * Parse an HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), or the
 * obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
 * ("Sun Nov  6 08:49:37 1994") forms. Returns epoch ms, or undefined.
 */
export function parseHttpDate(value: string): number | undefined {
  const v = value.trim();
  let m = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(v);
  if (m !== null) return utcMs(Number(m[3]), m[2] ?? '', Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(v);
  if (m !== null) {
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(m[3]);
    const year = yy < 70 ? 2000 + yy : 1900 + yy;
    return utcMs(year, m[2] ?? '', Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(v);
  if (m !== null) return utcMs(Number(m[6]), m[1] ?? '', Number((m[2] ?? '').trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * One sample from one response: the server read `dateHeader` somewhere
 * between `sentMono` and `recvMono`. The sample's instant is the midpoint;
 * serverMs = parsed Date + 500 (middle of the second); uncertainty =
 * delay/2 + 500. Returns undefined when the header is missing or unparsable.
 */
export function httpDateSample(
  source: string,
  dateHeader: string | undefined,
  sentSystemMs: number,
  sentMono: number,
  recvMono: number,
): TimeSample | undefined {
  if (dateHeader === undefined) return undefined;
  const parsed = parseHttpDate(dateHeader);
  if (parsed === undefined) return undefined;
  const delayMs = Math.max(0, recvMono - sentMono);
  return {
    source,
    kind: 'http',
    serverMs: parsed + 500,
    systemMs: sentSystemMs + delayMs / 2,
    monoMs: sentMono + delayMs / 2,
    delayMs,
    uncertaintyMs: delayMs / 2 + 500,
  };
}

/** What a Date fetcher reports: the header and when the request went out and the response came back. */
export interface DateFetch {
  readonly dateHeader: string | undefined;
  readonly sentSystemMs: number;
  readonly sentMono: number;
  readonly recvMono: number;
}

export interface RefineHttpDateOptions {
  /** Source id of the samples, e.g. "http:api.example.com". */
  readonly source: string;
  /** Most requests to send in total (the first, coarse one included). Default 7. */
  readonly maxRequests?: number;
  /** Stop once the half-width of the interval is below this, ms. Default 10. */
  readonly targetUncertaintyMs?: number;
  readonly signal?: AbortSignal;
}

/** Date.now() and a server's clock tick in whole milliseconds: 1 ms on each side. */
const WALL_CLOCK_RESOLUTION_MS = 2;

/** Bounds on c = server epoch ms − local monotonic ms. */
interface Bounds {
  lo: number;
  hi: number;
}

function boundsOf(f: DateFetch, serverSecondMs: number): Bounds {
  return { lo: serverSecondMs - f.recvMono, hi: serverSecondMs + 1000 - f.sentMono };
}

/**
 * Measure a server's clock from its Date header to well below one second.
 *
 * The first response bounds c to about one second. Each further request is
 * timed (with `clock.sleep`) so that, if c were the middle of the current
 * bounds, the server's second would roll over at the request's midpoint;
 * whichever second the response shows, the bounds shrink by about half. Stops
 * after `maxRequests`, or when the half-width is below `targetUncertaintyMs`,
 * or when the next round trip is too slow to help. A response that contradicts
 * the bounds (a cached or stepped server clock) is ignored.
 *
 * Resolves with the sample (kind 'http', instant = midpoint of the last
 * usable response, uncertainty = half-width of the bounds), or undefined when
 * the first response has no usable Date header. Rejects when the first fetch
 * rejects, or on abort; later fetch failures end the refinement early.
 */
export async function refineHttpDate(
  fetchDate: () => Promise<DateFetch>,
  clock: Clock,
  opts: RefineHttpDateOptions,
): Promise<TimeSample | undefined> {
  const maxRequests = opts.maxRequests ?? 7;
  const target = opts.targetUncertaintyMs ?? 10;
  const first = await fetchDate();
  const firstSecond = first.dateHeader === undefined ? undefined : parseHttpDate(first.dateHeader);
  if (firstSecond === undefined) return undefined;
  const bounds = boundsOf(first, firstSecond);
  let last = first;
  let delay = Math.max(0, first.recvMono - first.sentMono);

  for (let n = 1; n < maxRequests && (bounds.hi - bounds.lo) / 2 > target; n++) {
    // A round trip as long as the bounds are wide cannot narrow them further.
    if (delay >= bounds.hi - bounds.lo) break;
    const mid = (bounds.lo + bounds.hi) / 2;
    const nowMono = clock.monotonicMs();
    // Next instant m (local mono) at which mid-estimated server time crosses a whole second,
    // at least half a round trip away so the request can be sent in time.
    const earliest = nowMono + delay / 2;
    const serverAtEarliest = earliest + mid;
    const boundary = Math.ceil(serverAtEarliest / 1000) * 1000;
    const sendAt = boundary - mid - delay / 2;
    if (sendAt > nowMono) await clock.sleep(sendAt - nowMono, opts.signal);
    let f: DateFetch;
    try {
      f = await fetchDate();
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      break;
    }
    const second = f.dateHeader === undefined ? undefined : parseHttpDate(f.dateHeader);
    if (second === undefined) continue;
    const b = boundsOf(f, second);
    const lo = Math.max(bounds.lo, b.lo);
    const hi = Math.min(bounds.hi, b.hi);
    if (lo > hi) continue; // contradicts what we know: ignore this response
    bounds.lo = lo;
    bounds.hi = hi;
    last = f;
    delay = Math.max(0, f.recvMono - f.sentMono);
  }

  const lastDelay = Math.max(0, last.recvMono - last.sentMono);
  const monoMs = last.sentMono + lastDelay / 2;
  const c = (bounds.lo + bounds.hi) / 2;
  return {
    source: opts.source,
    kind: 'http',
    serverMs: c + monoMs,
    systemMs: last.sentSystemMs + lastDelay / 2,
    monoMs,
    delayMs: lastDelay,
    // The bounds are exact in monotonic time; tying them to the wall clock adds
    // the wall clock's 1 ms resolution on our side and on the server's.
    uncertaintyMs: (bounds.hi - bounds.lo) / 2 + WALL_CLOCK_RESOLUTION_MS,
  };
}
