/**
 * The persistent state of zonekeeper: ACME accounts, issued certificates,
 * ACME orders, the DNS-01 challenge journal, the DDNS state (what each
 * provider holds for each managed address record, and the public addresses
 * last detected), the event log, the scheduler's job states, stored
 * settings, and the web API's admin account, sessions and API tokens.
 *
 * Secret values (each account's `keyPem`, the `value` of each setting with
 * `secret: true`) are stored as given: a Store neither encrypts nor
 * decrypts. `src/secrets/sealed-store.ts` wraps a Store so that they reach it
 * sealed (AES-256-GCM), and `resealSecrets` lets a key rotation rewrite them
 * all in one transaction.
 *
 * One interface, several implementations (SQLite via `node:sqlite` today,
 * PostgreSQL later), all held to the same contract suite (`contract.ts`).
 * Every method returns a Promise even where the implementation is
 * synchronous, so a networked implementation fits the same interface.
 *
 * Contracts common to every method:
 * - Times are epoch milliseconds (safe integers) taken by the caller from the
 *   trusted clock; the store never reads a clock.
 * - A write has committed (and, for SQLite, reached the disk) when its Promise
 *   resolves; a rejected write changed nothing.
 * - Missing rows read as `undefined` (single) or `[]` (lists), never an error.
 * - Optional fields that are absent are absent on read too (no `undefined`
 *   valued keys); saving a record without an optional field clears it.
 * - List fields (`contact`, `domains`, `values`), diagnoses and event data
 *   round-trip exactly: same order, same strings, same nested JSON.
 * - A record that breaks the field rules below is refused with
 *   STORE_INVALID_RECORD before anything is written.
 * - Failures are AppErrors: STORE_BUSY (retryable: another process held the
 *   database longer than the busy timeout), STORE_CORRUPT, STORE_FAILED (I/O,
 *   disk full), STORE_CLOSED (used after close()).
 */
import type { Diagnosis, Evidence } from '../core/errors.ts';

/**
 * An ACME account registered with one CA for one contact list. There is at
 * most one per (directoryUrl, contact as a set): the contact list matches
 * regardless of order and duplicates.
 */
export interface AccountRecord {
  /** Assigned by the store (random) on the first save; kept by later saves. */
  readonly id: string;
  /** The CA's directory URL, exactly as configured. */
  readonly directoryUrl: string;
  /** Contact URLs (`mailto:…`) as last saved, order kept; may be empty. */
  readonly contact: readonly string[];
  /** The account URL the CA returned (the JWS `kid`). */
  readonly accountUrl: string;
  /**
   * The account private key, PKCS#8 PEM. Secret: through the SealedStore it
   * is stored sealed (`zk1.…`); rows written before encryption at rest hold
   * the PEM itself until they are sealed.
   */
  readonly keyPem: string;
  /** The External Account Binding key id used to register, when the CA needed one. */
  readonly eabKid?: string;
  /** When first saved; kept by later saves. */
  readonly createdAt: number;
}

/** What `saveAccount` takes: an account without the store-assigned id. */
export type NewAccount = Omit<AccountRecord, 'id'>;

/** ACME order status (RFC 8555 §7.1.6). */
export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';

