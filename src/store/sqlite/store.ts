/**
 * The Store on one node:sqlite connection (see `open.ts` for how it is
 * opened and configured). node:sqlite is synchronous: each method does its
 * work before it returns, and returns a settled Promise. Every write runs in
 * a `BEGIN IMMEDIATE` transaction; with `synchronous=FULL` a resolved write
 * has been fsynced. A lock held by another process blocks the event loop for
 * up to the busy timeout, then rejects with STORE_BUSY.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { AppError } from '../../core/errors.ts';
import {
  checkAccount,
  checkAddress,
  checkApiToken,
  checkCertificate,
  checkDdnsRecord,
  checkEvent,
  checkJobState,
  checkJournalEntry,
  checkOrder,
  checkPruneBefore,
  checkPruneNow,
  checkResealed,
  checkSession,
  checkSetting,
  checkUser,
  contactKey,
  duplicateTokenHash,
  resolveEventQuery,
} from '../records.ts';
import type {
  AccountRecord,
  AddressFamily,
  AddressState,
  ApiTokenRecord,
  CertificateRecord,
  DdnsRecordState,
  DdnsRecordType,
  EventQuery,
  EventRecord,
  JobState,
  JournalEntry,
  NewAccount,
  NewEvent,
  NewJournalEntry,
  OrderRecord,
  SecretLocation,
  SessionRecord,
  Store,
  StoredSetting,
  UserRecord,
} from '../store.ts';
import { readSchemaVersion } from './migrations.ts';
import {
  decodeAccount,
  decodeAddress,
  decodeApiToken,
  decodeCertificate,
  decodeDdnsRecord,
  decodeEvent,
  decodeJobState,
  decodeJournalEntry,
  decodeOrder,
  decodeSession,
  decodeSetting,
  decodeUser,
  encodeAccount,
  encodeAddress,
  encodeApiToken,
  encodeCertificate,
  encodeDdnsRecord,
  encodeEvent,
  encodeJobState,
  encodeJournalEntry,
  encodeOrder,
  encodeSession,
  encodeSetting,
  encodeUser,
  type Row,
} from './rows.ts';
import { storeError } from './sqlite-errors.ts';
import { SQL, type StatementName } from './statements.ts';
import { writeTransaction } from './transaction.ts';

export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  /** The file path, for evidence. */
  readonly #database: string;
  readonly #statements = new Map<StatementName, StatementSync>();
  #closed = false;

  /** Takes over a connection that `openSqliteStore` configured and migrated. */
  constructor(db: DatabaseSync, database: string) {
    this.#db = db;
    this.#database = database;
  }

  #statement(name: StatementName): StatementSync {
    let st = this.#statements.get(name);
    if (st === undefined) {
      st = this.#db.prepare(SQL[name]);
      this.#statements.set(name, st);
    }
    return st;
  }

  /** Run `fn` now; its result or its error (as an AppError) becomes the Promise. */
  #call<T>(operation: string, fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError('STORE_CLOSED', { evidence: { operation } }));
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(storeError(e, this.#database, operation));
    }
  }

  #write<T>(operation: string, fn: () => T): Promise<T> {
    return this.#call(operation, () => writeTransaction(this.#db, fn));
  }

  schemaVersion(): Promise<number> {
    return this.#call('schemaVersion', () => readSchemaVersion(this.#db, this.#database));
  }

  findAccount(directoryUrl: string, contact: readonly string[]): Promise<AccountRecord | undefined> {
    return this.#call('findAccount', () => {
      const row = this.#statement('findAccount').get({ directory_url: directoryUrl, contact_key: contactKey(contact) });
      return row === undefined ? undefined : decodeAccount(row, this.#database);
    });
  }

  saveAccount(a: NewAccount): Promise<AccountRecord> {
    return this.#write('saveAccount', () => {
      checkAccount(a);
      const row = this.#statement('saveAccount').get(encodeAccount(a, randomUUID(), contactKey(a.contact)));
      return decodeAccount(this.#returned(row), this.#database);
    });
  }

  getCertificate(name: string): Promise<CertificateRecord | undefined> {
    return this.#call('getCertificate', () => {
      const row = this.#statement('getCertificate').get(name);
      return row === undefined ? undefined : decodeCertificate(row, this.#database);
    });
  }

  listCertificates(): Promise<readonly CertificateRecord[]> {
    return this.#call('listCertificates', () => this.#statement('listCertificates').all().map((row) => decodeCertificate(row, this.#database)));
  }

  saveCertificate(c: CertificateRecord): Promise<CertificateRecord> {
    return this.#write('saveCertificate', () => {
      checkCertificate(c);
      return decodeCertificate(this.#returned(this.#statement('saveCertificate').get(encodeCertificate(c))), this.#database);
    });
  }

  deleteCertificate(name: string): Promise<boolean> {
    return this.#write('deleteCertificate', () => {
      this.#statement('deleteOrdersOf').run(name);
      return Number(this.#statement('deleteCertificate').run(name).changes) > 0;
    });
  }

  saveOrder(o: OrderRecord): Promise<OrderRecord> {
    return this.#write('saveOrder', () => {
      checkOrder(o);
      return decodeOrder(this.#returned(this.#statement('saveOrder').get(encodeOrder(o))), this.#database);
    });
  }

  listOrders(certificateName: string): Promise<readonly OrderRecord[]> {
    return this.#call('listOrders', () => this.#statement('listOrders').all(certificateName).map((row) => decodeOrder(row, this.#database)));
  }

  addJournalEntry(e: NewJournalEntry): Promise<JournalEntry> {
    return this.#write('addJournalEntry', () => {
      checkJournalEntry(e);
      const row = this.#statement('addJournalEntry').get(encodeJournalEntry({ ...e, id: randomUUID() }));
      return decodeJournalEntry(this.#returned(row), this.#database);
    });
  }

  removeJournalEntry(id: string): Promise<boolean> {
    return this.#write('removeJournalEntry', () => Number(this.#statement('removeJournalEntry').run(id).changes) > 0);
  }

  listJournal(): Promise<readonly JournalEntry[]> {
    return this.#call('listJournal', () => this.#statement('listJournal').all().map((row) => decodeJournalEntry(row, this.#database)));
  }

  getDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<DdnsRecordState | undefined> {
    return this.#call('getDdnsRecord', () => {
      const row = this.#statement('getDdnsRecord').get(provider, fqdn, type);
      return row === undefined ? undefined : decodeDdnsRecord(row, this.#database);
    });
  }

  listDdnsRecords(): Promise<readonly DdnsRecordState[]> {
    return this.#call('listDdnsRecords', () => this.#statement('listDdnsRecords').all().map((row) => decodeDdnsRecord(row, this.#database)));
  }

  saveDdnsRecord(s: DdnsRecordState): Promise<DdnsRecordState> {
    return this.#write('saveDdnsRecord', () => {
      checkDdnsRecord(s);
      return decodeDdnsRecord(this.#returned(this.#statement('saveDdnsRecord').get(encodeDdnsRecord(s))), this.#database);
    });
  }

  deleteDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<boolean> {
    return this.#write('deleteDdnsRecord', () => Number(this.#statement('deleteDdnsRecord').run(provider, fqdn, type).changes) > 0);
  }

  getAddress(family: AddressFamily): Promise<AddressState | undefined> {
    return this.#call('getAddress', () => {
      const row = this.#statement('getAddress').get(family);
      return row === undefined ? undefined : decodeAddress(row, this.#database);
    });
  }

  saveAddress(a: AddressState): Promise<AddressState> {
    return this.#write('saveAddress', () => {
      checkAddress(a);
      return decodeAddress(this.#returned(this.#statement('saveAddress').get(encodeAddress(a))), this.#database);
    });
  }

  addEvent(e: NewEvent): Promise<EventRecord> {
    return this.#write('addEvent', () => {
      checkEvent(e);
      return decodeEvent(this.#returned(this.#statement('addEvent').get(encodeEvent(e))), this.#database);
    });
  }

  listEvents(q?: EventQuery): Promise<readonly EventRecord[]> {
    return this.#call('listEvents', () => {
      const { afterId, kinds, limit } = resolveEventQuery(q);
      const rows =
        kinds === undefined
          ? this.#statement('listEvents').all({ after_id: afterId, limit })
          : this.#statement('listEventsOfKinds').all({ after_id: afterId, kinds: JSON.stringify(kinds), limit });
      return rows.map((row) => decodeEvent(row, this.#database));
    });
  }

  pruneEvents(before: number): Promise<number> {
    return this.#write('pruneEvents', () => {
      checkPruneBefore(before);
      return Number(this.#statement('pruneEvents').run(before).changes);
    });
  }

  getJobState(name: string): Promise<JobState | undefined> {
    return this.#call('getJobState', () => this.#optional(this.#statement('getJobState').get(name), decodeJobState));
  }

  saveJobState(j: JobState): Promise<JobState> {
    return this.#write('saveJobState', () => {
      checkJobState(j);
      return decodeJobState(this.#returned(this.#statement('saveJobState').get(encodeJobState(j))), this.#database);
    });
  }

  listJobStates(): Promise<readonly JobState[]> {
    return this.#call('listJobStates', () => this.#statement('listJobStates').all().map((row) => decodeJobState(row, this.#database)));
  }

  getSetting(path: string): Promise<StoredSetting | undefined> {
    return this.#call('getSetting', () => this.#optional(this.#statement('getSetting').get(path), decodeSetting));
  }

  listSettings(): Promise<readonly StoredSetting[]> {
    return this.#call('listSettings', () => this.#statement('listSettings').all().map((row) => decodeSetting(row, this.#database)));
  }

  saveSetting(st: StoredSetting): Promise<StoredSetting> {
    return this.#write('saveSetting', () => {
      checkSetting(st);
      return decodeSetting(this.#returned(this.#statement('saveSetting').get(encodeSetting(st))), this.#database);
    });
  }

  deleteSetting(path: string): Promise<boolean> {
    return this.#write('deleteSetting', () => Number(this.#statement('deleteSetting').run(path).changes) > 0);
  }

  getUser(username: string): Promise<UserRecord | undefined> {
    return this.#call('getUser', () => this.#optional(this.#statement('getUser').get(username), decodeUser));
  }

  saveUser(u: UserRecord): Promise<UserRecord> {
    return this.#write('saveUser', () => {
      checkUser(u);
      return decodeUser(this.#returned(this.#statement('saveUser').get(encodeUser(u))), this.#database);
    });
  }

  countUsers(): Promise<number> {
    return this.#call('countUsers', () => Number(this.#statement('countUsers').get()?.['n'] ?? 0));
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#call('getSession', () => this.#optional(this.#statement('getSession').get(id), decodeSession));
  }

  saveSession(se: SessionRecord): Promise<SessionRecord> {
    return this.#write('saveSession', () => {
      checkSession(se);
      return decodeSession(this.#returned(this.#statement('saveSession').get(encodeSession(se))), this.#database);
    });
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#write('deleteSession', () => Number(this.#statement('deleteSession').run(id).changes) > 0);
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.#write('deleteSessionsOf', () => Number(this.#statement('deleteSessionsOf').run(username).changes));
  }

  pruneSessions(now: number): Promise<number> {
    return this.#write('pruneSessions', () => {
      checkPruneNow(now);
      return Number(this.#statement('pruneSessions').run(now).changes);
    });
  }

  getApiTokenByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#call('getApiTokenByHash', () => this.#optional(this.#statement('getApiTokenByHash').get(hash), decodeApiToken));
  }

  listApiTokens(): Promise<readonly ApiTokenRecord[]> {
    return this.#call('listApiTokens', () => this.#statement('listApiTokens').all().map((row) => decodeApiToken(row, this.#database)));
  }

  saveApiToken(t: ApiTokenRecord): Promise<ApiTokenRecord> {
    return this.#write('saveApiToken', () => {
      checkApiToken(t);
      if (this.#statement('otherTokenWithHash').get(t.tokenHash, t.id) !== undefined) duplicateTokenHash();
      return decodeApiToken(this.#returned(this.#statement('saveApiToken').get(encodeApiToken(t))), this.#database);
    });
  }

  deleteApiToken(id: string): Promise<boolean> {
    return this.#write('deleteApiToken', () => Number(this.#statement('deleteApiToken').run(id).changes) > 0);
  }

  resealSecrets(reseal: (value: string, where: SecretLocation) => string): Promise<number> {
    return this.#write('resealSecrets', () => {
      let changed = 0;
      for (const row of this.#statement('listAccounts').all()) {
        const { id, keyPem } = decodeAccount(row, this.#database);
        const next = reseal(keyPem, { kind: 'account-key', accountId: id });
        checkResealed(next, 'account-key');
        if (next !== keyPem) changed += Number(this.#statement('setAccountKey').run(next, id).changes);
      }
      for (const row of this.#statement('listSecretSettings').all()) {
        const { path, value } = decodeSetting(row, this.#database);
        const next = reseal(value, { kind: 'setting', path });
        checkResealed(next, 'setting');
        if (next !== value) changed += Number(this.#statement('setSettingValue').run(next, path).changes);
      }
      return changed;
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#statements.clear();
    try {
      this.#db.close();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(storeError(e, this.#database, 'close'));
    }
  }

  /** Decode a row that may be missing. */
  #optional<T>(row: Row | undefined, decode: (row: Row, database: string) => T): T | undefined {
    return row === undefined ? undefined : decode(row, this.#database);
  }

  /** The row of an `INSERT … RETURNING *`, which always returns one. */
  #returned(row: Row | undefined): Row {
    if (row === undefined) throw new AppError('INTERNAL', { evidence: { error: 'INSERT … RETURNING gave no row', database: this.#database } });
    return row;
  }
}
