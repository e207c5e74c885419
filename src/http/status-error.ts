/**
 * HTTP_STATUS for callers that refuse a response's status: the URL (as
 * evidence shows it), the status, the action when given, and a short
 * detail: the caller's (e.g. the API's error message; never a raw body
 * with secrets), else a redacted excerpt of the body (an HTML error page
 * of a load balancer shows as its title). Retryable for 5xx and 429.
 */
import { AppError } from '../core/errors.ts';
import { bodyExcerpt } from './body-excerpt.ts';
import { requestEvidence } from './evidence.ts';
import type { HttpResponse } from './types.ts';

const MAX_DETAIL = 300;

export interface HttpStatusDetail {
  readonly detail?: string;
  /** The API operation, e.g. "PATCH zone". */
  readonly action?: string;
  readonly secrets?: readonly string[];
}

export function httpStatusError(res: HttpResponse, o: HttpStatusDetail = {}): AppError {
  const text = o.detail ?? bodyExcerpt(res.body, res.headers['content-type'], o.secrets ?? []);
  const detail = text === '' ? {} : { detail: text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text };
  return new AppError('HTTP_STATUS', {
    evidence: { ...requestEvidence(new URL(res.url)), status: res.status, ...(o.action === undefined ? {} : { action: o.action }), ...detail },
    retryable: res.status >= 500 || res.status === 429,
    ...(res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }),
    secrets: o.secrets ?? [],
  });
}
