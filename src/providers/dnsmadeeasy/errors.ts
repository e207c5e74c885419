/**
 * DNS Made Easy API v2.0 answers → zonekeeper error codes.
 *
 * DME has no error codes: a failure is an HTTP status with a body
 * `{"error": ["text", …]}`. The mapping:
 * - "Request sent with date header too far out of sync" (HTTP 400) is the
 *   clock-skew signal (skewVerdict; handled by sendSigned, never here unless
 *   it repeats, which sendSigned reports as CLOCK_SKEW).
 * - "Unable to verify HMAC" (any status), 401 or 403 (unknown or disabled
 *   API key): PROVIDER_AUTH, never retryable.
 * - "Rate limit exceeded" (HTTP 400): retried by the HTTP client
 *   (throttleVerdict); if it outlasts the retries, HTTP_RATE_LIMITED.
 * - A body that is not DME's error shape (an HTML page from a gateway):
 *   HTTP_STATUS with a short excerpt.
 * - 5xx: PROVIDER_REJECTED, retryable; anything else: PROVIDER_REJECTED.
 * Secrets never reach the evidence (only the vendor's own texts and the status).
 */
import { AppError, type Evidence } from '../../core/errors.ts';
import type { SkewVerdict } from '../../http/signed.ts';
import { httpStatusError } from '../../http/status-error.ts';
import type { HttpResponse } from '../../http/types.ts';

/** The text of DME's skew answer. */
export const SKEW_TEXT = 'too far out of sync';
/** The text of DME's wrong-secret answer. */
export const HMAC_TEXT = 'Unable to verify HMAC';
/** The text of DME's rate-limit answer. */
export const RATE_TEXT = 'Rate limit exceeded';

/** The `error` texts of an answer; [] when the body is not DME's error shape. */
export function dmeMessages(res: HttpResponse): string[] {
  try {
    const doc = JSON.parse(res.body.toString('utf8')) as unknown;
    if (typeof doc !== 'object' || doc === null) return [];
    const err = (doc as { error?: unknown }).error;
    if (Array.isArray(err)) return err.filter((e): e is string => typeof e === 'string');
    return typeof err === 'string' ? [err] : [];
  } catch {
    return [];
  }
}

const SKEW_NUMBERS = /Difference in times is (-?\d+), header value is (\d+)/;

/**
 * Whether `res` is the skew answer. The server time is taken from the HTTP
 * `Date` header, which the HTTP client samples by itself; only when a skew
 * answer has no `Date` does the body speak: server = header value −
 * Difference, i.e. Difference is read as (client − server) in ms. That sign
 * is NOT verified against the real service (see vectors README §5).
 */
export function skewVerdict(res: HttpResponse): SkewVerdict {
  if (res.status !== 400) return { skew: false };
  const text = dmeMessages(res).find((m) => m.includes(SKEW_TEXT));
  if (text === undefined) return { skew: false };
  if (res.headers['date'] !== undefined) return { skew: true };
  const m = SKEW_NUMBERS.exec(text);
  if (m === null) return { skew: true };
  const serverTimeMs = Number(m[2]) - Number(m[1]);
  return Number.isFinite(serverTimeMs) ? { skew: true, serverTimeMs } : { skew: true };
}

/**
 * DME's rate limit: HTTP 400 `{"error": ["Rate limit exceeded"]}` with
 * `x-dnsme-requestsRemaining: 0` and no Retry-After (as users captured it;
 * the limit is 150 requests per 5 minutes). Returns that text, else undefined.
 */
export function throttleVerdict(res: HttpResponse): string | undefined {
  if (res.status !== 400 && res.status !== 429) return undefined;
  return dmeMessages(res).find((m) => m.toLowerCase().includes(RATE_TEXT.toLowerCase()));
}

/** The AppError for a failed answer to `action`. */
export function dmeFailure(action: string, res: HttpResponse, extra: Evidence = {}, secrets: readonly string[] = []): AppError {
  const messages = dmeMessages(res);
  const evidence: Evidence = { ...extra, action, status: res.status, vendorMessage: messages.join('; ').slice(0, 300) };
  if (res.status === 401 || res.status === 403 || messages.some((m) => m.includes(HMAC_TEXT))) return new AppError('PROVIDER_AUTH', { evidence, secrets });
  if (throttleVerdict(res) !== undefined) return new AppError('HTTP_RATE_LIMITED', { evidence, retryable: true, secrets });
  // Not DME's own error shape (a load balancer's HTML page, an empty 502): the status is the diagnosis.
  if (messages.length === 0) return httpStatusError(res, { action, secrets });
  return new AppError('PROVIDER_REJECTED', { evidence, retryable: res.status >= 500, secrets });
}
