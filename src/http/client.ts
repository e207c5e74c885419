/**
 * zonekeeper's outbound HTTP(S) client (contract in types.ts).
 *
 * Each attempt opens its own connection (connect.ts: TLS verified with the
 * request's own trust, at the trusted time when the system clock is the
 * problem), sends one request (exchange.ts) and closes it. Between attempts
 * it waits through `clock.sleep`: `Retry-After` when the server gives one,
 * else exponential backoff with jitter (retry.ts). A `Retry-After` longer
 * than `maxRetryDelayMs`, or attempts running out, ends the retries: a 429
 * (or a vendor's throttling answer the request's `throttled` recognises)
 * then rejects with HTTP_RATE_LIMITED (retryAfterMs in the diagnosis), any
 * other status is returned. With retry 'none' every response is returned.
 * Before each retry a request with `renew` is built again (fresh signature
 * and nonce). A request that was sent and then timed out is never retried
 * (types.ts `RetryMode`).
 *
 * Every HTTPS response's `Date` header is reported to `clock.addSample` as
 * source `http:<host[:port]>`, taken at the midpoint of sending the request
 * and receiving the response head. Plain-http responses are not: anyone on
 * the path could set our clock through them.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { TrustedClock } from '../clock/clock.ts';
import { httpDateSample } from '../clock/http-date.ts';
import { AppError } from '../core/errors.ts';
import { openConnection } from './connect.ts';
import { requestEvidence } from './evidence.ts';
import { exchange, type ExchangeResult } from './exchange.ts';
import { responseHeaders } from './headers.ts';
import { backoffMs, defaultRetryMode, errorIsRetryable, parseRetryAfter, statusIsRetryable } from './retry.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './types.ts';

export interface HttpClientOptions {
  readonly clock: TrustedClock;
  /** Sent unless the request sets `user-agent`. Default "zonekeeper". */
  readonly userAgent?: string;
  /** Attempts per request, the first included. Default 4. */
  readonly maxAttempts?: number;
  /** Longest wait between attempts, ms; a longer Retry-After ends the retries. Default 60 000. */
  readonly maxRetryDelayMs?: number;
  /** Per-attempt limit when the request sets none, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Host name → IP address to connect to without resolving (like curl --resolve). */
  readonly resolve?: Readonly<Record<string, string>>;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function lookupVia(map: Readonly<Record<string, string>>): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    const ip = map[hostname.toLowerCase()];
    if (ip === undefined) {
      dnsLookup(hostname, options, callback as never);
      return;
    }
    const family = isIP(ip);
    if (options.family === 4 || options.family === 6) {
      // A pin of the other family does not satisfy a request for one family.
      if (family !== options.family) return callback(Object.assign(new Error(`${hostname} is pinned to ${ip}`), { code: 'EAFNOSUPPORT' }));
    }
    if (options.all === true) callback(null, [{ address: ip, family }]);
    else callback(null, ip, family);
  }) as LookupFunction;
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (e) {
    throw new AppError('CONFIG_INVALID', { evidence: { reason: 'not a URL', value: raw.slice(0, 200) }, cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('CONFIG_INVALID', { evidence: { reason: 'not an http: or https: URL', value: url.protocol } });
  }
  return url;
}

/**
 * The error as the caller sees it: the number of attempts (when more than
 * one) and, for connection failures and timeouts, whether the request had
 * been sent (a write that was sent may have been applied).
 */
function annotate(e: AppError, attempts: number, sent: boolean): AppError {
  const transport = e.code === 'HTTP_CONNECTION' || e.code === 'HTTP_TIMEOUT';
  if (attempts < 2 && (!transport || e.diagnosis.evidence['requestSent'] !== undefined)) return e;
  return new AppError(e.code, {
    evidence: { ...e.diagnosis.evidence, ...(transport ? { requestSent: sent } : {}), ...(attempts < 2 ? {} : { attempts }) },
    retryable: e.diagnosis.retryable,
    ...(e.diagnosis.retryAfterMs === undefined ? {} : { retryAfterMs: e.diagnosis.retryAfterMs }),
    cause: e.cause,
  });
}

/** One attempt's request as sent: the parts a `renew` may change. */
interface Prepared {
  /** As the caller wrote it (HttpResponse.url). */
  readonly raw: string;
  readonly url: URL;
  readonly ev: { url: string; host: string };
  readonly secrets: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  readonly port: number;
  readonly caPem: string | undefined;
}

function prepare(r: HttpRequest, userAgent: string): Prepared {
  const url = parseUrl(r.url);
  const headers: Record<string, string> = { 'user-agent': userAgent };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['host'] = url.host;
  headers['connection'] = 'close';
  return {
    raw: r.url,
    url,
    ev: requestEvidence(url),
    secrets: r.secrets ?? [],
    headers,
    body: typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body,
    port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    caPem: r.trust?.caPem,
  };
}

/** The vendor code `throttled` gives a response (a classifier that throws counts as no). */
function vendorThrottle(r: HttpRequest, response: HttpResponse): string | undefined {
  try {
    return r.throttled?.(response);
  } catch {
    return undefined;
  }
}

export function createHttpClient(o: HttpClientOptions): HttpClient {
  const { clock } = o;
  const maxAttempts = Math.max(1, o.maxAttempts ?? 4);
  const maxRetryDelayMs = o.maxRetryDelayMs ?? 60_000;
  const random = o.random ?? Math.random;
  const lookup = o.resolve === undefined ? undefined : lookupVia(o.resolve);
  const userAgent = o.userAgent ?? 'zonekeeper';

  async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await clock.sleep(ms, signal);
    } catch (e) {
      throw new AppError('ABORTED', { cause: signal?.reason ?? e });
    }
  }

  async function request(r: HttpRequest): Promise<HttpResponse> {
    const mode = r.retry ?? defaultRetryMode(r.method);
    const timeoutMs = r.timeoutMs ?? o.timeoutMs ?? 30_000;
    const maxBytes = r.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const method = r.method.toUpperCase();
    let p = prepare(r, userAgent);

    for (let attempt = 1; ; attempt++) {
      if (r.signal?.aborted === true) throw new AppError('ABORTED', { cause: r.signal.reason });
      if (attempt > 1 && r.renew !== undefined) p = prepare(await r.renew(), userAgent);
      const { url, ev, secrets } = p;
      let sent = false;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new AppError('HTTP_TIMEOUT', { evidence: { ...ev, timeoutMs, requestSent: sent }, retryable: true, secrets })), timeoutMs);
      const onAbort = (): void => ac.abort(new AppError('ABORTED', { cause: r.signal?.reason }));
      r.signal?.addEventListener('abort', onAbort, { once: true });
      let result: ExchangeResult;
      try {
        const socket = await openConnection(
          { ...ev, protocol: url.protocol as 'http:' | 'https:', port: p.port, signal: ac.signal, secrets, ...(p.caPem === undefined ? {} : { caPem: p.caPem }), ...(lookup === undefined ? {} : { lookup }), ...(r.family === undefined ? {} : { family: r.family }), ...(r.localAddress === undefined ? {} : { localAddress: r.localAddress }) },
          clock,
        );
        sent = true;
        result = await exchange(socket, { method, path: `${url.pathname}${url.search}`, headers: p.headers, ...(p.body === undefined ? {} : { body: p.body }), maxBytes, signal: ac.signal, ...ev, secrets }, clock.system);
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError('INTERNAL', { evidence: { error: String(e) }, cause: e });
        if (err.code === 'ABORTED' || attempt >= maxAttempts || !errorIsRetryable(err, mode, sent)) throw annotate(err, attempt, sent);
        await wait(backoffMs(attempt, maxRetryDelayMs, random), r.signal);
        continue;
      } finally {
        clearTimeout(timer);
        r.signal?.removeEventListener('abort', onAbort);
      }

      const { headers: resHeaders, links } = responseHeaders(result.rawHeaders);
      const sample = url.protocol === 'https:' ? httpDateSample(`http:${url.host}`, resHeaders['date'], result.sentSystemMs, result.sentMono, result.recvMono) : undefined;
      if (sample !== undefined) clock.addSample(sample);
      const retryAfterMs = parseRetryAfter(resHeaders['retry-after'], clock.now());
      const response: HttpResponse = { status: result.status, headers: resHeaders, links, body: result.body, url: p.raw, attempts: attempt, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      const vendorCode = mode === 'none' ? undefined : vendorThrottle(r, response);
      const limited = result.status === 429 || vendorCode !== undefined;
      if (vendorCode === undefined && !statusIsRetryable(result.status, mode)) return response;
      if (attempt < maxAttempts && (retryAfterMs === undefined || retryAfterMs <= maxRetryDelayMs)) {
        await wait(retryAfterMs ?? backoffMs(attempt, maxRetryDelayMs, random), r.signal);
        continue;
      }
      if (!limited) return response;
      throw new AppError('HTTP_RATE_LIMITED', {
        evidence: { ...ev, status: result.status, attempts: attempt, ...(vendorCode === undefined ? {} : { vendorCode }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        secrets,
      });
    }
  }

  return { request };
}
