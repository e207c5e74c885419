/**
 * Tencent Cloud COS XML API native signature (q-sign-algorithm=sha1) as a
 * pure function: every input, the validity window included, is a
 * parameter; nothing here reads a clock. (COS's S3-compatible endpoint takes
 * plain SigV4 instead: sigv4.ts with service "s3" and the COS region.)
 *
 * What is signed (vectors: ../../../shared/vectors/cos.json):
 *   KeyTime        = start ";" end (unix seconds; q-sign-time = q-key-time)
 *   SignKey        = hex(HMAC-SHA1(SecretKey, KeyTime))
 *   HttpParameters = k=v&... over the query, k = lower(UrlEncode(name)),
 *                    v = UrlEncode(value), sorted by k; "acl=" for a valueless
 *                    parameter. UrlParamList = k;k;...
 *   HttpHeaders    = the same over the signed headers. HeaderList = k;k;...
 *   HttpString     = lower(method) \n UriPathname \n HttpParameters \n HttpHeaders \n
 *   StringToSign   = "sha1" \n KeyTime \n hex(sha1(HttpString)) \n
 *   Signature      = hex(HMAC-SHA1(SignKey, StringToSign))
 *
 * Vendor quirks:
 * - UriPathname is the DECODED path, e.g. "/exampleobject(腾讯云)", signed as
 *   its raw UTF-8 text, not percent-encoded.
 * - UrlEncode encodes everything outside A-Z a-z 0-9 - _ . ~ (so / : = ,
 *   ( ) and space are encoded; see uri-encode.ts), and names are lower-cased
 *   AFTER encoding.
 * - SignKey enters the second HMAC as its lower-case HEX STRING, not bytes.
 * - HttpString ends with "\n"; so does StringToSign.
 * - The server checks exactly the headers listed in q-header-list: every
 *   header passed here is signed (include Host; the docs also sign Date and
 *   Content-*; cos-nodejs-sdk-v5 never signs Date). Values are signed as
 *   given, not trimmed.
 *
 * Time: the client chooses the validity window; there is no server-side
 * skew tolerance. A server clock past `end` (or before `start`) answers 403
 * AccessDenied "Request has expired". `cosSignTime` gives the SDK's default
 * window for a trusted time.
 */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { uriEncode } from './uri-encode.ts';