/** The certificate currently issued under a name, and its renewal plan. */
export interface CertificateRecord {
  /** Unique key: the configured certificate name (or first domain, `*.` → `_wildcard.`). */
  readonly name: string;
  /** The identifiers in the order they were requested. */
  readonly domains: readonly string[];
  /** The DNS provider's configured name used for DNS-01. */
  readonly provider: string;
  /** The CA's directory URL. */
  readonly ca: string;
  /** Key type of the certificate's key, as configured (`ec256`, `rsa2048`, …). */
  readonly keyType: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** Serial number, lowercase hex without separators. */
  readonly serial: string;
  /** ARI CertID of this certificate (base64url(AKI keyIdentifier) "." base64url(serial)). */
  readonly certId: string;
  /** The CA's suggested renewal window (ARI); both or neither, start ≤ end. */
  readonly ariWindowStart?: number;
  readonly ariWindowEnd?: number;
  /** Do not ask ARI again before this time (its Retry-After). */
  readonly ariRetryAfter?: number;
  /** When the scheduler should next try to renew. */
  readonly nextRenewalAt: number;
  /** CertID of the certificate this one replaced (sent as `replaces` in the order). */
  readonly replacesCertId?: string;
  /** When this name was last (re)issued successfully. */
  readonly lastRenewedAt?: number;
  /** Why the last renewal attempt failed; absent after a success. */
  readonly lastError?: Diagnosis;
  /** When first saved; kept by later saves of the same name. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One ACME order, for history and for resuming after a crash. */
export interface OrderRecord {
  /** Unique key: the order URL the CA returned. */
  readonly orderUrl: string;
  /** The certificate name the order is for (need not be saved yet: a first issuance). */
  readonly certificateName: string;
  readonly status: OrderStatus;
  /** When first saved; kept by later saves of the same URL. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finalizedAt?: number;
  /** Why the order failed. */
  readonly error?: Diagnosis;
}

/** Record types the challenge journal holds (DNS-01 uses TXT only). */
export type JournalRecordType = 'TXT';

/**
 * One challenge record zonekeeper is about to create, or created and has not
 * yet deleted, at a DNS provider.
 *
 * The journal's contract: the caller adds the entry, and only after
 * `addJournalEntry` resolves (the entry is committed and on disk) asks the
 * provider to create the record; it removes the entry only after the
 * provider confirmed the deletion. So an entry exists from before the record
 * is created until after it is deleted, and a crash at any point leaves at
 * worst an entry for a record that does not exist. The janitor deletes the
 * record of every entry it finds (an idempotent delete) and then the entry.
 */
export interface JournalEntry {
  /** Assigned by the store (random) when added. */
  readonly id: string;
  /** The DNS provider's configured name. */
  readonly provider: string;
  /** The zone the record is in, absolute, without the trailing dot. */
  readonly zone: string;
  /** The record's name relative to the zone (`_acme-challenge.www`; `@` for the apex). */
  readonly name: string;
  readonly type: JournalRecordType;
  /** The record's value (the key authorization digest for DNS-01). */
  readonly value: string;
  /** The record's absolute name, without the trailing dot. */
  readonly fqdn: string;
  /** The certificate the challenge is for, when there is one. */
  readonly certificateName?: string;
  readonly createdAt: number;
}

/** What `addJournalEntry` takes: an entry without the store-assigned id. */
export type NewJournalEntry = Omit<JournalEntry, 'id'>;

/** Address record types DDNS manages. */
export type DdnsRecordType = 'A' | 'AAAA';

/**
 * What one provider holds for one managed address record, as zonekeeper last
 * knew it. One per (provider, fqdn, type).
 */
export interface DdnsRecordState {
  /** The DNS provider's configured name. */
  readonly provider: string;
  /** The record's absolute name: lower case, no trailing dot, no empty label; inside `zone`. */
  readonly fqdn: string;
  readonly type: DdnsRecordType;
  /** The zone the record is in, without the trailing dot (compared with `fqdn` ignoring case). */
  readonly zone: string;
  /**
   * The values the provider held at the last read, or after our last write;
   * order kept, may be empty (no such record there). Not checked as
   * addresses: this is whatever the provider said.
   */
  readonly values: readonly string[];
  /** The address we last wanted there: an IPv4 address for A, IPv6 for AAAA. */
  readonly desired?: string;
  /** Last time the provider's state was read from the provider. */
  readonly confirmedAt: number;
  /** Last write we made to the provider. */
  readonly updatedAt?: number;
  /** DDNS passes since the provider was last read (an integer ≥ 0); the reconciler re-reads every N passes. */
  readonly passesSinceRead: number;
  /** Why the last attempt to read or update failed; absent after a success. */
  readonly lastError?: Diagnosis;
  /** When first saved; kept by later saves of the same key. */
  readonly createdAt: number;
}

/** Address families of the detected public addresses. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** The public address last detected for one family. One per family. */
export interface AddressState {
  readonly family: AddressFamily;
  /** An IPv4 address for 'ipv4', IPv6 for 'ipv6' (no zone id). */
  readonly address: string;
  /** When it was last detected. */
  readonly detectedAt: number;
  /** When it last became this value. Not checked against `detectedAt`: the trusted clock may step back. */
  readonly changedAt: number;
}

/** One entry of the event log (what happened, for the UI, notifiers and `zonekeeper events`). */
export interface EventRecord {
  /** Assigned by the store: strictly increasing, never reused (not even after pruning every event). */
  readonly id: number;
  /** When it happened. Not necessarily increasing with `id`: it is the caller's clock. */
  readonly at: number;
  /** A lower-case dashed token: `ip-changed`, `record-updated`, `update-failed`, `certificate-issued` … */
  readonly kind: string;
  /** What it is about: an fqdn, a certificate name, an address family. */
  readonly subject: string;
  /** Plain JSON facts (finite numbers, plain objects); the caller guarantees it holds no secrets. */
  readonly data: Evidence;
}

/** What `addEvent` takes: an event without the store-assigned id. */
export type NewEvent = Omit<EventRecord, 'id'>;

/** The maximum, and the default, number of events one `listEvents` call returns. */
export const MAX_EVENTS_PER_LIST = 1000;
export const DEFAULT_EVENTS_PER_LIST = 100;

/** Which events `listEvents` returns. */
export interface EventQuery {
  /** Only events with a larger id (for paging: pass the last id seen). */
  readonly afterId?: number;
  /** Only events of these kinds; an empty list matches nothing. Absent: every kind. */
  readonly kinds?: readonly string[];
  /** At most this many: an integer ≥ 1, default 100; above 1000 reads as 1000. */
  readonly limit?: number;
}

/**
 * A scheduler job's state (see `src/daemon/scheduler.ts`, which re-exports
 * this type): one per job name.
 */
export interface JobState {
  readonly name: string;
  /** When the next run is due (trusted epoch ms). */
  readonly nextRunAt: number;
  readonly lastRunAt?: number;
  readonly lastSuccessAt?: number;
  /** Failures in a row (an integer ≥ 0; 0 after a success). */
  readonly failures: number;
  readonly lastError?: Diagnosis;
}

/**
 * A setting stored by the API/UI: the `stored` layer of config provenance
 * (flag > env > file > stored > default). One per path.
 */
export interface StoredSetting {
  /**
   * The dotted config path (`providers.home.secretKey`): non-empty segments
   * separated by single dots.
   */
  readonly path: string;
  /**
   * JSON text of the value. For a secret setting, what the store holds is
   * the sealed form of that JSON text (the SealedStore seals on save and
   * opens on read); a Store accepts any non-empty text there.
   */
  readonly value: string;
  readonly secret: boolean;
  readonly updatedAt: number;
}

/** The web API's admin account. One per username. */
export interface UserRecord {
  readonly username: string;
  /** Opaque to the store (e.g. `scrypt$N$r$p$salt$hash`); never the password itself. */
  readonly passwordHash: string;
  /** When first saved; kept by later saves of the same username. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A web session. The session token itself is never stored. */
export interface SessionRecord {
  /** SHA-256 of the session token: 64 lower-case hex digits (anything else is refused). */
  readonly id: string;
  /** Not checked against `users`: the caller deletes a user's sessions (`deleteSessionsOf`). */
  readonly username: string;
  /** The stored form of the session's CSRF token (a hash; never the token). */
  readonly csrfHash: string;
  /** When first saved; kept by later saves of the same id. */
  readonly createdAt: number;
  /** The session is expired when `expiresAt ≤ now`; the store returns expired sessions until pruned. */
  readonly expiresAt: number;
  readonly lastSeenAt: number;
}

/** An API token for scripts. The token itself is never stored. */
export interface ApiTokenRecord {
  /** Unique key, chosen by the caller. */
  readonly id: string;
  /** A label for people (`backup-script`); need not be unique. */
  readonly name: string;
  /** SHA-256 of the whole token: 64 lower-case hex digits, unique among tokens. */
  readonly tokenHash: string;
  /** When first saved; kept by later saves of the same id. */
  readonly createdAt: number;
  readonly lastUsedAt?: number;
  /** Absent: never expires. The store returns expired tokens; the caller checks. */
  readonly expiresAt?: number;
}

/** Where a secret value is stored (for `resealSecrets`). */
export type SecretLocation = { readonly kind: 'account-key'; readonly accountId: string } | { readonly kind: 'setting'; readonly path: string };

export interface Store {
  /** The schema version of the open database (after migrations: the newest this build knows). */
  schemaVersion(): Promise<number>;

