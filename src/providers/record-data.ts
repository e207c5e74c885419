/** Small rules every provider shares when it compares records or honours a call's signal. */
import { AppError } from '../core/errors.ts';

/** Two presentation values of `type` are the same record data: names in data (CNAME, NS, MX) compare case-insensitively; TXT and the rest exactly. */
export function sameData(type: string, a: string, b: string): boolean {
  return type === 'TXT' ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** ABORTED (with the signal's reason) when `signal` has aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AppError('ABORTED', { cause: signal.reason });
}
