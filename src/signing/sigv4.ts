/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), header form and presigned-URL
 * form, as pure functions: every input, the time included, is a parameter;
 * nothing here reads a clock. Used for Route 53 (service "route53", region
 * "us-east-1", host route53.amazonaws.com), S3, and S3-compatible endpoints
 * such as Tencent COS (`<bucket>.cos.<region>.myqcloud.com`, service "s3").
 *
 * What is signed (vectors: ../../../shared/vectors/aws-sigv4.json, cos.json):
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
 *                      CanonicalHeaders \n SignedHeaders \n HashedPayload
 *   StringToSign     = "AWS4-HMAC-SHA256" \n X-Amz-Date \n Scope \n hex(sha256(CanonicalRequest))
 *   Scope            = YYYYMMDD "/" region "/" service "/aws4_request"
 *   kSigning         = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, YYYYMMDD), region), service), "aws4_request")
 *   Signature        = hex(HMAC-SHA256(kSigning, StringToSign))
 *
 * Encodings (vendor quirks):
 * - CanonicalURI, every service except S3: the path AS SENT ON THE WIRE is
 *   normalised (empty and "." segments dropped, ".." resolved, a trailing
 *   "/" kept) and then URI-encoded once more, so a `%20` already on the wire
 *   is signed as `%2520` ("double encoding"). Pass `path` exactly as the
 *   HTTP client will send it.
 * - CanonicalURI, S3 (`s3: true`): `path` is "/" + the raw object key. It is
 *   NOT normalised (a key may contain "//" or "/./") and is URI-encoded
 *   exactly once (`test$file.text` -> `test%24file.text`). The returned
 *   `path` is that encoded form and is what must be sent.
 * - URI-encoding is RFC 3986 (A-Z a-z 0-9 - _ . ~ kept, %XX upper-case,
 *   space %20); see uri-encode.ts.
 * - CanonicalQuery: names and values URI-encoded ("/" too), sorted by
 *   encoded name, then encoded value; an empty value gives "k=".
 * - CanonicalHeaders: lower-cased names, values with leading/trailing
 *   blanks trimmed and inner runs collapsed to one space, a repeated name's
 *   values joined with ",", sorted by name. Always host and x-amz-date, plus
 *   x-amz-security-token with a session token and x-amz-content-sha256 when
 *   `signPayloadHeader` (S3 requires it; default = `s3`). Every header the
 *   caller passes is signed and must be sent.
 *
 * Time: `timeMs` (epoch ms, from the trusted clock) becomes X-Amz-Date,
 * YYYYMMDDTHHMMSSZ in UTC with milliseconds truncated, and the scope date is
 * the UTC date of that instant. The server window is about 5 minutes for
 * Route 53 and 15 minutes for S3; a presigned URL is valid from X-Amz-Date
 * for `expiresSeconds` (1..604800).
 */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { uriEncode } from './uri-encode.ts';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary-credential token: signed as x-amz-security-token (header form) or X-Amz-Security-Token (presigned). */
  readonly sessionToken?: string | undefined;
}

/** Headers as a record or as ordered pairs (pairs may repeat a name; repeated values are joined with ","). */
export type SigV4Headers = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

interface SigV4Common {
  readonly credentials: SigV4Credentials;
  readonly region: string;
  readonly service: string;
  /** S3 path rules: the key is encoded once and never normalised. */
  readonly s3: boolean;
  readonly method: string;
  /** Host header value exactly as sent (with ":port" when not the default). */
  readonly host: string;
  /** See the module comment: the wire path for non-S3 services, "/" + raw key for S3. Must start with "/". */
  readonly path: string;
  /** Decoded query parameters (encoded here); order does not matter. */
  readonly query?: ReadonlyArray<readonly [string, string]> | undefined;
  /** Extra headers to sign and send; must not name host, authorization or any x-amz-* header generated here. */
  readonly headers?: SigV4Headers | undefined;
  /** Signing time, epoch milliseconds. */
  readonly timeMs: number;
}

export interface SigV4Input extends SigV4Common {
  /** The request body exactly as sent; a string is hashed as UTF-8. Default "". */
  readonly body?: string | Uint8Array | undefined;
  /** Use this instead of hex(sha256(body)), e.g. "UNSIGNED-PAYLOAD". */
  readonly payloadHash?: string | undefined;
  /** Sign and send x-amz-content-sha256 = HashedPayload. Default: `s3`. */
  readonly signPayloadHeader?: boolean | undefined;
}

