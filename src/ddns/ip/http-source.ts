/**
 * One echo endpoint of an `http` source: a GET over a socket of the
 * section's family only (HttpRequest.family: a host name resolves to that
 * family alone), optionally bound to a local address, through the
 * project's HTTP client (TLS always verified, the endpoint's own `trust`
 * roots when configured). No retries: the other endpoints are the
 * redundancy, and a silent endpoint costs one timeout, not several.
 *
 * The answer must be status 200 and a body that IS one address (body.ts),
 * public unicast of the family asked (classify.ts). For IPv6, an answer
 * that is one of this host's own temporary or deprecated addresses (the
 * kernel's flags, when /proc/net/if_inet6 is readable) is refused too: the
 * echo saw the privacy address the kernel picked as source, which must not
 * be published (bind to the interface, or use an interface source).
 */
import type { Clock } from '../../clock/clock.ts';
import { isAppError } from '../../core/errors.ts';
import type { HttpClient } from '../../http/types.ts';
import type { IpFamily } from './address.ts';
import { answerExcerpt, parseAnswer, utf8 } from './body.ts';
import { publicUnicastReason } from './classify.ts';
import type { IpSourceReason } from './reasons.ts';
import type { HttpEndpoint, HttpSourceConfig, SourceAnswer } from './types.ts';

/** Largest echo answer read, bytes: an address is short; a bigger body is a page (HTTP_RESPONSE_TOO_LARGE). */
export const MAX_ECHO_BYTES = 64 * 1024;

export interface EndpointDeps {
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly signal?: AbortSignal;
  /** Source address to bind to (from `bind`). */
  readonly localAddress?: string;
  /** For IPv6: the kernel's flag reason ('temporary', 'deprecated', ...) for one of this host's addresses, if any. */
  readonly localFlagReason?: (address: string) => IpSourceReason | undefined;
}

const ACCEPT: Record<HttpEndpoint['format'], string> = {
  auto: 'text/plain, application/json;q=0.9, */*;q=0.1',
  text: 'text/plain, */*;q=0.1',
  json: 'application/json, */*;q=0.1',
};

/** Ask one endpoint (never throws for what the endpoint or the network does). */
export async function queryEndpoint(ep: HttpEndpoint, src: HttpSourceConfig, family: IpFamily, deps: EndpointDeps): Promise<SourceAnswer> {
  const start = deps.clock.monotonicMs();
  const base = { type: 'http' as const, source: ep.url };
  const done = (a: Omit<SourceAnswer, 'elapsedMs'>): SourceAnswer => ({ ...a, elapsedMs: deps.clock.monotonicMs() - start });
  let res;
  try {
    res = await deps.http.request({
      method: 'GET',
      url: ep.url,
      headers: { accept: ACCEPT[ep.format] },
      timeoutMs: src.timeoutMs,
      retry: 'none',
      maxResponseBytes: MAX_ECHO_BYTES,
      family,
      ...(deps.localAddress === undefined ? {} : { localAddress: deps.localAddress }),
      ...(src.caPem === undefined ? {} : { trust: { caPem: src.caPem } }),
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
  } catch (e) {
    if (!isAppError(e)) throw e;
    if (e.code === 'ABORTED') throw e;
    const error = e.diagnosis.evidence['error'];
    return done({ ...base, reason: e.code === 'HTTP_TIMEOUT' ? 'timeout' : 'request-failed', errorCode: e.code, ...(typeof error === 'string' ? { detail: error } : {}) });
  }
  const text = utf8(res.body);
  const answer = text === undefined ? undefined : answerExcerpt(text);
  const withAnswer = answer === undefined || answer === '' ? {} : { answer };
  if (res.status !== 200) return done({ ...base, ...withAnswer, reason: 'http-status', status: res.status });
  const parsed = parseAnswer(res.body, ep.format, ep.field, res.headers['content-type']);
  if (!parsed.ok) return done({ ...base, ...withAnswer, reason: parsed.reason });
  const address = parsed.address.text;
  const reason = publicUnicastReason(parsed.address, family) ?? (family === 6 ? deps.localFlagReason?.(address) : undefined);
  if (reason !== undefined) return done({ ...base, answer: address, reason });
  return done({ ...base, address, answer: address });
}
