/**
 * Clock skew for webhook receivers. A receiver is the user's own code and
 * has no skew signal we could know, so one is inferred for HMAC-signed
 * requests (the only ones that carry a time, X-Zonekeeper-Timestamp):
 *
 * - a 401 or 403 answer whose `Date` header is more than `WEBHOOK_SKEW_MS`
 *   from the timestamp the request was signed with was refused for its
 *   time. The HTTP client has already taken that `Date` as a clock sample,
 *   so sendSigned signs again at the corrected time and sends once more;
 * - any other answer, a refusal whose `Date` agrees with the timestamp (a
 *   wrong token or secret: never retried), or one without a usable `Date`
 *   is not skew.
 *
 * 10 s is far above what a `Date` (one-second resolution) and a refusal's
 * round trip account for, and below any window a receiver sensibly
 * enforces (5 minutes is usual).
 */
import { parseHttpDate } from '../../clock/http-date.ts';
import type { SkewVerdict } from '../../http/signed.ts';
import type { HttpResponse } from '../../http/types.ts';

export const WEBHOOK_SKEW_MS = 10_000;

/** Was `response`, to a request signed at `signedAtMs` (trusted clock, epoch ms), refused for its time? */
export function webhookSkewVerdict(response: HttpResponse, signedAtMs: number): SkewVerdict {
  if (response.status !== 401 && response.status !== 403) return { skew: false };
  const date = response.headers['date'];
  const serverMs = date === undefined ? undefined : parseHttpDate(date);
  if (serverMs === undefined) return { skew: false };
  return { skew: Math.abs(serverMs - signedAtMs) > WEBHOOK_SKEW_MS };
}
