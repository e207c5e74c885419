/**
 * Records ↔ SQLite rows. Encoders give named parameters (absent optional
 * fields → NULL, lists and diagnoses → JSON text); decoders check every
 * column and turn anything unexpected into STORE_CORRUPT, so a damaged row
 * never reaches the caller as a half-typed record. NULL columns become
 * absent fields.
 */
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { Diagnosis, Evidence } from '../../core/errors.ts';
import { AppError } from '../../core/errors.ts';
import { ADDRESS_FAMILIES, DDNS_RECORD_TYPES, isDiagnosis, isEvidence, JOURNAL_RECORD_TYPES, ORDER_STATUSES } from '../records.ts';
import type {
  AccountRecord,
  AddressFamily,
  AddressState,
  ApiTokenRecord,
  CertificateRecord,
  DdnsRecordState,
  DdnsRecordType,
  EventRecord,
  JobState,
  JournalEntry,
  JournalRecordType,
  NewEvent,
  OrderRecord,
  OrderStatus,
  SessionRecord,
  StoredSetting,
  UserRecord,
} from '../store.ts';

export type Row = Record<string, SQLOutputValue>;
export type Params = Record<string, SQLInputValue>;

class RowReader {
  readonly #row: Row;
  readonly #table: string;
  readonly #database: string;
  constructor(row: Row, table: string, database: string) {
    this.#row = row;
    this.#table = table;
    this.#database = database;
  }

