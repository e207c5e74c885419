/**
 * Cloudflare API outcomes -> zonekeeper error codes.
 *
 * Cloudflare answers with an envelope `{success, errors: [{code, message}],
 * messages, result, result_info}`. The mapping:
 * - HTTP 401, or any of the credential codes 9109 (invalid access token),
 *   6003 (invalid request headers), 6111 (invalid Authorization header),
 *   or 10000 ("Authentication error") on a read: PROVIDER_AUTH.
 * - HTTP 403 otherwise (a valid token without the permission, e.g. 10000 on a
 *   write with a read-only token, as the test emulator answers):
 *   PROVIDER_PERMISSION, with the action in the evidence.
 * - 429 never reaches here: the HTTP client retries it within its budget and
 *   then rejects with HTTP_RATE_LIMITED.
 * - A 2xx whose body is not the envelope (cut short, an HTML page):
 *   PROVIDER_RESPONSE_INVALID with a short excerpt of the body.
 * - Anything else unsuccessful: HTTP_STATUS with the vendor errors as
 *   detail, or an excerpt of the body when it is not the envelope.
 * The token never appears in evidence.
 */
import { AppError } from '../../core/errors.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { httpStatusError } from '../../http/status-error.ts';
import type { HttpResponse } from '../../http/types.ts';

export interface CfError {
  readonly code: number;
  readonly message: string;
}

export interface CfEnvelope<T> {
  readonly success: boolean;
  readonly errors: readonly CfError[];
  readonly result: T;
  readonly result_info?: { readonly page?: number; readonly per_page?: number; readonly total_pages?: number; readonly count?: number; readonly total_count?: number };
}

/** Codes that say the token itself is bad, whatever the status. */
export const CREDENTIAL_CODES: ReadonlySet<number> = new Set([9109, 6003, 6111]);
/** "Authentication error": a bad token on reads, a missing permission on writes. */
export const AUTHENTICATION_ERROR = 10000;
/** "Record does not exist" (DELETE / PATCH of an id that is gone). */
export const RECORD_NOT_FOUND = 81044;
/** "Record already exists" / "An identical record already exists". */
export const RECORD_EXISTS: ReadonlySet<number> = new Set([81057, 81058]);

/** The envelope of a response, or undefined when the body is not one. */
export function parseEnvelope<T>(res: HttpResponse): CfEnvelope<T> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || typeof (v as { success?: unknown }).success !== 'boolean') return undefined;
  const errors = Array.isArray((v as { errors?: unknown }).errors) ? (v as { errors: unknown[] }).errors : [];
  const clean = errors
    .filter((e): e is { code?: unknown; message?: unknown } => typeof e === 'object' && e !== null)
    .map((e) => ({ code: typeof e.code === 'number' ? e.code : 0, message: typeof e.message === 'string' ? e.message : '' }));
  return { ...(v as CfEnvelope<T>), errors: clean };
}

function detailOf(errors: readonly CfError[]): string | undefined {
  return errors.length === 0 ? undefined : errors.map((e) => `${e.code}: ${e.message}`).join('; ');
}

/** The AppError for an unsuccessful answer to `action` (e.g. "dns_records.create"). */
export function cloudflareFailure(res: HttpResponse, env: CfEnvelope<unknown> | undefined, action: string, write: boolean, secrets: readonly string[]): AppError {
  const errors = env?.errors ?? [];
  const codes = errors.map((e) => e.code);
  const first = errors[0];
  const evidence = {
    vendorCode: first === undefined ? `HTTP ${res.status}` : String(first.code),
    vendorMessage: first?.message ?? '',
    status: res.status,
    action,
  };
  const credential = codes.some((c) => CREDENTIAL_CODES.has(c)) || (!write && codes.includes(AUTHENTICATION_ERROR));
  if (res.status === 401 || (res.status === 403 && credential) || (res.status === 400 && codes.some((c) => CREDENTIAL_CODES.has(c))))
    return new AppError('PROVIDER_AUTH', { evidence, secrets });
  if (res.status === 403) return new AppError('PROVIDER_PERMISSION', { evidence, secrets });
  if (env === undefined && res.status >= 200 && res.status < 300) return invalidResponseError(res, { action, reason: 'not a Cloudflare API envelope', secrets });
  // Not an envelope at a failure status (a gateway's HTML page): the detail is an excerpt of the body.
  const detail = env === undefined ? undefined : detailOf(errors);
  return httpStatusError(res, { action, ...(detail === undefined ? {} : { detail }), secrets });
}