  /** The account for this CA and contact list (compared as a set), or undefined. */
  findAccount(directoryUrl: string, contact: readonly string[]): Promise<AccountRecord | undefined>;
  /**
   * Insert or replace the account for (directoryUrl, contact as a set).
   * A replacement keeps `id` and `createdAt` and takes every other field
   * from `a`. Resolves to the record as stored.
   */
  saveAccount(a: NewAccount): Promise<AccountRecord>;

  getCertificate(name: string): Promise<CertificateRecord | undefined>;
  /** Every certificate, ordered by name (byte-wise UTF-8 order). */
  listCertificates(): Promise<readonly CertificateRecord[]>;
  /**
   * Insert or replace the certificate `c.name`. A replacement keeps the stored
   * `createdAt` and takes every other field from `c` (absent optional fields
   * are cleared). Resolves to the record as stored.
   */
  saveCertificate(c: CertificateRecord): Promise<CertificateRecord>;
  /** Delete the certificate and every order of that name, in one transaction; false when there was none. */
  deleteCertificate(name: string): Promise<boolean>;

  /**
   * Insert or replace the order `o.orderUrl`. A replacement keeps the stored
   * `createdAt`. Resolves to the record as stored.
   */
  saveOrder(o: OrderRecord): Promise<OrderRecord>;
  /** The orders of a certificate name, oldest first (createdAt, then orderUrl). */
  listOrders(certificateName: string): Promise<readonly OrderRecord[]>;

