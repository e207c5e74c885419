/**
 * A request signed at the trusted time and corrected once when the vendor
 * says the time was wrong.
 *
 * Contract:
 * - `sign(nowMs)` builds the whole request for that instant, with a fresh
 *   nonce on every call (Alibaba refuses a nonce twice).
 * - `classify(response)` recognises the vendor's own skew signal
 *   (`AuthFailure.SignatureExpire`, `InvalidTimeStamp.Expired`,
 *   `RequestTimeTooSkewed`, TSIG-like "too far out of sync" …) and may
 *   return the server time the body reports (S3 `<ServerTime>`, Huawei
 *   "server time:", Route 53 "NOW"). Wrong-secret errors are not skew: they
 *   are returned to the caller and never retried here.
 * - On skew the server's time (explicit, else the response's `Date`, which
 *   the HTTP client samples by itself) corrects the clock, and the request
 *   is signed again and sent once more. Each concurrent caller does the
 *   same for its own request, so every one of them is corrected. A second
 *   skew answer is CLOCK_SKEW with both times in the evidence.
 * - The HTTP client's own retries (429, 503, the vendor's throttling answer
 *   given by `throttled`, a connection lost before sending) sign the request
 *   again each time (`renew`): a fresh timestamp and nonce.
 */
import { AppError } from '../core/errors.ts';
import type { TrustedClock } from '../clock/clock.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './types.ts';

export interface SkewVerdict {
  readonly skew: boolean;
  /** The server's clock as the body reports it, epoch ms (one-second resolution). */
  readonly serverTimeMs?: number;
}

export interface SignedRequestOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** Sample source for explicit server times, e.g. "http:dnspod.tencentcloudapi.com". */
  readonly source: string;
  readonly sign: (nowMs: number) => HttpRequest | Promise<HttpRequest>;
  readonly classify: (response: HttpResponse) => SkewVerdict;
  /** The vendor's throttling answer when it is not a 429 (HttpRequest.throttled). */
  readonly throttled?: (response: HttpResponse) => string | undefined;
}

export interface SignedResponse {
  readonly response: HttpResponse;
  /** Requests sent: 1, or 2 after a correction. */
  readonly attempts: 1 | 2;
}

async function attempt(o: SignedRequestOptions): Promise<{ response: HttpResponse; verdict: SkewVerdict; signedAt: number }> {
  const signedAt = o.clock.now();
  // Every retry of the HTTP client (throttling, 503, a connection lost before sending) is signed anew.
  const request: HttpRequest = { ...(await o.sign(signedAt)), renew: () => o.sign(o.clock.now()), ...(o.throttled === undefined ? {} : { throttled: o.throttled }) };
  const sentSystem = o.clock.system.now();
  const sentMono = o.clock.system.monotonicMs();
  const response = await o.http.request(request);
  const delay = o.clock.system.monotonicMs() - sentMono;
  const verdict = o.classify(response);
  if (verdict.skew && verdict.serverTimeMs !== undefined) {
    o.clock.addSample({
      source: o.source,
      kind: 'http',
      // The reported second holds somewhere in [t, t + 1 s) while the request was in flight.
      serverMs: verdict.serverTimeMs + 500,
      systemMs: sentSystem + delay / 2,
      monoMs: sentMono + delay / 2,
      delayMs: delay,
      uncertaintyMs: delay / 2 + 500,
    });
  }
  return { response, verdict, signedAt };
}

export async function sendSigned(o: SignedRequestOptions): Promise<SignedResponse> {
  const first = await attempt(o);
  if (!first.verdict.skew) return { response: first.response, attempts: 1 };
  const second = await attempt(o);
  if (!second.verdict.skew) return { response: second.response, attempts: 2 };
  throw new AppError('CLOCK_SKEW', {
    evidence: {
      source: o.source,
      signedAt: new Date(second.signedAt).toISOString(),
      ...(second.verdict.serverTimeMs === undefined ? {} : { serverTime: new Date(second.verdict.serverTimeMs).toISOString() }),
      ...(second.response.headers['date'] === undefined ? {} : { serverDate: second.response.headers['date'] }),
      offsetMs: Math.round(o.clock.now() - o.clock.system.now()),
      attempts: 2,
    },
  });
}
