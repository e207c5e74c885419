/**
 * Renewal decisions for a stored certificate: refresh the ARI window when
 * the CA allows (its Retry-After), keep the chosen point while the window is
 * unchanged, and say whether the certificate is due.
 */
import type { Clock } from '../clock/clock.ts';
import type { CertificateRecord, Store } from '../store/store.ts';
import type { AcmeClient } from './client.ts';
import { planRenewal } from './renewal.ts';

export interface RenewalDecision {
  readonly due: boolean;
  readonly record: CertificateRecord;
  readonly basis: 'ari' | 'lifetime' | 'forced';
}

/** Ask ARI (if the CA has it and its Retry-After has passed) and store a changed window. */
export async function refreshRenewalPlan(record: CertificateRecord, client: AcmeClient, store: Store, clock: Clock, random: () => number): Promise<CertificateRecord> {
  const now = Math.floor(clock.now());
  if (record.ariRetryAfter !== undefined && now < record.ariRetryAfter) return record;
  const ari = await client.renewalInfo(record.certId).catch(() => undefined);
  if (ari === undefined) return record;
  const start = Date.parse(ari.info.suggestedWindow.start);
  const end = Date.parse(ari.info.suggestedWindow.end);
  const sameWindow = record.ariWindowStart === start && record.ariWindowEnd === end;
  const plan = sameWindow ? { renewAt: record.nextRenewalAt } : planRenewal(record, { start, end }, random);
  return store.saveCertificate({
    ...record,
    ariWindowStart: start,
    ariWindowEnd: end,
    ariRetryAfter: now + (ari.retryAfterMs ?? 6 * 3600_000),
    nextRenewalAt: plan.renewAt,
    updatedAt: now,
  });
}

export function decide(record: CertificateRecord, now: number, force: boolean): RenewalDecision {
  if (force) return { due: true, record, basis: 'forced' };
  return { due: now >= record.nextRenewalAt, record, basis: record.ariWindowStart === undefined ? 'lifetime' : 'ari' };
}
