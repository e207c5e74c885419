import type { ErrorCode } from './codes.ts';
import type { Evidence } from './errors.ts';

/**
 * Something worth telling the user that is not (yet) a failure: a lying
 * resolver, a secret with an invisible character, a skewed clock. Rendered
 * like an error's diagnosis, from the code and the evidence.
 */
export interface Finding {
  readonly code: ErrorCode;
  readonly severity: 'info' | 'warning' | 'error';
  readonly evidence: Evidence;
}
