/** Test helpers: assert that code fails with an AppError of a given code (and evidence fields). */
import assert from 'node:assert/strict';
import { AppError } from '../errors.ts';

function check(e: unknown, code: string, evidence: Record<string, unknown>): AppError {
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.code, code, JSON.stringify(e.diagnosis));
  for (const [k, v] of Object.entries(evidence)) assert.deepEqual(e.diagnosis.evidence[k], v, k);
  return e;
}

/** `fn()` throws AppError `code` whose evidence has these fields; returns the error. */
export function throwsAppError(fn: () => unknown, code: string, evidence: Record<string, unknown> = {}): AppError {
  let caught: AppError | undefined;
  assert.throws(fn, (e: unknown) => {
    caught = check(e, code, evidence);
    return true;
  });
  return caught as AppError;
}

/** `p` rejects with AppError `code` whose evidence has these fields. */
export async function rejectsAppError(p: Promise<unknown>, code: string, evidence: Record<string, unknown> = {}): Promise<AppError> {
  let caught: AppError | undefined;
  await assert.rejects(p, (e: unknown) => {
    caught = check(e, code, evidence);
    return true;
  });
  return caught as AppError;
}