  /**
   * Add a journal entry. When this resolves the entry is committed and
   * durable (it survives a process crash and, on SQLite, a power loss): only
   * then may the caller ask the provider to create the record.
   */
  addJournalEntry(e: NewJournalEntry): Promise<JournalEntry>;
  /** Remove an entry after its record was deleted; false when it was already gone (idempotent). */
  removeJournalEntry(id: string): Promise<boolean>;
  /** Every entry, oldest first (createdAt, then id). */
  listJournal(): Promise<readonly JournalEntry[]>;

  getDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<DdnsRecordState | undefined>;
  /** Every DDNS record state, ordered by provider, then fqdn, then type (byte-wise UTF-8 order). */
  listDdnsRecords(): Promise<readonly DdnsRecordState[]>;
  /**
   * Insert or replace the state of (s.provider, s.fqdn, s.type). A replacement
   * keeps the stored `createdAt` and takes every other field from `s` (absent
   * optional fields are cleared). Resolves to the record as stored.
   */
  saveDdnsRecord(s: DdnsRecordState): Promise<DdnsRecordState>;
  /** False when there was none. */
  deleteDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<boolean>;

  getAddress(family: AddressFamily): Promise<AddressState | undefined>;
  /** Insert or replace the address of `a.family`, every field from `a`. Resolves to the record as stored. */
  saveAddress(a: AddressState): Promise<AddressState>;

