/**
 * Fault injection for the test servers that stand for vendor APIs (the
 * HTTPS emulators, the webhook receiver, the proxy in front of PowerDNS).
 *
 * A test pushes faults onto the server's `faults` array; each request that
 * a fault matches (`on`: any request, reads only, writes only) is answered
 * by the fault INSTEAD of the server (the request is not processed: a write
 * is not applied), `times` times (default 1), then the fault is removed:
 * - 'html': a load balancer's HTML error page, status `status` (502);
 * - 'truncated-json': the vendor's normal success answer (its status and
 *   content type) cut in half: JSON or XML that does not parse, with a
 *   Content-Length that matches, so only the body is wrong;
 * - 'reset': the socket destroyed right after the request arrived, or with
 *   `midResponse` after the head and half the body of a success answer;
 * - 'stall': no answer at all, the connection left open (until the client
 *   gives up or the server closes);
 * - 'status': the vendor's own answer to `status` 429 (its throttling
 *   shape, whatever status it uses) or 5xx (unavailable), with
 *   `Retry-After: <retryAfter>` where the vendor sends one.
 */
import type { ServerResponse } from 'node:http';

export type FaultKind = 'html' | 'truncated-json' | 'reset' | 'stall' | 'status';

export interface Fault {
  readonly kind: FaultKind;
  /** 'status': 429 (the vendor's throttling answer) or a 5xx; 'html': the page's status (default 502). */
  readonly status?: number;
  /** Seconds, for 'status' (and 'html') answers, where the vendor sends Retry-After. */
  readonly retryAfter?: number;
  /** How many requests this fault answers (default 1; Infinity until removed). */
  readonly times?: number;
  /** Which requests it answers (default 'any'). */
  readonly on?: 'any' | 'read' | 'write';
  /** 'reset' only: send the head and half the body first. */
  readonly midResponse?: boolean;
}

/**
 * A vendor's request rate limit, as a token bucket: `perSecond` tokens a
 * second, at most `burst` (default perSecond) saved up. A request that finds
 * no token gets the vendor's throttling answer (VendorShapes.busy 429) with
 * the seconds until the next token. Mutable: set or clear it at any time.
 */
export interface RateLimit {
  perSecond?: number;
  burst?: number;
}

/** An HTTPS vendor emulator: faults and the vendor's rate limit. */
export interface RateLimitedHost extends FaultHost {
  readonly limit: RateLimit;
  readonly throttled: () => number;
}

/** What a fault-injecting server offers a test. */
export interface FaultHost {
  /** Faults to serve, first match first; a test pushes, the server consumes. */
  readonly faults: Fault[];
  /** The vendor's rate limit (HTTPS emulators); empty: none. */
  readonly limit?: RateLimit;
  /** Requests answered with the throttling answer because of `limit`, since the last reset. */
  readonly throttled?: () => number;
  /** Requests received since the last reset (faulted ones included). */
  count(): number;
  /** Of those, the writes. */
  writes(): number;
}

export interface VendorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How a vendor answers, for the faults that imitate it. */
export interface VendorShapes {
  /** A representative success answer of the API (what 'truncated-json' cuts, what a mid-response reset starts). */
  ok(write: boolean): VendorAnswer;
  /** The vendor's answer to throttling (429) or unavailability (5xx); `retryAfter` in seconds when the test asks for one. */
  busy(status: number, retryAfter: number | undefined, write: boolean): VendorAnswer;
}

const REASONS: Readonly<Record<number, string>> = { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** The error page a load balancer in front of an API answers with (nginx's layout). */
export function htmlErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** An HTML error page as a VendorAnswer (for vendors whose front end answers 5xx so). */
export function htmlAnswer(status: number, retryAfter?: number): VendorAnswer {
  return { status, headers: { 'content-type': 'text/html', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) }, body: htmlErrorPage(status) };
}

const used = new WeakMap<Fault, number>();

/** The fault that answers this request, if any (counted as used; removed once used up). */
export function takeFault(faults: Fault[], write: boolean): Fault | undefined {
  const i = faults.findIndex((f) => f.on === undefined || f.on === 'any' || (f.on === 'write') === write);
  if (i < 0) return undefined;
  const f = faults[i] as Fault;
  const n = (used.get(f) ?? 0) + 1;
  used.set(f, n);
  if (n >= (f.times ?? 1)) faults.splice(i, 1);
  return f;
}

function send(res: ServerResponse, a: VendorAnswer, body: Buffer): void {
  res.writeHead(a.status, { ...a.headers, 'content-length': String(body.length) });
  res.end(body);
}

/** Answer with fault `f`; returns the status sent (0: none, the socket was destroyed or left hanging). */
export function serveFault(f: Fault, res: ServerResponse, shapes: VendorShapes, write: boolean): number {
  switch (f.kind) {
    case 'stall':
      return 0;
    case 'reset': {
      if (f.midResponse !== true) {
        res.socket?.destroy();
        return 0;
      }
      const a = shapes.ok(write);
      const body = Buffer.from(a.body, 'utf8');
      res.writeHead(a.status, { ...a.headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return a.status;
    }
    case 'html': {
      const a = htmlAnswer(f.status ?? 502, f.retryAfter);
      send(res, a, Buffer.from(a.body, 'utf8'));
      return a.status;
    }
    case 'truncated-json': {
      const a = shapes.ok(write);
      const body = Buffer.from(a.body, 'utf8');
      send(res, a, body.subarray(0, Math.floor(body.length / 2)));
      return a.status;
    }
    case 'status': {
      const a = shapes.busy(f.status ?? 429, f.retryAfter, write);
      send(res, a, Buffer.from(a.body, 'utf8'));
      return a.status;
    }
  }
}
