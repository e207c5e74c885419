/**
 * Tencent Cloud API 3.0 error codes → zonekeeper error codes. Only `Code` is
 * matched, never `Message` (the text differs between the public cloud,
 * private clouds and languages).
 */
import { AppError, type Evidence } from '../../core/errors.ts';

/** The vendor's clock-skew signal: correct the clock and sign again once. */
export const SKEW_CODE = 'AuthFailure.SignatureExpire';

/** DescribeRecordList answers this instead of an empty list. */
export const NO_RECORDS_CODE = 'ResourceNotFound.NoDataOfRecord';

/** CreateRecord of a record that already exists (name, type, line and value). */
export const RECORD_EXISTS_CODE = 'InvalidParameter.DomainRecordExist';

/**
 * Tencent's frequency limit: `RequestLimitExceeded` (and its sub-codes such
 * as `RequestLimitExceeded.UinLimitExceeded`), answered in an HTTP 200
 * like every API 3.0 error.
 */
export function isThrottling(code: string): boolean {
  return code === 'RequestLimitExceeded' || code.startsWith('RequestLimitExceeded.');
}

const AUTH = new Set(['AuthFailure.SignatureFailure', 'AuthFailure.SecretIdNotFound', 'AuthFailure.InvalidSecretId', 'AuthFailure.TokenFailure', 'AuthFailure.InvalidAuthorization']);

export interface TencentApiError {
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
}

/** The AppError for an `{Response:{Error:{Code,Message}}}` answer to `action`. */
export function tencentFailure(action: string, err: TencentApiError, extra: Evidence = {}): AppError {
  const evidence: Evidence = {
    ...extra,
    action,
    vendorCode: err.code,
    vendorMessage: err.message.slice(0, 300),
    ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
  };
  const { code } = err;
  if (AUTH.has(code)) return new AppError('PROVIDER_AUTH', { evidence });
  if (code === 'UnauthorizedOperation' || code.startsWith('UnauthorizedOperation.') || code === 'AuthFailure.UnauthorizedOperation' || code.startsWith('OperationDenied')) {
    return new AppError('PROVIDER_PERMISSION', { evidence });
  }
  if (isThrottling(code)) return new AppError('HTTP_RATE_LIMITED', { evidence, retryable: true });
  const retryable = code === 'InternalError' || code.startsWith('InternalError.') || code === 'ResourceUnavailable' || code.startsWith('FailedOperation.Frequency');
  return new AppError('PROVIDER_REJECTED', { evidence, retryable });
}