export interface SigV4PresignInput extends SigV4Common {
  /** X-Amz-Expires, whole seconds, 1..604800. */
  readonly expiresSeconds: number;
  /** HashedPayload; default "UNSIGNED-PAYLOAD" (what S3 presigned URLs use). */
  readonly payloadHash?: string | undefined;
}

interface SigV4Intermediates {
  /** X-Amz-Date, YYYYMMDDTHHMMSSZ. */
  readonly amzDate: string;
  readonly credentialScope: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  readonly signedHeaders: string;
  readonly payloadHash: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** hex of kSigning; a secret, never log it. */
  readonly signingKeyHex: string;
  readonly signature: string;
  /** The path to put in the request line. */
  readonly path: string;
}

export interface SigV4Signature extends SigV4Intermediates {
  readonly authorization: string;
  /** The query string to send (already encoded, without "?"); "" when there is none. */
  readonly query: string;
  /** Headers to send, lower-case names: the caller's, host, x-amz-date, [x-amz-content-sha256], [x-amz-security-token], authorization. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface SigV4Presigned extends SigV4Intermediates {
  /** The complete query string, X-Amz-Signature last (without "?"). */
  readonly query: string;
  /** https://host + path + "?" + query. */
  readonly url: string;
  /** Headers that were signed and must be sent with the URL: host and the caller's. */
  readonly headers: Readonly<Record<string, string>>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_PRESIGN_SECONDS = 604800;
/** Last millisecond whose UTC year has four digits. */
const MAX_TIME_MS = 253402300799999;
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const GENERATED_HEADERS = new Set(['host', 'authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']);
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature'];

function misuse(reason: string, evidence: Record<string, string> = {}): AppError {
  return new AppError('INTERNAL', { evidence: { reason, ...evidence } });
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function amzDateOf(timeMs: number): string {
  if (!Number.isFinite(timeMs) || timeMs < 0 || timeMs > MAX_TIME_MS) {
    throw misuse('SigV4 signing time is not an epoch ms value', { timeMs: String(timeMs) });
  }
  return `${new Date(Math.floor(timeMs)).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** Drop empty and "." segments, resolve "..", keep a leading and a trailing "/". */
function normalisePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalUriOf(path: string, s3: boolean): string {
  if (!path.startsWith('/')) throw misuse('SigV4 path must start with "/"', { path });
  if (/[\r\n]/.test(path)) throw misuse('SigV4 path contains a line break');
  return uriEncode(s3 ? path : normalisePath(path), true);
}

function canonicalQueryOf(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ka, va], [kb, vb]) => byCodeUnit(ka, kb) || byCodeUnit(va, vb))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Lower-case name -> values in order, checking names and values can be signed unambiguously. */
function collectHeaders(headers: SigV4Headers | undefined): Map<string, string[]> {
  const pairs: ReadonlyArray<readonly [string, string]> = headers === undefined ? [] : Array.isArray(headers) ? headers : Object.entries(headers);
  const out = new Map<string, string[]>();
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name)) throw misuse('header name is not an HTTP token', { header: rawName });
    if (GENERATED_HEADERS.has(name)) throw misuse('header is generated by the SigV4 signer', { header: name });
    if (/[\r\n\0]/.test(value)) throw misuse('header value contains a line break or NUL', { header: name });
    const list = out.get(name);
    if (list === undefined) out.set(name, [value]);
    else list.push(value);
  }
  return out;
}

function canonicalValue(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '').replace(/[ \t]+/g, ' ');
}

interface Core {
  readonly amzDate: string;
  readonly credentialScope: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  readonly signedHeaders: string;
  readonly sentHeaders: Record<string, string>;
  readonly payloadHash: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signingKeyHex: string;
  readonly signature: string;
  readonly path: string;
}

/** Everything common to both forms, once the generated headers and query parameters are known. */
function signCore(
  input: SigV4Common,
  amzDate: string,
  headers: Map<string, string[]>,
  queryParams: ReadonlyArray<readonly [string, string]>,
  payloadHash: string,
): Core {
  if (/[\r\n\0]/.test(input.host)) throw misuse('host contains a line break or NUL');
  const date = amzDate.slice(0, 8);
  const credentialScope = `${date}/${input.region}/${input.service}/aws4_request`;
  const canonicalUri = canonicalUriOf(input.path, input.s3);
  const canonicalQuery = canonicalQueryOf(queryParams);

  const names = [...headers.keys()].sort(byCodeUnit);
  const canonicalHeaders = names.map((n) => `${n}:${(headers.get(n) ?? []).map(canonicalValue).join(',')}\n`).join('');
  const signedHeaders = names.join(';');
  const sentHeaders: Record<string, string> = {};
  for (const n of names) sentHeaders[n] = (headers.get(n) ?? []).map((v) => v.trim()).join(',');

  const canonicalRequest = [input.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${input.credentials.secretAccessKey}`, date);
  const kSigning = hmac(hmac(hmac(kDate, input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return {
    amzDate,
    credentialScope,
    canonicalUri,
    canonicalQuery,
    signedHeaders,
    sentHeaders,
    payloadHash,
    canonicalRequest,
    stringToSign,
    signingKeyHex: kSigning.toString('hex'),
    signature,
    path: input.s3 ? canonicalUri : input.path,
  };
}

/**
 * Sign a request with the Authorization header. Throws INTERNAL on a time
 * that is not an epoch ms value, a path not starting with "/", a header
 * that would be ambiguous in the canonical form or that the signer itself
 * generates, or a string with a lone surrogate.
 */
export function signSigV4(input: SigV4Input): SigV4Signature {
  const amzDate = amzDateOf(input.timeMs);
  const payloadHash = input.payloadHash ?? sha256Hex(input.body ?? '');
  const headers = collectHeaders(input.headers);
  headers.set('host', [input.host]);
  headers.set('x-amz-date', [amzDate]);
  if (input.signPayloadHeader ?? input.s3) headers.set('x-amz-content-sha256', [payloadHash]);
  const token = input.credentials.sessionToken;
  if (token !== undefined && token !== '') headers.set('x-amz-security-token', [token]);

  const core = signCore(input, amzDate, headers, input.query ?? [], payloadHash);
  const authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${core.credentialScope}, SignedHeaders=${core.signedHeaders}, Signature=${core.signature}`;
  const { sentHeaders, ...intermediates } = core;
  return { ...intermediates, authorization, query: core.canonicalQuery, headers: { ...sentHeaders, authorization } };
}

/**
 * Presign a request: the signature goes into the query (X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
 * [X-Amz-Security-Token] are signed; X-Amz-Signature is appended last).
 * Only host and the caller's headers are signed. Throws INTERNAL as
 * signSigV4 does, and when `expiresSeconds` is not an integer in
 * 1..604800 or the caller's query already names an X-Amz-* presign parameter.
 */
export function presignSigV4(input: SigV4PresignInput): SigV4Presigned {
  const amzDate = amzDateOf(input.timeMs);
  const expires = input.expiresSeconds;
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw misuse('X-Amz-Expires must be an integer in 1..604800', { expiresSeconds: String(expires) });
  }
  const userQuery = input.query ?? [];
  for (const [k] of userQuery) {
    if (PRESIGN_PARAMS.some((p) => p.toLowerCase() === k.toLowerCase())) throw misuse('query already holds a presign parameter', { param: k });
  }
  const headers = collectHeaders(input.headers);
  headers.set('host', [input.host]);
  const signedHeaders = [...headers.keys()].sort(byCodeUnit).join(';');

  const params: (readonly [string, string])[] = [
    ...userQuery,
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${input.credentials.accessKeyId}/${amzDate.slice(0, 8)}/${input.region}/${input.service}/aws4_request`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', signedHeaders],
  ];
  const token = input.credentials.sessionToken;
  if (token !== undefined && token !== '') params.push(['X-Amz-Security-Token', token]);

  const core = signCore(input, amzDate, headers, params, input.payloadHash ?? 'UNSIGNED-PAYLOAD');
  const query = `${core.canonicalQuery}&X-Amz-Signature=${core.signature}`;
  const { sentHeaders, ...intermediates } = core;
  return { ...intermediates, query, url: `https://${input.host}${core.path}?${query}`, headers: sentHeaders };
}
