/**
 * AppErrors as API answers: `{ "error": { code, evidence, retryable } }`
 * with an HTTP status chosen from the code's kind. The evidence is already
 * redacted (AppError does that at construction); texts are the UI's job.
 */
import type { Context } from 'hono';
import { errorKind, type ErrorCode } from '../core/codes.ts';
import { AppError, toAppError } from '../core/errors.ts';

const STATUS: Record<string, 400 | 401 | 403 | 404 | 409 | 429 | 500 | 502 | 503 | 504> = {
  usage: 400,
  config: 400,
  auth: 401,
  permission: 403,
  timeout: 504,
  network: 502,
  provider: 502,
  clock: 503,
  internal: 500,
  aborted: 503,
};

/** Codes of the web layer itself, with their own statuses. */
const OWN: Partial<Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 429>> = {
  WEB_UNAUTHENTICATED: 401,
  WEB_CSRF: 403,
  WEB_THROTTLED: 429,
  WEB_NOT_FOUND: 404,
  WEB_SETUP_DONE: 409,
  CERTIFICATE_NOT_FOUND: 404,
  PROVIDER_UNKNOWN: 404,
};

export function statusFor(code: ErrorCode): number {
  return OWN[code] ?? STATUS[errorKind(code)] ?? 500;
}

export function errorResponse(c: Context, e: unknown): Response {
  const error = toAppError(e);
  const status = statusFor(error.code);
  const headers: Record<string, string> = {};
  if (error.diagnosis.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.diagnosis.retryAfterMs / 1000));
  return c.json({ error: error.toJSON() }, status as 400, headers);
}

export function webError(code: ErrorCode, evidence: Record<string, string | number | boolean> = {}, retryAfterMs?: number): AppError {
  return new AppError(code, { evidence, ...(retryAfterMs === undefined ? {} : { retryAfterMs, retryable: true }) });
}
