/**
 * Field rules and canonical forms shared by every Store implementation: the
 * checks that turn a record (or an event query) breaking the contract of
 * `store.ts` into STORE_INVALID_RECORD before anything is written, the key
 * that makes contact lists match as sets, and the resolved event query.
 * Evidence names the field, never its value (an account's value may be its
 * private key).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Diagnosis, Evidence } from '../core/errors.ts';
import { AppError } from '../core/errors.ts';
import { DEFAULT_EVENTS_PER_LIST, MAX_EVENTS_PER_LIST } from './store.ts';
import type {
  AddressFamily,
  AddressState,
  ApiTokenRecord,
  CertificateRecord,
  DdnsRecordState,
  DdnsRecordType,
  EventQuery,
  JobState,
  JournalRecordType,
  NewAccount,
  NewEvent,
  NewJournalEntry,
  OrderRecord,
  OrderStatus,
  SessionRecord,
  StoredSetting,
  UserRecord,
} from './store.ts';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'ready', 'processing', 'valid', 'invalid'];
export const JOURNAL_RECORD_TYPES: readonly JournalRecordType[] = ['TXT'];
export const DDNS_RECORD_TYPES: readonly DdnsRecordType[] = ['A', 'AAAA'];
export const ADDRESS_FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/** An event kind: lower-case letters and digits in dash-separated words, starting with a letter. */
const EVENT_KIND = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A SHA-256 digest as 64 lower-case hex digits (the stored form of session and API tokens). */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A dotted config path: non-empty segments separated by single dots. */
const SETTING_PATH = /^[^.]+(?:\.[^.]+)*$/;

/** Is `text` JSON text (what JSON.parse accepts)? */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

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

/**
 * True when `v` is plain JSON that survives JSON text unchanged: strings,
 * finite numbers, booleans, null, arrays and plain objects (no undefined,
 * no class instances such as Date, no cycles).
 */
function isJsonValue(v: unknown, ancestors: Set<object>): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || ancestors.has(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return false;
  ancestors.add(v);
  const ok = Array.isArray(v) ? v.every((item) => isJsonValue(item, ancestors)) : Object.values(v).every((item) => isJsonValue(item, ancestors));
  ancestors.delete(v);
  return ok;
}

/** Deep check of evidence (an event's data): a plain JSON object. */
export function isEvidence(v: unknown): v is Evidence {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && isJsonValue(v, new Set());
}