/** Validity window in unix seconds, inclusive. */
export interface CosSignTime {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** Query parameters or headers as a record or as ordered pairs. */
export type CosPairs = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

export interface CosInput {
  readonly secretId: string;
  readonly secretKey: string;
  /** Temporary-credential token: sent and signed as x-cos-security-token. */
  readonly sessionToken?: string | undefined;
  readonly method: string;
  /** The decoded path, "/" + object key as text (not percent-encoded). */
  readonly pathname: string;
  /** Decoded query parameters; "" for a valueless one such as `acl`. */
  readonly query?: CosPairs | undefined;
  /** Headers to sign and send, Host included. */
  readonly headers?: CosPairs | undefined;
  readonly signTime: CosSignTime;
}

export interface CosSignature {
  /** "start;end", used for both q-sign-time and q-key-time. */
  readonly keyTime: string;
  /** hex(HMAC-SHA1(SecretKey, KeyTime)); a secret, never log it. */
  readonly signKey: string;
  readonly urlParamList: string;
  readonly httpParameters: string;
  readonly headerList: string;
  readonly httpHeaders: string;
  readonly httpString: string;
  readonly sha1HttpString: string;
  readonly stringToSign: string;
  readonly signature: string;
  /** The Authorization header value (q-sign-algorithm=sha1&q-ak=...&q-signature=...). */
  readonly authorization: string;
  /** Headers to send: the caller's (names as given), [x-cos-security-token], Authorization. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Largest unix second whose UTC year has four digits. */
const MAX_SECONDS = 253402300799;

function misuse(reason: string, evidence: Record<string, string> = {}): AppError {
  return new AppError('INTERNAL', { evidence: { reason, ...evidence } });
}

function isUnixSeconds(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_SECONDS;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pairsOf(p: CosPairs | undefined): ReadonlyArray<readonly [string, string]> {
  return p === undefined ? [] : Array.isArray(p) ? p : Object.entries(p);
}

/** `k=v&...` and `k;k;...` over encoded, lower-cased names; a name appearing twice is refused (ambiguous). */
function canonicalList(pairs: ReadonlyArray<readonly [string, string]>, what: string): { list: string; joined: string } {
  const encoded = pairs.map(([k, v]) => [uriEncode(k).toLowerCase(), uriEncode(v)] as const).sort(([a], [b]) => byCodeUnit(a, b));
  for (let i = 1; i < encoded.length; i++) {
    const name = encoded[i]?.[0];
    if (name === encoded[i - 1]?.[0]) throw misuse(`COS ${what} name appears twice`, { name: String(name) });
  }
  return { list: encoded.map(([k]) => k).join(';'), joined: encoded.map(([k, v]) => `${k}=${v}`).join('&') };
}

/**
 * The cos-nodejs-sdk-v5 default window for a signing time `timeMs` (epoch
 * ms, from the trusted clock): start = now - 1 s, end = start + `validSeconds`
 * (default 900). Throws INTERNAL for an unusable time or duration.
 */
export function cosSignTime(timeMs: number, validSeconds = 900): CosSignTime {
  if (!Number.isFinite(timeMs) || !Number.isInteger(validSeconds) || validSeconds < 1) {
    throw misuse('COS sign time or validity is not usable', { timeMs: String(timeMs), validSeconds: String(validSeconds) });
  }
  const startSeconds = Math.floor(timeMs / 1000) - 1;
  const window = { startSeconds, endSeconds: startSeconds + validSeconds };
  if (!isUnixSeconds(window.startSeconds) || !isUnixSeconds(window.endSeconds)) throw misuse('COS sign time out of range', { timeMs: String(timeMs) });
  return window;
}

/**
 * Sign one COS request. Throws INTERNAL for a window that is not whole unix
 * seconds with start <= end, a pathname not starting with "/" or holding a
 * line break, a header value holding a line break or NUL, a name given
 * twice (after lower-casing), an Authorization header, an x-cos-security-token header together with
 * `sessionToken`, or a string with a lone surrogate.
 */
export function signCos(input: CosInput): CosSignature {
  const { startSeconds, endSeconds } = input.signTime;
  if (!isUnixSeconds(startSeconds) || !isUnixSeconds(endSeconds) || startSeconds > endSeconds) {
    throw misuse('COS sign time is not a window of unix seconds', { start: String(startSeconds), end: String(endSeconds) });
  }
  if (!input.pathname.startsWith('/') || /[\r\n]/.test(input.pathname)) throw misuse('COS pathname must start with "/" and hold no line break');
  if (/\s/.test(input.method)) throw misuse('COS method holds whitespace');

  const headerPairs: (readonly [string, string])[] = [...pairsOf(input.headers)];
  for (const [name, value] of headerPairs) {
    if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(value)) throw misuse('COS header holds a line break or NUL', { header: name });
    if (name.toLowerCase() === 'authorization') throw misuse('the Authorization header is generated by the COS signer');
  }
  const token = input.sessionToken;
  if (token !== undefined && token !== '') {
    if (headerPairs.some(([n]) => n.toLowerCase() === 'x-cos-security-token')) throw misuse('x-cos-security-token given twice');
    headerPairs.push(['x-cos-security-token', token]);
  }

  const keyTime = `${startSeconds};${endSeconds}`;
  const params = canonicalList(pairsOf(input.query), 'query parameter');
  const heads = canonicalList(headerPairs, 'header');
  const httpString = `${input.method.toLowerCase()}\n${input.pathname}\n${params.joined}\n${heads.joined}\n`;
  const sha1HttpString = createHash('sha1').update(httpString, 'utf8').digest('hex');
  const stringToSign = `sha1\n${keyTime}\n${sha1HttpString}\n`;
  const signKey = createHmac('sha1', input.secretKey).update(keyTime).digest('hex');
  const signature = createHmac('sha1', signKey).update(stringToSign).digest('hex');
  const authorization = [
    'q-sign-algorithm=sha1',
    `q-ak=${input.secretId}`,
    `q-sign-time=${keyTime}`,
    `q-key-time=${keyTime}`,
    `q-header-list=${heads.list}`,
    `q-url-param-list=${params.list}`,
    `q-signature=${signature}`,
  ].join('&');

  const headers: Record<string, string> = {};
  for (const [name, value] of headerPairs) headers[name] = value;
  headers['Authorization'] = authorization;
  return {
    keyTime,
    signKey,
    urlParamList: params.list,
    httpParameters: params.joined,
    headerList: heads.list,
    httpHeaders: heads.joined,
    httpString,
    sha1HttpString,
    stringToSign,
    signature,
    authorization,
    headers,
  };
}
