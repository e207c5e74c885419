/**
 * The one error type of zonekeeper. Every failure that reaches a user is an
 * AppError with a stable `code` (never renamed once published) and a
 * `diagnosis` that is data, not prose: the edges (cli/, web/) render it in
 * the user's language from the code and the evidence.
 */
import type { ErrorCode } from './codes.ts';
import { redactEvidence } from './redact.ts';

export type { ErrorCode } from './codes.ts';

/** Evidence values are plain JSON data; secrets are removed when the error is built. */
export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };
export type Evidence = Record<string, EvidenceValue>;

export interface Diagnosis {
  /** Key of the summary/causes/fix texts in the renderer's catalogue; defaults to the code. */
  readonly code: ErrorCode;
  /** Facts that explain this occurrence: server, rcode, offsets, what each nameserver answered. Redacted. */
  readonly evidence: Evidence;
  /** Would trying again (unchanged) plausibly succeed? */
  readonly retryable: boolean;
  /** When a server told us how long to wait. */
  readonly retryAfterMs?: number;
}

export interface AppErrorOptions {
  readonly evidence?: Evidence;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
  /** Secret strings that must not appear anywhere in the evidence. */
  readonly secrets?: readonly string[];
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly diagnosis: Diagnosis;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const evidence = redactEvidence(options.evidence ?? {}, options.secrets ?? []);
    super(`${code}${summarizeEvidence(evidence)}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    const diagnosis: { -readonly [K in keyof Diagnosis]: Diagnosis[K] } = {
      code,
      evidence,
      retryable: options.retryable ?? false,
    };
    if (options.retryAfterMs !== undefined) diagnosis.retryAfterMs = options.retryAfterMs;
    this.diagnosis = diagnosis;
  }

  toJSON(): { code: ErrorCode; evidence: Evidence; retryable: boolean; retryAfterMs?: number } {
    return { ...this.diagnosis };
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** Wrap anything thrown into an AppError (unknown failures become INTERNAL). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new AppError('ABORTED', { cause: e });
  return new AppError('INTERNAL', {
    evidence: { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
    cause: e,
  });
}

function summarizeEvidence(evidence: Evidence): string {
  const parts = Object.entries(evidence)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