/** Does `text` belong to `family` (an IP address without zone id)? */
function isAddressOf(text: string, ip: 4 | 6): boolean {
  return ip === 4 ? isIPv4(text) : isIPv6(text) && !text.includes('%');
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

  count(field: string, v: unknown): void {
    if (!Number.isSafeInteger(v) || (v as number) < 0) this.fail(field, 'not-count');
  }

  /** A domain name without trailing dot and without empty labels. */
  domain(field: string, v: unknown): void {
    this.text(field, v);
    const name = v as string;
    if (name.endsWith('.')) this.fail(field, 'trailing-dot');
    if (name.split('.').includes('')) this.fail(field, 'empty-label');
  }

  sha256Hex(field: string, v: unknown): void {
    if (typeof v !== 'string' || !SHA256_HEX.test(v)) this.fail(field, 'not-sha256-hex');
  }

  address(field: string, v: unknown, ip: 4 | 6): void {
    if (typeof v !== 'string' || !isAddressOf(v, ip)) this.fail(field, ip === 4 ? 'not-ipv4-address' : 'not-ipv6-address');
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

export function checkDdnsRecord(s: DdnsRecordState): void {
  const c = new Checker('ddns-record');
  c.text('provider', s.provider);
  c.domain('fqdn', s.fqdn);
  if (s.fqdn !== s.fqdn.toLowerCase()) c.fail('fqdn', 'not-lower-case');
  c.oneOf('type', s.type, DDNS_RECORD_TYPES);
  c.domain('zone', s.zone);
  const zone = s.zone.toLowerCase();
  if (s.fqdn !== zone && !s.fqdn.endsWith(`.${zone}`)) c.fail('fqdn', 'outside-zone');
  c.list('values', s.values, false);
  if (s.desired !== undefined) c.address('desired', s.desired, s.type === 'A' ? 4 : 6);
  c.time('confirmedAt', s.confirmedAt);
  c.optionalTime('updatedAt', s.updatedAt);
  c.count('passesSinceRead', s.passesSinceRead);
  c.optionalDiagnosis('lastError', s.lastError);
  c.time('createdAt', s.createdAt);
}

export function checkAddress(a: AddressState): void {
  const c = new Checker('address');
  c.oneOf('family', a.family, ADDRESS_FAMILIES);
  c.address('address', a.address, a.family === 'ipv4' ? 4 : 6);
  c.time('detectedAt', a.detectedAt);
  c.time('changedAt', a.changedAt);
}

export function checkEvent(e: NewEvent): void {
  const c = new Checker('event');
  c.time('at', e.at);
  if (typeof e.kind !== 'string' || !EVENT_KIND.test(e.kind)) c.fail('kind', 'not-kind-token');
  c.text('subject', e.subject);
  if (!isEvidence(e.data)) c.fail('data', 'not-json-object');
}

export function checkJobState(j: JobState): void {
  const c = new Checker('job');
  c.text('name', j.name);
  c.time('nextRunAt', j.nextRunAt);
  c.optionalTime('lastRunAt', j.lastRunAt);
  c.optionalTime('lastSuccessAt', j.lastSuccessAt);
  c.count('failures', j.failures);
  c.optionalDiagnosis('lastError', j.lastError);
}

/**
 * A setting's fields. A secret setting's value is only checked as text (it
 * is stored sealed); any other value must be JSON text. Evidence never
 * carries the value.
 */
export function checkSetting(st: StoredSetting): void {
  const c = new Checker('setting');
  if (typeof st.path !== 'string' || !SETTING_PATH.test(st.path)) c.fail('path', 'not-dotted-path');
  if (typeof st.secret !== 'boolean') c.fail('secret', 'not-boolean');
  c.text('value', st.value);
  if (!st.secret && !isJsonText(st.value)) c.fail('value', 'not-json-text');
  c.time('updatedAt', st.updatedAt);
}

export function checkUser(u: UserRecord): void {
  const c = new Checker('user');
  c.text('username', u.username);
  c.text('passwordHash', u.passwordHash);
  c.time('createdAt', u.createdAt);
  c.time('updatedAt', u.updatedAt);
}

export function checkSession(se: SessionRecord): void {
  const c = new Checker('session');
  c.sha256Hex('id', se.id);
  c.text('username', se.username);
  c.text('csrfHash', se.csrfHash);
  c.time('createdAt', se.createdAt);
  c.time('expiresAt', se.expiresAt);
  c.time('lastSeenAt', se.lastSeenAt);
}

export function checkApiToken(t: ApiTokenRecord): void {
  const c = new Checker('api-token');
  c.text('id', t.id);
  c.text('name', t.name);
  c.sha256Hex('tokenHash', t.tokenHash);
  c.time('createdAt', t.createdAt);
  c.optionalTime('lastUsedAt', t.lastUsedAt);
  c.optionalTime('expiresAt', t.expiresAt);
}

/** A `tokenHash` that another token already has (found by the store inside its write). */
export function duplicateTokenHash(): never {
  return new Checker('api-token').fail('tokenHash', 'used-by-another-token');
}

/** What `resealSecrets`' callback returned: non-empty text. */
export function checkResealed(v: unknown, kind: string): void {
  new Checker(kind === 'account-key' ? 'account' : 'setting').text(kind === 'account-key' ? 'keyPem' : 'value', v);
}

/** `pruneSessions`' bound: an integer time. */
export function checkPruneNow(now: number): void {
  new Checker('session-prune').time('now', now);
}

/** An event query with its defaults filled in. */
export interface ResolvedEventQuery {
  /** Events with a larger id only; -1 when the query had none. */
  readonly afterId: number;
  readonly kinds?: readonly string[];
  readonly limit: number;
}

/** Check `q` (STORE_INVALID_RECORD, record 'event-query') and fill in the defaults. */
export function resolveEventQuery(q: EventQuery = {}): ResolvedEventQuery {
  const c = new Checker('event-query');
  if (q.afterId !== undefined && !Number.isSafeInteger(q.afterId)) c.fail('afterId', 'not-integer');
  if (q.kinds !== undefined && (!Array.isArray(q.kinds) || !q.kinds.every((k) => typeof k === 'string'))) c.fail('kinds', 'not-list');
  if (q.limit !== undefined && (!Number.isSafeInteger(q.limit) || q.limit < 1)) c.fail('limit', 'not-positive-integer');
  const resolved = { afterId: q.afterId ?? -1, limit: Math.min(q.limit ?? DEFAULT_EVENTS_PER_LIST, MAX_EVENTS_PER_LIST) };
  return q.kinds === undefined ? resolved : { ...resolved, kinds: q.kinds };
}

/** `pruneEvents`' bound: an integer time (STORE_INVALID_RECORD, record 'event-prune', otherwise). */
export function checkPruneBefore(before: number): void {
  new Checker('event-prune').time('before', before);
}
