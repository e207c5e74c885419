/**
 * Alibaba Cloud V3 signature, ACS3-HMAC-SHA256 (works for alidns 2015-01-09
 * and every other Alibaba OpenAPI). A pure function of its inputs: the time
 * and the nonce are parameters.
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n
 *                      CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
 *   StringToSign     = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   Authorization    = "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=...,Signature=..."
 *
 * - CanonicalURI: the path, each segment percent-encoded (RFC 3986), "/"
 *   kept; "/" for RPC-style APIs such as alidns.
 * - CanonicalQueryString: percentEncode(k)=percentEncode(v) sorted by the
 *   encoded name, joined by "&", an empty value gives "k=". It is also the
 *   exact query string to send.
 * - Signed headers: host, x-acs-action, x-acs-content-sha256, x-acs-date,
 *   x-acs-signature-nonce, x-acs-version, and x-acs-security-token and
 *   content-type when given; names lower-case, values trimmed, sorted.
 *
 * Vendor quirks (see /work/shared/vectors/README.md section 2): the key is the
 * raw secret (no date-scoped key derivation, unlike SigV4/TC3); the
 * Authorization separators are commas with no spaces; x-acs-date has no
 * milliseconds. The doc's RunInstances header table pairs its signature with
 * a different date and nonce than the ones that produce it: trust the vectors.
 *
 * Where the time goes: `x-acs-date`, UTC `YYYY-MM-DDThh:mm:ssZ` of `timeMs`
 * (milliseconds truncated); the server accepts 15 minutes of difference. The
 * nonce is single-use: every attempt needs a fresh one.
 */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { alibabaTimestamp, canonicalParams, percentEncode } from './alibaba-encoding.ts';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface AlibabaAcs3Request {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  /** Host header value, e.g. "alidns.aliyuncs.com"; must equal the URL's host. */
  readonly host: string;
  /** Unencoded path starting with "/" ("/" for RPC-style APIs). */
  readonly path: string;
  /** Unencoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** x-acs-action, e.g. "AddDomainRecord". */
  readonly action: string;
  /** x-acs-version, e.g. "2015-01-09". */
  readonly version: string;
  /** Exact body bytes sent ("" for none). */
  readonly body: string | Uint8Array;
  /** Signed and sent when given; must be byte-identical to what is sent. */
  readonly contentType?: string;
  /** STS token: sent and signed as x-acs-security-token when given. */
  readonly securityToken?: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Signing time, epoch ms from the trusted clock. */
  readonly timeMs: number;
  /** Unique per request, never reused, not even for a retry. */
  readonly signatureNonce: string;
}

export interface AlibabaAcs3Signed {
  readonly hashedRequestPayload: string;
  readonly canonicalQueryString: string;
  readonly canonicalHeaders: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** Lower-case hex. */
  readonly signature: string;
  readonly authorization: string;
  /** Every header to send (lower-case names), host and authorization included. */
  readonly requestHeaders: Readonly<Record<string, string>>;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The path with each "/"-separated segment percent-encoded. */
function canonicalUri(path: string): string {
  if (!path.startsWith('/')) {
    throw new AppError('INTERNAL', { evidence: { reason: 'ACS3 path must start with "/"' } });
  }
  return path.split('/').map(percentEncode).join('/');
}

/** Sign an ACS3-HMAC-SHA256 request. Throws INTERNAL for a path without leading "/" or a time out of range. */
export function signAlibabaAcs3(req: AlibabaAcs3Request): AlibabaAcs3Signed {
  const hashedRequestPayload = sha256Hex(req.body);
  const headers: Record<string, string> = {
    host: req.host,
    'x-acs-action': req.action,
    'x-acs-version': req.version,
    'x-acs-date': alibabaTimestamp(req.timeMs),
    'x-acs-signature-nonce': req.signatureNonce,
    'x-acs-content-sha256': hashedRequestPayload,
  };
  if (req.securityToken !== undefined) headers['x-acs-security-token'] = req.securityToken;
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalQueryString = canonicalParams(req.query);
  const canonicalRequest = [
    req.method,
    canonicalUri(req.path),
    canonicalQueryString,
    canonicalHeaders,
    signedHeaders,
    hashedRequestPayload,
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', req.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${ACS3_ALGORITHM} Credential=${req.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return {
    hashedRequestPayload,
    canonicalQueryString,
    canonicalHeaders,
    signedHeaders,
    canonicalRequest,
    stringToSign,
    signature,
    authorization,
    requestHeaders: { ...headers, authorization },
  };
}
