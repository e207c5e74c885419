/**
 * PROVIDER_RESPONSE_INVALID for clients that cannot read an answer: the
 * status says the API answered (2xx, or the vendor's error status) but the
 * body is not the API's document (truncated JSON or XML, an HTML page, a
 * shape the API never sends). Evidence: the URL (as evidence shows it),
 * the status, the action, why the body was refused, its content type and
 * a short redacted excerpt (body-excerpt.ts); never the whole body.
 *
 * Retryable: such answers usually come from a proxy or a connection cut
 * short, not from the request. A write that got one may or may not have
 * been applied; callers list before writing again.
 */
import { AppError } from '../core/errors.ts';
import { bodyExcerpt } from './body-excerpt.ts';
import { requestEvidence } from './evidence.ts';
import type { HttpResponse } from './types.ts';

export interface InvalidResponseDetail {
  /** The API operation, e.g. "DescribeRecordList" or "GET zone". */
  readonly action: string;
  /** What is wrong with the body, e.g. "not JSON", "no Response object". */
  readonly reason: string;
  readonly secrets?: readonly string[];
}

export function invalidResponseError(res: HttpResponse, d: InvalidResponseDetail): AppError {
  const secrets = d.secrets ?? [];
  const contentType = res.headers['content-type'];
  return new AppError('PROVIDER_RESPONSE_INVALID', {
    evidence: {
      ...requestEvidence(new URL(res.url)),
      status: res.status,
      action: d.action,
      reason: d.reason,
      ...(contentType === undefined ? {} : { contentType }),
      bytes: res.body.length,
      excerpt: bodyExcerpt(res.body, contentType, secrets),
    },
    retryable: true,
    secrets,
  });
}
