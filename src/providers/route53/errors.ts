/**
 * Route 53 (API 2013-04-01) errors → zonekeeper error codes, and its clock
 * skew signal.
 *
 * Errors are XML: `<ErrorResponse><Error><Type/><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>`, except InvalidChangeBatch, whose root is
 * `<InvalidChangeBatch><Messages><Message/>…</Messages></InvalidChangeBatch>`.
 * Skew is HTTP 403 `SignatureDoesNotMatch` whose message starts "Signature
 * expired" or "Signature not yet current" and ends "(NOW - 5 min.)" /
 * "(NOW + 5 min.)", NOW being the server's time (YYYYMMDDTHHMMSSZ). Any
 * other SignatureDoesNotMatch is a wrong secret: PROVIDER_AUTH, never retried.
 */
import { AppError, type Evidence } from '../../core/errors.ts';
import { child, childrenNamed, parseXml, textAt } from './xml.ts';

export interface Route53ApiError {
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
  readonly status: number;
}

const AUTH = new Set(['SignatureDoesNotMatch', 'InvalidClientTokenId', 'IncompleteSignature', 'MissingAuthenticationToken', 'ExpiredToken', 'UnrecognizedClientException', 'InvalidSignatureException']);
const PERMISSION = new Set(['AccessDenied', 'AccessDeniedException']);
const RATE = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete']);

/**
 * Route 53's throttling: HTTP 400 `Throttling` "Rate exceeded" (per
 * account) and `PriorRequestNotComplete` (a change to the same hosted zone
 * still in progress); both ask to retry with growing waits.
 */
export function isThrottling(code: string): boolean {
  return RATE.has(code);
}
const SKEW_MESSAGE = /^Signature (expired|not yet current):/;
const SERVER_NOW = /\((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z [+-] \d+ min\.\)/;

/** The error a Route 53 answer holds, or undefined when the body is no Route 53 error document. */
export function route53ErrorOf(body: string, status: number): Route53ApiError | undefined {
  const doc = parseXml(body);
  if (doc === undefined) return undefined;
  if (doc.name === 'ErrorResponse') {
    const err = child(doc, 'Error');
    const code = textAt(err, 'Code');
    if (code === undefined || code === '') return undefined;
    const requestId = textAt(doc, 'RequestId');
    return { code, message: textAt(err, 'Message') ?? '', status, ...(requestId === undefined ? {} : { requestId }) };
  }
  if (doc.name === 'InvalidChangeBatch') {
    const messages = childrenNamed(child(doc, 'Messages'), 'Message').map((m) => m.text);
    const requestId = textAt(doc, 'RequestId');
    return { code: 'InvalidChangeBatch', message: messages.join('; ') || (textAt(doc, 'Message') ?? ''), status, ...(requestId === undefined ? {} : { requestId }) };
  }
  return undefined;
}

/** True for the skew form of SignatureDoesNotMatch (and the generic skew codes). */
export function isSkew(err: Route53ApiError | undefined): boolean {
  if (err === undefined) return false;
  if (err.code === 'RequestExpired' || err.code === 'RequestTimeTooSkewed') return true;
  return (err.code === 'SignatureDoesNotMatch' || err.code === 'InvalidSignatureException') && SKEW_MESSAGE.test(err.message);
}

/** The server NOW of a skew message, epoch ms (one-second resolution), or undefined. */
export function serverNowOf(message: string): number | undefined {
  const m = SERVER_NOW.exec(message);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The AppError for a Route 53 error answer to `action`. */
export function route53Failure(action: string, err: Route53ApiError, extra: Evidence = {}): AppError {
  const { code } = err;
  const evidence: Evidence = {
    ...extra,
    action,
    status: err.status,
    vendorCode: code,
    vendorMessage: err.message.slice(0, 300),
    ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
  };
  if (isSkew(err)) return new AppError('CLOCK_SKEW', { evidence });
  if (AUTH.has(code)) return new AppError('PROVIDER_AUTH', { evidence });
  if (PERMISSION.has(code)) return new AppError('PROVIDER_PERMISSION', { evidence });
  if (code === 'NoSuchHostedZone') return new AppError('ZONE_NOT_FOUND', { evidence });
  if (RATE.has(code)) return new AppError('HTTP_RATE_LIMITED', { evidence, retryable: true });
  const retryable = code === 'InternalFailure' || code === 'ServiceUnavailable' || err.status >= 500;
  return new AppError('PROVIDER_REJECTED', { evidence, retryable });
}
