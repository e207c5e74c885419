/**
 * Webhook answers -> zonekeeper error codes: 401 PROVIDER_AUTH, 403
 * PROVIDER_PERMISSION, any other non-2xx PROVIDER_REJECTED with the status,
 * the action and the start of the body (secrets removed). 5xx is retryable.
 */
import { AppError } from '../../core/errors.ts';
import { redactString } from '../../core/redact.ts';
import { requestEvidence } from '../../http/evidence.ts';
import type { HttpResponse } from '../../http/types.ts';

export const MAX_BODY_EVIDENCE = 300;

export function webhookFailure(res: HttpResponse, action: string, secrets: readonly string[]): AppError {
  const text = redactString(res.body.toString('utf8'), secrets);
  const body = text.length > MAX_BODY_EVIDENCE ? `${text.slice(0, MAX_BODY_EVIDENCE)}…` : text;
  const evidence = { ...requestEvidence(new URL(res.url)), status: res.status, action, body };
  if (res.status === 401) return new AppError('PROVIDER_AUTH', { evidence, secrets: [...secrets] });
  if (res.status === 403) return new AppError('PROVIDER_PERMISSION', { evidence, secrets: [...secrets] });
  return new AppError('PROVIDER_REJECTED', { evidence, retryable: res.status >= 500, secrets: [...secrets] });
}
