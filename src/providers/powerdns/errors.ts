/**
 * PowerDNS Authoritative API outcomes -> zonekeeper error codes.
 *
 * - 401 (wrong or missing X-API-Key; PowerDNS answers "Unauthorized" as
 *   text) and 403: PROVIDER_AUTH.
 * - 404 on a zone URL: ZONE_NOT_FOUND (the server has no such zone).
 * - 422 (PowerDNS refused the content, e.g. a malformed record, as
 *   `{"error": "..."}`) and 400: PROVIDER_REJECTED with PowerDNS's message.
 * - Anything else not 2xx: HTTP_STATUS (retryable on 5xx).
 * The API key never appears in evidence.
 */
import { AppError } from '../../core/errors.ts';
import { bodyExcerpt } from '../../http/body-excerpt.ts';
import { httpStatusError } from '../../http/status-error.ts';
import type { HttpResponse } from '../../http/types.ts';

const MAX_MESSAGE = 300;

/** The `error` field of a PowerDNS JSON error body, else an excerpt of the body (PowerDNS answers some errors as plain text; a proxy in front as HTML). */
export function pdnsMessage(res: HttpResponse, secrets: readonly string[] = []): string {
  const text = res.body.toString('utf8');
  try {
    const v = JSON.parse(text) as { error?: unknown };
    if (typeof v === 'object' && v !== null && typeof v.error === 'string') return v.error.slice(0, MAX_MESSAGE);
  } catch {
    // not JSON
  }
  return bodyExcerpt(res.body, res.headers['content-type'], secrets, MAX_MESSAGE);
}

/** The AppError for an unsuccessful answer to `action` (e.g. "PATCH zone") on `zone` (absolute) when known. */
export function powerdnsFailure(res: HttpResponse, action: string, zone: string | undefined, secrets: readonly string[]): AppError {
  const evidence = { status: res.status, action, vendorMessage: pdnsMessage(res, secrets), ...(zone === undefined ? {} : { zone }) };
  if (res.status === 401 || res.status === 403) return new AppError('PROVIDER_AUTH', { evidence, secrets });
  if (res.status === 404 && zone !== undefined) return new AppError('ZONE_NOT_FOUND', { evidence: { ...evidence, provider: 'powerdns' }, secrets });
  if (res.status === 422 || res.status === 400) return new AppError('PROVIDER_REJECTED', { evidence, secrets });
  return httpStatusError(res, { action, detail: evidence.vendorMessage, secrets });
}
