/**
 * node:sqlite failures → AppErrors. node:sqlite throws errors with
 * `code: 'ERR_SQLITE_ERROR'`, `errcode` (the SQLite extended result code)
 * and `errstr`; the primary code is the low byte. SQLite's messages carry
 * no bound values, so they are safe as evidence.
 */
import { AppError } from '../../core/errors.ts';

/** SQLite primary result codes this module tells apart. */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** The busy timeout every connection sets (PRAGMA busy_timeout), ms. */
export const BUSY_TIMEOUT_MS = 5000;

/** The SQLite primary result code of a node:sqlite error, or undefined for anything else. */
export function sqlitePrimaryCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const errcode = (e as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' ? errcode & 0xff : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when another connection held the lock past the busy timeout. */
export function isBusy(e: unknown): boolean {
  const code = sqlitePrimaryCode(e);
  return code === SQLITE_BUSY || code === SQLITE_LOCKED;
}

/** True when the error says the file is not a database or is damaged. */
export function isCorruption(e: unknown): boolean {
  const code = sqlitePrimaryCode(e);
  return code === SQLITE_CORRUPT || code === SQLITE_NOTADB;
}

/** Translate what a database call threw; AppErrors pass through unchanged. */
export function storeError(e: unknown, database: string, operation: string): AppError {
  if (e instanceof AppError) return e;
  if (isBusy(e)) {
    return new AppError('STORE_BUSY', { evidence: { database, operation, timeoutMs: BUSY_TIMEOUT_MS }, retryable: true, cause: e });
  }
  if (isCorruption(e)) return new AppError('STORE_CORRUPT', { evidence: { database, operation, error: errorText(e) }, cause: e });
  return new AppError('STORE_FAILED', { evidence: { database, operation, error: errorText(e) }, cause: e });
}
