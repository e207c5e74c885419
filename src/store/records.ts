/**
 * Field rules and canonical forms shared by every Store implementation: the
 * checks that turn a record breaking the contract of `store.ts` into
 * STORE_INVALID_RECORD before anything is written, and the key that makes
 * contact lists match as sets. Evidence names the field, never its value
 * (an account's value may be its private key).
 */
import type { Diagnosis } from '../core/errors.ts';
import { AppError } from '../core/errors.ts';
import type { CertificateRecord, JournalRecordType, NewAccount, NewJournalEntry, OrderRecord, OrderStatus } from './store.ts';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'ready', 'processing', 'valid', 'invalid'];
export const JOURNAL_RECORD_TYPES: readonly JournalRecordType[] = ['TXT'];

/** The lookup key of a contact list: JSON of its distinct entries, sorted. */
export function contactKey(contact: readonly string[]): string {
  return JSON.stringify([...new Set(contact)].sort());
}

/** Shape check of a stored or given diagnosis (the JSON of an AppError's `diagnosis`). */
export function isDiagnosis(v: unknown): v is Diagnosis {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  const evidence = d['evidence'];
  return (
    typeof d['code'] === 'string' &&
    d['code'] !== '' &&
    typeof evidence === 'object' &&
    evidence !== null &&
    !Array.isArray(evidence) &&
    typeof d['retryable'] === 'boolean' &&
    (d['retryAfterMs'] === undefined || (typeof d['retryAfterMs'] === 'number' && Number.isFinite(d['retryAfterMs'])))
  );
}

class Checker {
  readonly #record: string;
  constructor(record: string) {
    this.#record = record;
  }

  fail(field: string, reason: string): never {
    throw new AppError('STORE_INVALID_RECORD', { evidence: { record: this.#record, field, reason } });
  }

  text(field: string, v: unknown): void {
    if (typeof v !== 'string' || v === '') this.fail(field, 'not-text');
  }

  optionalText(field: string, v: unknown): void {
    if (v !== undefined) this.text(field, v);
  }

  time(field: string, v: unknown): void {
    if (!Number.isSafeInteger(v)) this.fail(field, 'not-time');
  }

  optionalTime(field: string, v: unknown): void {
    if (v !== undefined) this.time(field, v);
  }

  list(field: string, v: unknown, nonEmpty: boolean): void {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) this.fail(field, nonEmpty ? 'not-non-empty-list' : 'not-list');
    for (const item of v as unknown[]) if (typeof item !== 'string' || item === '') this.fail(field, 'entry-not-text');
  }

  optionalDiagnosis(field: string, v: unknown): void {
    if (v !== undefined && !isDiagnosis(v)) this.fail(field, 'not-diagnosis');
  }

  oneOf(field: string, v: unknown, allowed: readonly string[]): void {
    if (typeof v !== 'string' || !allowed.includes(v)) this.fail(field, 'not-allowed-value');
  }
}

export function checkAccount(a: NewAccount): void {
  const c = new Checker('account');
  c.text('directoryUrl', a.directoryUrl);
  c.list('contact', a.contact, false);
  c.text('accountUrl', a.accountUrl);
  c.text('keyPem', a.keyPem);
  c.optionalText('eabKid', a.eabKid);
  c.time('createdAt', a.createdAt);
}

export function checkCertificate(r: CertificateRecord): void {
  const c = new Checker('certificate');
  c.text('name', r.name);
  c.list('domains', r.domains, true);
  c.text('provider', r.provider);
  c.text('ca', r.ca);
  c.text('keyType', r.keyType);
  c.time('notBefore', r.notBefore);
  c.time('notAfter', r.notAfter);
  if (typeof r.serial !== 'string' || !/^[0-9a-f]+$/.test(r.serial)) c.fail('serial', 'not-lowercase-hex');
  c.text('certId', r.certId);
  c.optionalTime('ariWindowStart', r.ariWindowStart);
  c.optionalTime('ariWindowEnd', r.ariWindowEnd);
  if ((r.ariWindowStart === undefined) !== (r.ariWindowEnd === undefined)) c.fail('ariWindowEnd', 'window-incomplete');
  if (r.ariWindowStart !== undefined && r.ariWindowEnd !== undefined && r.ariWindowStart > r.ariWindowEnd) c.fail('ariWindowEnd', 'window-reversed');
  c.optionalTime('ariRetryAfter', r.ariRetryAfter);
  c.time('nextRenewalAt', r.nextRenewalAt);
  c.optionalText('replacesCertId', r.replacesCertId);
  c.optionalTime('lastRenewedAt', r.lastRenewedAt);
  c.optionalDiagnosis('lastError', r.lastError);
  c.time('createdAt', r.createdAt);
  c.time('updatedAt', r.updatedAt);
}

export function checkOrder(o: OrderRecord): void {
  const c = new Checker('order');
  c.text('orderUrl', o.orderUrl);
  c.text('certificateName', o.certificateName);
  c.oneOf('status', o.status, ORDER_STATUSES);
  c.time('createdAt', o.createdAt);
  c.time('updatedAt', o.updatedAt);
  c.optionalTime('finalizedAt', o.finalizedAt);
  c.optionalDiagnosis('error', o.error);
}

export function checkJournalEntry(e: NewJournalEntry): void {
  const c = new Checker('journal');
  c.text('provider', e.provider);
  c.text('zone', e.zone);
  c.text('name', e.name);
  c.oneOf('type', e.type, JOURNAL_RECORD_TYPES);
  c.text('value', e.value);
  c.text('fqdn', e.fqdn);
  c.optionalText('certificateName', e.certificateName);
  c.time('createdAt', e.createdAt);
}
