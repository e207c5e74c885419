/**
 * Encodings shared by both Alibaba Cloud signatures (RPC v1 HMAC-SHA1 and
 * ACS3-HMAC-SHA256): the RFC 3986 percent-encoding and the UTC timestamp.
 * Pure functions; no clock is read here.
 */
import { AppError } from '../core/errors.ts';
import { uriEncode } from './uri-encode.ts';

/** Largest epoch ms that still formats as a four-digit year: 9999-12-31T23:59:59.999Z. */
const MAX_TIME_MS = 253_402_300_799_999;

/**
 * Alibaba's percentEncode: the UTF-8 bytes of `value`, every byte outside the
 * RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~) written as %XX with
 * upper-case hex. So space -> %20 (never +), * -> %2A, ~ stays, é -> %C3%A9,
 * and also ! ' ( ) are encoded (encodeURIComponent would leave them).
 * Throws INTERNAL for a string with a lone UTF-16 surrogate, which has no
 * UTF-8 form (silently signing U+FFFD instead would sign something else).
 */
export function percentEncode(value: string): string {
  return uriEncode(value);
}

/**
 * The Alibaba timestamp for `timeMs` (epoch ms, from the trusted clock):
 * UTC `YYYY-MM-DDThh:mm:ssZ`, milliseconds truncated (not rounded). Used as
 * RPC v1 `Timestamp` and ACS3 `x-acs-date`; the server accepts 15 minutes
 * of difference from its own clock. Throws INTERNAL for a time that is not
 * finite or outside 1970..9999.
 */
export function alibabaTimestamp(timeMs: number): string {
  if (!Number.isFinite(timeMs) || timeMs < 0 || timeMs > MAX_TIME_MS) {
    throw new AppError('INTERNAL', { evidence: { reason: 'signing time out of range', timeMs: String(timeMs) } });
  }
  return `${new Date(Math.floor(timeMs)).toISOString().slice(0, 19)}Z`;
}

/**
 * Sorted `k=v` pairs joined with `&`, both sides percent-encoded, sorted by
 * the encoded name in byte order (encoded names are ASCII, so string order
 * is byte order). An empty value gives `k=`.
 */
export function canonicalParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}
