/**
 * Alibaba Cloud RPC signature v1 (SignatureMethod HMAC-SHA1,
 * SignatureVersion 1.0), as used by alidns 2015-01-09 at alidns.aliyuncs.com.
 * A pure function of its inputs: the time and the nonce are parameters.
 *
 * What is signed: every request parameter except `Signature`, i.e. the
 * caller's `params` (Action, Version, Format, business parameters) plus the
 * five this function adds: AccessKeyId, SignatureMethod=HMAC-SHA1,
 * SignatureVersion=1.0, SignatureNonce and Timestamp.
 *
 *   CanonicalizedQueryString = sorted percentEncode(k)=percentEncode(v), joined by &
 *   StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(CanonicalizedQueryString)
 *   Signature    = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign))
 *
 * Vendor quirks (see /work/shared/vectors/README.md section 2):
 * - the canonical string is percent-encoded a second time inside the
 *   StringToSign, so the Timestamp colon appears as `%253A` and a space in
 *   a TXT value as `%2520`;
 * - the HMAC key is the secret followed by a literal `&`;
 * - percentEncode is strict RFC 3986 (space -> %20, * -> %2A, ~ kept);
 * - the nonce is single-use server side (`SignatureNonceUsed`): every
 *   attempt, retries included, needs a fresh one.
 *
 * Where the time goes: `Timestamp`, UTC `YYYY-MM-DDThh:mm:ssZ` of `timeMs`
 * (milliseconds truncated); the server rejects more than 15 minutes of
 * difference with `InvalidTimeStamp.Expired`.
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { alibabaTimestamp, canonicalParams, percentEncode } from './alibaba-encoding.ts';

/** Parameter names this function sets itself; callers must not pass them. */
export const ALIBABA_RPC_RESERVED_PARAMS = [
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
] as const;

export interface AlibabaRpcRequest {
  /** GET sends the result as the URL query; POST as an application/x-www-form-urlencoded body. */
  readonly method: 'GET' | 'POST';
  /** Action, Version, Format and the business parameters; none of ALIBABA_RPC_RESERVED_PARAMS. */
  readonly params: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Signing time, epoch ms from the trusted clock. */
  readonly timeMs: number;
  /** Unique per request (a UUID), never reused, not even for a retry. */
  readonly signatureNonce: string;
}

export interface AlibabaRpcSigned {
  /** All signed parameters (caller's plus the five common ones), without Signature. */
  readonly signedParams: Readonly<Record<string, string>>;
  readonly canonicalizedQueryString: string;
  readonly stringToSign: string;
  /** base64, not yet percent-encoded. */
  readonly signature: string;
  /** What goes on the wire: the URL query (GET, after "?") or the form body (POST). */
  readonly finalQueryOrFormBody: string;
}

/** Sign an RPC v1 request. Throws INTERNAL if `params` holds a reserved name or the time is out of range. */
export function signAlibabaRpc(req: AlibabaRpcRequest): AlibabaRpcSigned {
  for (const name of ALIBABA_RPC_RESERVED_PARAMS) {
    if (Object.hasOwn(req.params, name)) {
      throw new AppError('INTERNAL', { evidence: { reason: 'reserved Alibaba RPC parameter passed by caller', param: name } });
    }
  }
  const signedParams: Record<string, string> = {
    ...req.params,
    AccessKeyId: req.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: req.signatureNonce,
    Timestamp: alibabaTimestamp(req.timeMs),
  };
  const canonicalizedQueryString = canonicalParams(signedParams);
  const stringToSign = `${req.method}&${percentEncode('/')}&${percentEncode(canonicalizedQueryString)}`;
  const signature = createHmac('sha1', `${req.accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
  return {
    signedParams,
    canonicalizedQueryString,
    stringToSign,
    signature,
    finalQueryOrFormBody: `${canonicalizedQueryString}&Signature=${percentEncode(signature)}`,
  };
}
