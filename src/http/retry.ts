/**
 * When and how long to wait before sending a request again (types.ts
 * `RetryMode` states the policy).
 */
import { parseHttpDate } from '../clock/http-date.ts';
import { AppError } from '../core/errors.ts';
import type { RetryMode } from './types.ts';

/** First backoff step, ms; doubled per attempt, capped by the client's maxRetryDelayMs. */
export const BACKOFF_BASE_MS = 500;

/** The retry mode a request gets when it names none. */
export function defaultRetryMode(method: string): RetryMode {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS' ? 'idempotent' : 'unprocessed';
}

/**
 * `Retry-After` as a delay in ms (RFC 9110 §10.2.3): delta-seconds, or an
 * HTTP-date compared with `nowMs` (the trusted time; a date in the past is
 * 0). Undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = parseHttpDate(v);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}

/** Does this status ask for a retry under `mode`? */
export function statusIsRetryable(status: number, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (status === 429 || status === 503) return true;
  return mode === 'idempotent' && (status === 500 || status === 502 || status === 504);
}

/**
 * Is a failed attempt worth repeating under `mode`? `sent`: request bytes
 * may have reached the server. Before that, a connection failure or a
 * timeout (connect, TLS handshake) is retried in every mode but 'none';
 * after it, only a connection failure of an idempotent request: a server
 * that took the request and stayed silent for the whole timeout is not
 * asked again (the call would take a multiple of the configured timeout),
 * and a write may have been applied. TLS and configuration failures never
 * are.
 */
export function errorIsRetryable(e: unknown, mode: RetryMode, sent: boolean): boolean {
  if (mode === 'none' || !(e instanceof AppError)) return false;
  if (e.code !== 'HTTP_CONNECTION' && e.code !== 'HTTP_TIMEOUT') return false;
  if (!e.diagnosis.retryable) return false;
  if (!sent) return true;
  return mode === 'idempotent' && e.code === 'HTTP_CONNECTION';
}

/**
 * Exponential backoff with jitter for retry number `retry` (1 = first
 * retry): a random delay between half and all of min(cap, base·2^(retry−1)).
 */
export function backoffMs(retry: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
