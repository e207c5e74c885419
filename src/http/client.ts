/**
 * zonekeeper's outbound HTTP(S) client (contract in types.ts).
 *
 * Each attempt opens its own connection (connect.ts: TLS verified with the
 * request's own trust, at the trusted time when the system clock is the
 * problem), sends one request (exchange.ts) and closes it. Between attempts
 * it waits through `clock.sleep`: `Retry-After` when the server gives one,
 * else exponential backoff with jitter (retry.ts). A `Retry-After` longer
 * than `maxRetryDelayMs`, or attempts running out, ends the retries: a 429
 * then rejects with HTTP_RATE_LIMITED (retryAfterMs in the diagnosis), any
 * other status is returned. With retry 'none' every response is returned.
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
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const ip = map[hostname.toLowerCase()];
    if (ip === undefined) {
      dnsLookup(hostname, options, callback as never);
      return;
    }
    const family = isIP(ip);
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

/** The same error with the number of attempts added to its evidence. */
function withAttempts(e: AppError, attempts: number): AppError {
  if (attempts < 2) return e;
  return new AppError(e.code, {
    evidence: { ...e.diagnosis.evidence, attempts },
    retryable: e.diagnosis.retryable,
    ...(e.diagnosis.retryAfterMs === undefined ? {} : { retryAfterMs: e.diagnosis.retryAfterMs }),
    cause: e.cause,
  });
}

export function createHttpClient(o: HttpClientOptions): HttpClient {
  const { clock } = o;
  const maxAttempts = Math.max(1, o.maxAttempts ?? 4);
  const maxRetryDelayMs = o.maxRetryDelayMs ?? 60_000;
  const random = o.random ?? Math.random;
  const lookup = o.resolve === undefined ? undefined : lookupVia(o.resolve);

  async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await clock.sleep(ms, signal);
    } catch (e) {
      throw new AppError('ABORTED', { cause: signal?.reason ?? e });
    }
  }

  async function request(r: HttpRequest): Promise<HttpResponse> {
    const url = parseUrl(r.url);
    const ev = requestEvidence(url);
    const secrets = r.secrets ?? [];
    const mode = r.retry ?? defaultRetryMode(r.method);
    const timeoutMs = r.timeoutMs ?? o.timeoutMs ?? 30_000;
    const maxBytes = r.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    const headers: Record<string, string> = { 'user-agent': o.userAgent ?? 'zonekeeper' };
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    headers['host'] = url.host;
    headers['connection'] = 'close';
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);

    for (let attempt = 1; ; attempt++) {
      if (r.signal?.aborted === true) throw new AppError('ABORTED', { cause: r.signal.reason });
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new AppError('HTTP_TIMEOUT', { evidence: { ...ev, timeoutMs }, retryable: true, secrets })), timeoutMs);
      const onAbort = (): void => ac.abort(new AppError('ABORTED', { cause: r.signal?.reason }));
      r.signal?.addEventListener('abort', onAbort, { once: true });
      let sent = false;
      let result: ExchangeResult;
      try {
        const socket = await openConnection(
          { ...ev, protocol: url.protocol as 'http:' | 'https:', port, signal: ac.signal, secrets, ...(r.trust?.caPem === undefined ? {} : { caPem: r.trust.caPem }), ...(lookup === undefined ? {} : { lookup }) },
          clock,
        );
        sent = true;
        result = await exchange(socket, { method: r.method.toUpperCase(), path: `${url.pathname}${url.search}`, headers, ...(body === undefined ? {} : { body }), maxBytes, signal: ac.signal, ...ev, secrets }, clock.system);
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError('INTERNAL', { evidence: { error: String(e) }, cause: e });
        if (err.code === 'ABORTED' || attempt >= maxAttempts || !errorIsRetryable(err, mode, sent)) throw withAttempts(err, attempt);
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
      const response: HttpResponse = { status: result.status, headers: resHeaders, links, body: result.body, url: r.url, attempts: attempt, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      if (!statusIsRetryable(result.status, mode)) return response;
      if (attempt < maxAttempts && (retryAfterMs === undefined || retryAfterMs <= maxRetryDelayMs)) {
        await wait(retryAfterMs ?? backoffMs(attempt, maxRetryDelayMs, random), r.signal);
        continue;
      }
      if (result.status !== 429) return response;
      throw new AppError('HTTP_RATE_LIMITED', {
        evidence: { ...ev, status: 429, attempts: attempt, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        secrets,
      });
    }
  }

  return { request };
}
