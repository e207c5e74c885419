/**
 * Alibaba Cloud (alidns 2015-01-09) error codes → zonekeeper error codes.
 * Only `Code` is matched, never `Message` (it differs between regions and
 * languages, and for SignatureDoesNotMatch it echoes the server's
 * StringToSign, which holds the request parameters: it is never kept).
 */
import { AppError, type Evidence } from '../../core/errors.ts';

/** The vendor's clock-skew signal (HTTP 400): correct the clock and sign again once. */
export const SKEW_CODE = 'InvalidTimeStamp.Expired';

/** AddDomainRecord / UpdateDomainRecord of a record that already exists (RR, type, line and value). */
export const RECORD_EXISTS_CODE = 'DomainRecordDuplicate';

/**
 * Alibaba's flow control: `Throttling.User` ("Request was denied due to
 * user flow control.", HTTP 400), `Throttling`, `Throttling.Api`, ….
 */
export function isThrottling(code: string): boolean {
  return code === 'Throttling' || code.startsWith('Throttling.');
}

const AUTH = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.Inactive', 'IncompleteSignature', 'InvalidAccessKeyId']);
const PERMISSION = new Set(['Forbidden.RAM', 'NoPermission', 'Forbidden']);

export interface AlibabaApiError {
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
  readonly status: number;
}

/** The AppError for a `{Code,Message,RequestId,…}` answer to `action`. */
export function alidnsFailure(action: string, err: AlibabaApiError, extra: Evidence = {}): AppError {
  const { code } = err;
  const evidence: Evidence = {
    ...extra,
    action,
    status: err.status,
    vendorCode: code,
    // SignatureDoesNotMatch's message carries the server string to sign: never kept.
    ...(code === 'SignatureDoesNotMatch' ? {} : { vendorMessage: err.message.slice(0, 300) }),
    ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
  };
  if (AUTH.has(code)) return new AppError('PROVIDER_AUTH', { evidence });
  if (PERMISSION.has(code) || code.startsWith('Forbidden.')) return new AppError('PROVIDER_PERMISSION', { evidence });
  if (isThrottling(code)) return new AppError('HTTP_RATE_LIMITED', { evidence, retryable: true });
  const retryable = code === 'InternalError' || code === 'ServiceUnavailable' || code.startsWith('ServiceUnavailable.');
  return new AppError('PROVIDER_REJECTED', { evidence, retryable });
}
