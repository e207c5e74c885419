/**
 * Huawei Cloud (APIG gateway + DNS v2) errors → zonekeeper error codes.
 *
 * Two body shapes exist: the gateway's `{error_code, error_msg, request_id}`
 * (APIGW.xxxx, e.g. every AK/SK failure is HTTP 401 `APIGW.0301`) and the
 * DNS service's `{code, message}` (DNS.xxxx). APIGW.0301 covers three
 * different causes told apart only by the message: "signature expired"
 * (clock skew, carries "server time:"), "verify aksk signature fail"
 * (wrong SK) and "ak XXXX not exist"; only the first is skew, the others
 * are PROVIDER_AUTH and never retried. Any 403 is PROVIDER_PERMISSION.
 */
import { AppError, type Evidence } from '../../core/errors.ts';

/** The gateway's authentication error code. */
export const AUTH_CODE = 'APIGW.0301';

/**
 * The gateway's throttling: "The throttling threshold has been reached:
 * policy user over ratelimit,limit:XX,time:1 second", documented as
 * `APIG.0308`; the shared gateway in front of DNS prefixes its codes
 * `APIGW.` (as in APIGW.0301), so both spellings count.
 */
export function isThrottling(code: string): boolean {
  return code === 'APIGW.0308' || code === 'APIG.0308';
}

export interface HuaweiApiError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly requestId?: string;
}

/** True for the APIGW.0301 "signature expired" answer (the only skew signal). */
export function isSkew(err: HuaweiApiError | undefined): boolean {
  return err !== undefined && err.code === AUTH_CODE && /signature expired/i.test(err.message);
}

/**
 * The server time of a "…signature time:20211217T064303Z,server time:20211217T065804Z"
 * message, epoch ms; undefined when absent or malformed.
 */
export function serverTimeOf(message: string): number | undefined {
  const m = /server time:\s*(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/i.exec(message);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isFinite(ms) ? ms : undefined;
}

/** The AppError for a vendor error answer to `action` (e.g. "PUT recordset"). */
export function huaweiFailure(action: string, err: HuaweiApiError, extra: Evidence = {}): AppError {
  const { code, status } = err;
  const evidence: Evidence = {
    ...extra,
    action,
    status,
    vendorCode: code,
    vendorMessage: err.message.slice(0, 300),
    ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
  };
  if (code === AUTH_CODE || status === 401) return new AppError('PROVIDER_AUTH', { evidence });
  if (status === 403 || code === 'DNS.0030') return new AppError('PROVIDER_PERMISSION', { evidence });
  if (status === 429 || isThrottling(code)) return new AppError('HTTP_RATE_LIMITED', { evidence, retryable: true });
  return new AppError('PROVIDER_REJECTED', { evidence, retryable: status >= 500 });
}
