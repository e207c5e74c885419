/**
 * DNS Made Easy REST API v2.0 request authentication, as one pure function:
 * the time is a parameter; nothing here reads a clock.
 *
 * What is signed (vectors: ../../../shared/vectors/dnsmadeeasy.json): ONLY the
 * request date. x-dnsme-hmac = lower-case hex(HMAC-SHA1(secretKey, the exact
 * x-dnsme-requestDate string)). Method, path and body are not signed, so the
 * headers may be reused for any request sent in the same second.
 *
 * Time: `timeMs` (epoch ms, from the trusted clock) is written as an RFC 9110
 * IMF-fixdate in UTC with a zero-padded day ("Wed, 01 May 2024 09:05:07 GMT"),
 * milliseconds dropped. The server's window is undocumented (observed: 37.7 s
 * off already fails), so sign with the corrected clock immediately before
 * sending.
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';

export interface DnsMadeEasyInput {
  readonly apiKey: string;
  readonly secretKey: string;
  /** Signing time, epoch milliseconds. */
  readonly timeMs: number;
}

export interface DnsMadeEasySignature {
  /** The x-dnsme-requestDate value, the only signed string. */
  readonly requestDate: string;
  /** The x-dnsme-hmac value (lower-case hex HMAC-SHA1). */
  readonly hmac: string;
  /** Headers to send: x-dnsme-apiKey, x-dnsme-requestDate, x-dnsme-hmac. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Last millisecond of year 9999: the IMF-fixdate year has four digits. */
const MAX_TIME_MS = 253402300799999;

/** Sign for DNS Made Easy. Throws INTERNAL when `timeMs` is not a usable epoch time. */
export function signDnsMadeEasy(input: DnsMadeEasyInput): DnsMadeEasySignature {
  if (!Number.isFinite(input.timeMs) || input.timeMs < 0 || input.timeMs > MAX_TIME_MS) {
    throw new AppError('INTERNAL', { evidence: { reason: 'DNS Made Easy signing time is not an epoch ms value', timeMs: String(input.timeMs) } });
  }
  // ECMAScript's toUTCString is exactly the IMF-fixdate form for years 0000-9999.
  const requestDate = new Date(input.timeMs).toUTCString();
  const hmac = createHmac('sha1', input.secretKey).update(requestDate).digest('hex');
  return {
    requestDate,
    hmac,
    headers: {
      'x-dnsme-apiKey': input.apiKey,
      'x-dnsme-requestDate': requestDate,
      'x-dnsme-hmac': hmac,
    },
  };
}
