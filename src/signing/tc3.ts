/**
 * Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256 (DNSPod and every other
 * tencentcloudapi.com product), as one pure function: every input, the time
 * included, is a parameter; nothing here reads a clock.
 *
 * What is signed (vectors: ../../../shared/vectors/tencent-tc3.json):
 *   CanonicalRequest = Method \n "/" \n CanonicalQuery \n CanonicalHeaders \n
 *                      SignedHeaders \n hex(sha256(payload bytes as sent))
 *   CanonicalHeaders = "content-type:" v \n "host:" v \n ["x-tc-action:" v \n],
 *                      each value trimmed AND lower-cased (vendor quirk: the
 *                      action "DescribeInstances" is signed as "describeinstances").
 *   StringToSign     = "TC3-HMAC-SHA256" \n X-TC-Timestamp \n Scope \n hex(sha256(CanonicalRequest))
 *   Scope            = YYYY-MM-DD "/" service "/tc3_request"
 *   key              = HMAC(HMAC(HMAC("TC3" + SecretKey, YYYY-MM-DD), service), "tc3_request")
 *   Signature        = hex(HMAC-SHA256(key, StringToSign))
 *
 * Time: `timeMs` (epoch ms, from the trusted clock) becomes X-TC-Timestamp in
 * whole seconds (floored) and the scope date, which is the UTC date of that
 * second (vendor quirk: a UTC+8 date fails every night from 00:00 to 08:00
 * Beijing time). The server accepts ±5 minutes.
 */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';

export interface Tc3Input {
  readonly secretId: string;
  readonly secretKey: string;
  /** Signing service, e.g. "dnspod" (the first label of the host). */
  readonly service: string;
  /** Host exactly as the HTTP client sends it, e.g. "dnspod.tencentcloudapi.com". */
  readonly host: string;
  /** X-TC-Action, e.g. "DescribeRecordList". */
  readonly action: string;
  /** X-TC-Version, e.g. "2021-03-23" for DNSPod. */
  readonly version: string;
  /** X-TC-Region; omitted or "" sends no region header (DNSPod needs none). */
  readonly region?: string | undefined;
  /** X-TC-Token for temporary credentials; sent, not signed. */
  readonly token?: string | undefined;
  readonly method: 'GET' | 'POST';
  /** The URL query exactly as sent (already encoded); "" for POST. */
  readonly query: string;
  /** Content-Type byte-identical to the one sent ("application/json" or "application/json; charset=utf-8"). */
  readonly contentType: string;
  /** The request body exactly as sent; a string is hashed as UTF-8. */
  readonly payload: string | Uint8Array;
  /** Signing time, epoch milliseconds. */
  readonly timeMs: number;
  /** Also sign x-tc-action (the current doc revision does; the Node SDK does not). */
  readonly signAction?: boolean | undefined;
}

export interface Tc3Signature {
  /** X-TC-Timestamp, unix seconds. */
  readonly timestamp: number;
  readonly hashedRequestPayload: string;
  readonly canonicalRequest: string;
  readonly credentialScope: string;
  readonly stringToSign: string;
  /** hex of the derived key (the docs' "SecretSigning"); a secret, never log it. */
  readonly signingKeyHex: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly authorization: string;
  /** Headers to send: Authorization, Content-Type, Host, X-TC-Action, X-TC-Timestamp, X-TC-Version, [X-TC-Region], [X-TC-Token]. */
  readonly headers: Readonly<Record<string, string>>;
}

const ALGORITHM = 'TC3-HMAC-SHA256';
/** Last millisecond whose UTC date has four digits (toISOString form stays YYYY-MM-DD). */
const MAX_TIME_MS = 253402300799999;

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Sign one TC3 request. Throws INTERNAL when `timeMs` is not a usable epoch time. */
export function signTc3(input: Tc3Input): Tc3Signature {
  if (!Number.isFinite(input.timeMs) || input.timeMs < 0 || input.timeMs > MAX_TIME_MS) {
    throw new AppError('INTERNAL', { evidence: { reason: 'TC3 signing time is not an epoch ms value', timeMs: String(input.timeMs) } });
  }
  const timestamp = Math.floor(input.timeMs / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);

  const signed: [string, string][] = [
    ['content-type', input.contentType],
    ['host', input.host],
  ];
  if (input.signAction === true) signed.push(['x-tc-action', input.action]);
  const canonicalHeaders = signed.map(([k, v]) => `${k}:${v.trim().toLowerCase()}\n`).join('');
  const signedHeaders = signed.map(([k]) => k).join(';');

  const hashedRequestPayload = sha256Hex(input.payload);
  const canonicalRequest = [input.method, '/', input.query, canonicalHeaders, signedHeaders, hashedRequestPayload].join('\n');
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');

  const kDate = hmac(`TC3${input.secretKey}`, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  const authorization = `${ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

  const headers: Record<string, string> = {
    Authorization: authorization,
    'Content-Type': input.contentType,
    Host: input.host,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': input.version,
  };
  if (input.region !== undefined && input.region !== '') headers['X-TC-Region'] = input.region;
  if (input.token !== undefined && input.token !== '') headers['X-TC-Token'] = input.token;

  return {
    timestamp,
    hashedRequestPayload,
    canonicalRequest,
    credentialScope,
    stringToSign,
    signingKeyHex: kSigning.toString('hex'),
    signedHeaders,
    signature,
    authorization,
    headers,
  };
}