  #bad(column: string): never {
    throw new AppError('STORE_CORRUPT', { evidence: { database: this.#database, reason: `unexpected value in ${this.#table}.${column}` } });
  }

  text(column: string): string {
    const v = this.#row[column];
    return typeof v === 'string' ? v : this.#bad(column);
  }

  int(column: string): number {
    const v = this.#row[column];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.#bad(column);
  }

  #json(column: string): unknown {
    try {
      return JSON.parse(this.text(column)) as unknown;
    } catch {
      return this.#bad(column);
    }
  }

  strings(column: string): string[] {
    const v = this.#json(column);
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : this.#bad(column);
  }

  evidence(column: string): Evidence {
    const v = this.#json(column);
    return isEvidence(v) ? v : this.#bad(column);
  }

  /** An INTEGER column holding 0 or 1. */
  bool(column: string): boolean {
    const v = this.#row[column];
    return v === 0 || v === 1 ? v === 1 : this.#bad(column);
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const v = this.text(column);
    return (allowed as readonly string[]).includes(v) ? (v as T) : this.#bad(column);
  }

  /** Absent when NULL. */
  isNull(column: string): boolean {
    return this.#row[column] === null || this.#row[column] === undefined;
  }

  optionalText(column: string): string | undefined {
    return this.isNull(column) ? undefined : this.text(column);
  }

  optionalInt(column: string): number | undefined {
    return this.isNull(column) ? undefined : this.int(column);
  }

  optionalDiagnosis(column: string): Diagnosis | undefined {
    if (this.isNull(column)) return undefined;
    const v = this.#json(column);
    return isDiagnosis(v) ? v : this.#bad(column);
  }
}

/** Copy `fields` into `target`, leaving out undefined ones (exactOptionalPropertyTypes). */
function withOptional<T extends object>(target: T, fields: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

const orNull = (v: string | number | undefined): string | number | null => v ?? null;
const jsonOrNull = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export function decodeAccount(row: Row, database: string): AccountRecord {
  const r = new RowReader(row, 'accounts', database);
  const account = {
    id: r.text('id'),
    directoryUrl: r.text('directory_url'),
    contact: r.strings('contact'),
    accountUrl: r.text('account_url'),
    keyPem: r.text('key_pem'),
    createdAt: r.int('created_at'),
  };
  return withOptional<AccountRecord>(account, { eabKid: r.optionalText('eab_kid') });
}

export function encodeAccount(a: Omit<AccountRecord, 'id'>, id: string, contactKey: string): Params {
  return {
    id,
    directory_url: a.directoryUrl,
    contact_key: contactKey,
    contact: JSON.stringify(a.contact),
    account_url: a.accountUrl,
    key_pem: a.keyPem,
    eab_kid: orNull(a.eabKid),
    created_at: a.createdAt,
  };
}

export function decodeCertificate(row: Row, database: string): CertificateRecord {
  const r = new RowReader(row, 'certificates', database);
  const cert = {
    name: r.text('name'),
    domains: r.strings('domains'),
    provider: r.text('provider'),
    ca: r.text('ca'),
    keyType: r.text('key_type'),
    notBefore: r.int('not_before'),
    notAfter: r.int('not_after'),
    serial: r.text('serial'),
    certId: r.text('cert_id'),
    nextRenewalAt: r.int('next_renewal_at'),
    createdAt: r.int('created_at'),
    updatedAt: r.int('updated_at'),
  };
  return withOptional<CertificateRecord>(cert, {
    ariWindowStart: r.optionalInt('ari_window_start'),
    ariWindowEnd: r.optionalInt('ari_window_end'),
    ariRetryAfter: r.optionalInt('ari_retry_after'),
    replacesCertId: r.optionalText('replaces_cert_id'),
    lastRenewedAt: r.optionalInt('last_renewed_at'),
    lastError: r.optionalDiagnosis('last_error'),
  });
}

export function encodeCertificate(c: CertificateRecord): Params {
  return {
    name: c.name,
    domains: JSON.stringify(c.domains),
    provider: c.provider,
    ca: c.ca,
    key_type: c.keyType,
    not_before: c.notBefore,
    not_after: c.notAfter,
    serial: c.serial,
    cert_id: c.certId,
    ari_window_start: orNull(c.ariWindowStart),
    ari_window_end: orNull(c.ariWindowEnd),
    ari_retry_after: orNull(c.ariRetryAfter),
    next_renewal_at: c.nextRenewalAt,
    replaces_cert_id: orNull(c.replacesCertId),
    last_renewed_at: orNull(c.lastRenewedAt),
    last_error: jsonOrNull(c.lastError),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export function decodeOrder(row: Row, database: string): OrderRecord {
  const r = new RowReader(row, 'orders', database);
  const order = {
    orderUrl: r.text('order_url'),
    certificateName: r.text('certificate_name'),
    status: r.oneOf<OrderStatus>('status', ORDER_STATUSES),
    createdAt: r.int('created_at'),
    updatedAt: r.int('updated_at'),
  };
  return withOptional<OrderRecord>(order, { finalizedAt: r.optionalInt('finalized_at'), error: r.optionalDiagnosis('error') });
}

export function encodeOrder(o: OrderRecord): Params {
  return {
    order_url: o.orderUrl,
    certificate_name: o.certificateName,
    status: o.status,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    finalized_at: orNull(o.finalizedAt),
    error: jsonOrNull(o.error),
  };
}

export function decodeJournalEntry(row: Row, database: string): JournalEntry {
  const r = new RowReader(row, 'challenge_journal', database);
  const entry = {
    id: r.text('id'),
    provider: r.text('provider'),
    zone: r.text('zone'),
    name: r.text('name'),
    type: r.oneOf<JournalRecordType>('type', JOURNAL_RECORD_TYPES),
    value: r.text('value'),
    fqdn: r.text('fqdn'),
    createdAt: r.int('created_at'),
  };
  return withOptional<JournalEntry>(entry, { certificateName: r.optionalText('certificate_name') });
}

export function encodeJournalEntry(e: JournalEntry): Params {
  return {
    id: e.id,
    provider: e.provider,
    zone: e.zone,
    name: e.name,
    type: e.type,
    value: e.value,
    fqdn: e.fqdn,
    certificate_name: orNull(e.certificateName),
    created_at: e.createdAt,
  };
}

export function decodeDdnsRecord(row: Row, database: string): DdnsRecordState {
  const r = new RowReader(row, 'ddns_records', database);
  const state = {
    provider: r.text('provider'),
    fqdn: r.text('fqdn'),
    type: r.oneOf<DdnsRecordType>('type', DDNS_RECORD_TYPES),
    zone: r.text('zone'),
    values: r.strings('held_values'),
    confirmedAt: r.int('confirmed_at'),
    passesSinceRead: r.int('passes_since_read'),
    createdAt: r.int('created_at'),
  };
  return withOptional<DdnsRecordState>(state, {
    desired: r.optionalText('desired'),
    updatedAt: r.optionalInt('updated_at'),
    lastError: r.optionalDiagnosis('last_error'),
  });
}

export function encodeDdnsRecord(s: DdnsRecordState): Params {
  return {
    provider: s.provider,
    fqdn: s.fqdn,
    type: s.type,
    zone: s.zone,
    held_values: JSON.stringify(s.values),
    desired: orNull(s.desired),
    confirmed_at: s.confirmedAt,
    updated_at: orNull(s.updatedAt),
    passes_since_read: s.passesSinceRead,
    last_error: jsonOrNull(s.lastError),
    created_at: s.createdAt,
  };
}

export function decodeAddress(row: Row, database: string): AddressState {
  const r = new RowReader(row, 'addresses', database);
  return {
    family: r.oneOf<AddressFamily>('family', ADDRESS_FAMILIES),
    address: r.text('address'),
    detectedAt: r.int('detected_at'),
    changedAt: r.int('changed_at'),
  };
}

export function encodeAddress(a: AddressState): Params {
  return { family: a.family, address: a.address, detected_at: a.detectedAt, changed_at: a.changedAt };
}

export function decodeEvent(row: Row, database: string): EventRecord {
  const r = new RowReader(row, 'events', database);
  return { id: r.int('id'), at: r.int('at'), kind: r.text('kind'), subject: r.text('subject'), data: r.evidence('data') };
}

export function encodeEvent(e: NewEvent): Params {
  return { at: e.at, kind: e.kind, subject: e.subject, data: JSON.stringify(e.data) };
}

export function decodeJobState(row: Row, database: string): JobState {
  const r = new RowReader(row, 'jobs', database);
  const job = { name: r.text('name'), nextRunAt: r.int('next_run_at'), failures: r.int('failures') };
  return withOptional<JobState>(job, {
    lastRunAt: r.optionalInt('last_run_at'),
    lastSuccessAt: r.optionalInt('last_success_at'),
    lastError: r.optionalDiagnosis('last_error'),
  });
}

export function encodeJobState(j: JobState): Params {
  return {
    name: j.name,
    next_run_at: j.nextRunAt,
    last_run_at: orNull(j.lastRunAt),
    last_success_at: orNull(j.lastSuccessAt),
    failures: j.failures,
    last_error: jsonOrNull(j.lastError),
  };
}

export function decodeSetting(row: Row, database: string): StoredSetting {
  const r = new RowReader(row, 'settings', database);
  return { path: r.text('path'), value: r.text('value'), secret: r.bool('secret'), updatedAt: r.int('updated_at') };
}

export function encodeSetting(st: StoredSetting): Params {
  return { path: st.path, value: st.value, secret: st.secret ? 1 : 0, updated_at: st.updatedAt };
}

export function decodeUser(row: Row, database: string): UserRecord {
  const r = new RowReader(row, 'users', database);
  return { username: r.text('username'), passwordHash: r.text('password_hash'), createdAt: r.int('created_at'), updatedAt: r.int('updated_at') };
}

export function encodeUser(u: UserRecord): Params {
  return { username: u.username, password_hash: u.passwordHash, created_at: u.createdAt, updated_at: u.updatedAt };
}

export function decodeSession(row: Row, database: string): SessionRecord {
  const r = new RowReader(row, 'sessions', database);
  return {
    id: r.text('id'),
    username: r.text('username'),
    csrfHash: r.text('csrf_hash'),
    createdAt: r.int('created_at'),
    expiresAt: r.int('expires_at'),
    lastSeenAt: r.int('last_seen_at'),
  };
}

export function encodeSession(se: SessionRecord): Params {
  return {
    id: se.id,
    username: se.username,
    csrf_hash: se.csrfHash,
    created_at: se.createdAt,
    expires_at: se.expiresAt,
    last_seen_at: se.lastSeenAt,
  };
}

export function decodeApiToken(row: Row, database: string): ApiTokenRecord {
  const r = new RowReader(row, 'api_tokens', database);
  const token = { id: r.text('id'), name: r.text('name'), tokenHash: r.text('token_hash'), createdAt: r.int('created_at') };
  return withOptional<ApiTokenRecord>(token, { lastUsedAt: r.optionalInt('last_used_at'), expiresAt: r.optionalInt('expires_at') });
}

export function encodeApiToken(t: ApiTokenRecord): Params {
  return {
    id: t.id,
    name: t.name,
    token_hash: t.tokenHash,
    created_at: t.createdAt,
    last_used_at: orNull(t.lastUsedAt),
    expires_at: orNull(t.expiresAt),
  };
}