  /** Append an event; resolves to it with its new id (larger than every id ever assigned in this database). */
  addEvent(e: NewEvent): Promise<EventRecord>;
  /**
   * Events in ascending id order, filtered by `q` (see EventQuery). A query
   * breaking its rules (a limit that is not an integer ≥ 1, an afterId that
   * is not an integer, kinds not a list of strings) is STORE_INVALID_RECORD.
   */
  listEvents(q?: EventQuery): Promise<readonly EventRecord[]>;
  /** Delete every event with `at < before` (an integer time); resolves to how many were deleted. */
  pruneEvents(before: number): Promise<number>;

  /** The state of job `name`, or undefined. */
  getJobState(name: string): Promise<JobState | undefined>;
  /** Insert or replace the state of `s.name`, every field from `s` (absent optional fields are cleared). */
  saveJobState(s: JobState): Promise<JobState>;
  /** Every job state, ordered by name (byte-wise UTF-8 order). */
  listJobStates(): Promise<readonly JobState[]>;

  /** The setting at `path`, as stored (see StoredSetting.value), or undefined. */
  getSetting(path: string): Promise<StoredSetting | undefined>;
  /** Every setting, ordered by path (byte-wise UTF-8 order). */
  listSettings(): Promise<readonly StoredSetting[]>;
  /**
   * Insert or replace the setting `s.path`, every field from `s`. A setting
   * that is not secret must hold JSON text (STORE_INVALID_RECORD otherwise).
   */
  saveSetting(s: StoredSetting): Promise<StoredSetting>;
  /** False when there was none. */
  deleteSetting(path: string): Promise<boolean>;

  getUser(username: string): Promise<UserRecord | undefined>;
  /** Insert or replace the user `u.username`; a replacement keeps the stored `createdAt`. */
  saveUser(u: UserRecord): Promise<UserRecord>;
  /** How many users there are (0 before the first-run setup). */
  countUsers(): Promise<number>;

  /** The session whose id (token hash) is `id`, expired or not, or undefined. */
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Insert or replace the session `s.id`; a replacement keeps the stored `createdAt`. */
  saveSession(s: SessionRecord): Promise<SessionRecord>;
  /** False when there was none. */
  deleteSession(id: string): Promise<boolean>;
  /** Delete every session of `username`; resolves to how many were deleted. */
  deleteSessionsOf(username: string): Promise<number>;
  /** Delete every session with `expiresAt ≤ now` (an integer time); resolves to how many were deleted. */
  pruneSessions(now: number): Promise<number>;

  /** The token whose hash is `hash`, expired or not, or undefined. */
  getApiTokenByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  /** Every token, oldest first (createdAt, then id). */
  listApiTokens(): Promise<readonly ApiTokenRecord[]>;
  /**
   * Insert or replace the token `t.id`; a replacement keeps the stored
   * `createdAt`. A `tokenHash` already used by another id is STORE_INVALID_RECORD.
   */
  saveApiToken(t: ApiTokenRecord): Promise<ApiTokenRecord>;
  /** False when there was none. */
  deleteApiToken(id: string): Promise<boolean>;

  /**
   * Pass every secret value as stored (each account's `keyPem`, the `value`
   * of each setting with `secret: true`) through `reseal`, and store what it
   * returns, all in ONE write transaction: when the Promise rejects, nothing
   * was changed. `reseal` is synchronous and must not call the store; an
   * AppError it throws rejects the Promise unchanged (anything else it
   * throws is STORE_FAILED), a returned value that is not non-empty text is
   * STORE_INVALID_RECORD.
   * Values returned unchanged are not rewritten. Resolves to the number of
   * values changed.
   */
  resealSecrets(reseal: (value: string, where: SecretLocation) => string): Promise<number>;

  /** Release the database. Idempotent; any other call afterwards rejects with STORE_CLOSED. */
  close(): Promise<void>;
}
