/**
 * HTTP_STATUS for callers that refuse a response's status: the URL (as
 * evidence shows it), the status, and an optional short detail the caller
 * chose (e.g. the API's error message; never a raw body with secrets).
 */
import { AppError } from '../core/errors.ts';
import { requestEvidence } from './evidence.ts';
import type { HttpResponse } from './types.ts';

const MAX_DETAIL = 300;

export function httpStatusError(res: HttpResponse, o: { readonly detail?: string; readonly secrets?: readonly string[] } = {}): AppError {
  const detail = o.detail === undefined ? {} : { detail: o.detail.length > MAX_DETAIL ? `${o.detail.slice(0, MAX_DETAIL)}…` : o.detail };
  return new AppError('HTTP_STATUS', {
    evidence: { ...requestEvidence(new URL(res.url)), status: res.status, ...detail },
    retryable: res.status >= 500 || res.status === 429,
    ...(res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }),
    secrets: o.secrets ?? [],
  });
}
