/**
 * Huawei Cloud APIG AK/SK signature, SDK-HMAC-SHA256 (Huawei Cloud DNS and
 * other APIG services), as one pure function: every input, the time
 * included, is a parameter; nothing here reads a clock.
 *
 * What is signed (vectors: ../../../shared/vectors/huawei.json):
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
 *                      SignedHeaders \n hex(sha256(body bytes as sent))
 *   CanonicalURI     = every "/"-separated segment of the decoded path
 *                      RFC 3986-encoded (uri-encode.ts), ALWAYS ending with
 *                      "/" (vendor quirk: "/v2/recordsets" is signed as
 *                      "/v2/recordsets/" while the request line keeps
 *                      "/v2/recordsets").
 *   CanonicalQuery   = key=value pairs, RFC 3986-encoded (only A-Z a-z 0-9 - _ . ~
 *                      stay literal), sorted by key, repeated keys by value;
 *                      an empty value gives "key=".
 *   CanonicalHeaders = lower(name) ":" trim(value) \n for every header sent
 *                      (the caller's, Host and X-Sdk-Date), sorted by name.
 *                      Values are trimmed as the guide and the Python SDK do
 *                      (the Node SDK does not: send values without edge spaces).
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign)); no key derivation.
 *   Authorization    = "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=" ... ", Signature=" ...
 * The body is always hashed, so X-Sdk-Content-Sha256 (which replaces the
 * body hash on the server) is refused as a caller header.
 *
 * Time: `timeMs` (epoch ms, from the trusted clock) becomes X-Sdk-Date, UTC
 * basic ISO 8601 to the second (YYYYMMDDTHHMMSSZ, milliseconds dropped). The
 * server accepts 15 minutes of skew and names its own time in the APIGW.0301
 * "signature expired" message.
 */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { uriEncode } from './uri-encode.ts';

export interface HuaweiInput {
  readonly ak: string;
  readonly sk: string;
  readonly method: string;
  /** Host exactly as the HTTP client sends it (with the port when not the default). */
  readonly host: string;
  /** The DECODED path, starting with "/", e.g. "/v2/zones/abc/recordsets". */
  readonly path: string;
  /** Decoded query parameters; an array repeats the key. */
  readonly query?: Readonly<Record<string, string | readonly string[]>> | undefined;
  /**
   * Further headers to send, all of them signed (e.g. Content-Type,
   * X-Project-Id, X-Security-Token). Must not name Host, X-Sdk-Date,
   * Authorization or X-Sdk-Content-Sha256, nor one header twice in any case.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The request body exactly as sent; a string is hashed as UTF-8. */
  readonly body: string | Uint8Array;
  /** Signing time, epoch milliseconds. */
  readonly timeMs: number;
}

export interface HuaweiSignature {
  /** X-Sdk-Date, e.g. "20191115T033655Z". */
  readonly sdkDate: string;
  /** The encoded path to put in the request line (no trailing "/" added). */
  readonly requestPath: string;
  /** The encoded query to put in the URL after "?" ("" when none): the signed form. */
  readonly canonicalQueryString: string;
  readonly canonicalUri: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly authorization: string;
  /** Headers to send: the caller's, Host, X-Sdk-Date and Authorization. */
  readonly headers: Readonly<Record<string, string>>;
}

const ALGORITHM = 'SDK-HMAC-SHA256';
/** Last millisecond of year 9999: the X-Sdk-Date year has four digits. */
const MAX_TIME_MS = 253402300799999;
const RESERVED_HEADERS = new Set(['host', 'x-sdk-date', 'authorization', 'x-sdk-content-sha256']);

function invalid(reason: string, evidence: Record<string, string> = {}): AppError {
  return new AppError('INTERNAL', { evidence: { reason, ...evidence } });
}

function sdkDateOf(timeMs: number): string {
  if (!Number.isFinite(timeMs) || timeMs < 0 || timeMs > MAX_TIME_MS) {
    throw invalid('Huawei signing time is not an epoch ms value', { timeMs: String(timeMs) });
  }
  // "2019-11-15T03:36:55.000Z" -> "20191115T033655Z"
  return new Date(timeMs).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function canonicalQueryOf(query: Readonly<Record<string, string | readonly string[]>>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const values = typeof value === 'string' ? [value] : [...(value ?? [])].sort();
    for (const v of values) pairs.push(`${uriEncode(key)}=${uriEncode(v)}`);
  }
  return pairs.join('&');
}

/** Sign one APIG request. Throws INTERNAL for a bad time, path, header set or ill-formed Unicode. */
export function signHuawei(input: HuaweiInput): HuaweiSignature {
  const sdkDate = sdkDateOf(input.timeMs);
  if (!input.path.startsWith('/')) throw invalid('Huawei request path must start with "/"', { path: input.path });
  const requestPath = input.path.split('/').map((segment) => uriEncode(segment)).join('/');
  const canonicalUri = requestPath.endsWith('/') ? requestPath : `${requestPath}/`;
  const canonicalQueryString = canonicalQueryOf(input.query ?? {});

  const callerHeaders = input.headers ?? {};
  const all = new Map<string, string>();
  for (const [name, value] of Object.entries(callerHeaders)) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || all.has(lower)) throw invalid('Huawei signing header is reserved or repeated', { header: name });
    all.set(lower, value);
  }
  all.set('host', input.host);
  all.set('x-sdk-date', sdkDate);
  const names = [...all.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${(all.get(n) ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');

  const bodyHash = createHash('sha256').update(input.body).digest('hex');
  const canonicalRequest = [input.method.toUpperCase(), canonicalUri, canonicalQueryString, canonicalHeaders, signedHeaders, bodyHash].join('\n');
  const stringToSign = [ALGORITHM, sdkDate, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signature = createHmac('sha256', input.sk).update(stringToSign).digest('hex');
  const authorization = `${ALGORITHM} Access=${input.ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

  return {
    sdkDate,
    requestPath,
    canonicalQueryString,
    canonicalUri,
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization,
    headers: { ...callerHeaders, Host: input.host, 'X-Sdk-Date': sdkDate, Authorization: authorization },
  };
}
