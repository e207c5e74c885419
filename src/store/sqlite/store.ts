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
import { checkAccount, checkAddress, checkCertificate, checkDdnsRecord, checkEvent, checkJournalEntry, checkOrder, checkPruneBefore, contactKey, resolveEventQuery } from '../records.ts';
import type {
  AccountRecord,
  AddressFamily,
  AddressState,
  CertificateRecord,
  DdnsRecordState,
  DdnsRecordType,
  EventQuery,
  EventRecord,
  JournalEntry,
  NewAccount,
  NewEvent,
  NewJournalEntry,
  OrderRecord,
  Store,
} from '../store.ts';
import { readSchemaVersion } from './migrations.ts';
import {
  decodeAccount,
  decodeAddress,
  decodeCertificate,
  decodeDdnsRecord,
  decodeEvent,
  decodeJournalEntry,
  decodeOrder,
  encodeAccount,
  encodeAddress,
  encodeCertificate,
  encodeDdnsRecord,
  encodeEvent,
  encodeJournalEntry,
  encodeOrder,
  type Row,
} from './rows.ts';
import { storeError } from './sqlite-errors.ts';
import { writeTransaction } from './transaction.ts';

const SQL = {
  findAccount: 'SELECT * FROM accounts WHERE directory_url = :directory_url AND contact_key = :contact_key',
  saveAccount: `INSERT INTO accounts (id, directory_url, contact_key, contact, account_url, key_pem, eab_kid, created_at)
    VALUES (:id, :directory_url, :contact_key, :contact, :account_url, :key_pem, :eab_kid, :created_at)
    ON CONFLICT (directory_url, contact_key) DO UPDATE SET
      contact = excluded.contact, account_url = excluded.account_url, key_pem = excluded.key_pem, eab_kid = excluded.eab_kid
    RETURNING *`,
  getCertificate: 'SELECT * FROM certificates WHERE name = ?',
  listCertificates: 'SELECT * FROM certificates ORDER BY name',
  saveCertificate: `INSERT INTO certificates (name, domains, provider, ca, key_type, not_before, not_after, serial, cert_id,
      ari_window_start, ari_window_end, ari_retry_after, next_renewal_at, replaces_cert_id, last_renewed_at, last_error, created_at, updated_at)
    VALUES (:name, :domains, :provider, :ca, :key_type, :not_before, :not_after, :serial, :cert_id,
      :ari_window_start, :ari_window_end, :ari_retry_after, :next_renewal_at, :replaces_cert_id, :last_renewed_at, :last_error, :created_at, :updated_at)
    ON CONFLICT (name) DO UPDATE SET
      domains = excluded.domains, provider = excluded.provider, ca = excluded.ca, key_type = excluded.key_type,
      not_before = excluded.not_before, not_after = excluded.not_after, serial = excluded.serial, cert_id = excluded.cert_id,
      ari_window_start = excluded.ari_window_start, ari_window_end = excluded.ari_window_end, ari_retry_after = excluded.ari_retry_after,
      next_renewal_at = excluded.next_renewal_at, replaces_cert_id = excluded.replaces_cert_id,
      last_renewed_at = excluded.last_renewed_at, last_error = excluded.last_error, updated_at = excluded.updated_at
    RETURNING *`,
  deleteOrdersOf: 'DELETE FROM orders WHERE certificate_name = ?',
  deleteCertificate: 'DELETE FROM certificates WHERE name = ?',
  saveOrder: `INSERT INTO orders (order_url, certificate_name, status, created_at, updated_at, finalized_at, error)
    VALUES (:order_url, :certificate_name, :status, :created_at, :updated_at, :finalized_at, :error)
    ON CONFLICT (order_url) DO UPDATE SET
      certificate_name = excluded.certificate_name, status = excluded.status, updated_at = excluded.updated_at,
      finalized_at = excluded.finalized_at, error = excluded.error
    RETURNING *`,
  listOrders: 'SELECT * FROM orders WHERE certificate_name = ? ORDER BY created_at, order_url',
  addJournalEntry: `INSERT INTO challenge_journal (id, provider, zone, name, type, value, fqdn, certificate_name, created_at)
    VALUES (:id, :provider, :zone, :name, :type, :value, :fqdn, :certificate_name, :created_at)
    RETURNING *`,
  removeJournalEntry: 'DELETE FROM challenge_journal WHERE id = ?',
  listJournal: 'SELECT * FROM challenge_journal ORDER BY created_at, id',
  getDdnsRecord: 'SELECT * FROM ddns_records WHERE provider = ? AND fqdn = ? AND type = ?',
  listDdnsRecords: 'SELECT * FROM ddns_records ORDER BY provider, fqdn, type',
  saveDdnsRecord: `INSERT INTO ddns_records (provider, fqdn, type, zone, held_values, desired, confirmed_at, updated_at, passes_since_read, last_error, created_at)
    VALUES (:provider, :fqdn, :type, :zone, :held_values, :desired, :confirmed_at, :updated_at, :passes_since_read, :last_error, :created_at)
    ON CONFLICT (provider, fqdn, type) DO UPDATE SET
      zone = excluded.zone, held_values = excluded.held_values, desired = excluded.desired, confirmed_at = excluded.confirmed_at,
      updated_at = excluded.updated_at, passes_since_read = excluded.passes_since_read, last_error = excluded.last_error
    RETURNING *`,
  deleteDdnsRecord: 'DELETE FROM ddns_records WHERE provider = ? AND fqdn = ? AND type = ?',
  getAddress: 'SELECT * FROM addresses WHERE family = ?',
  saveAddress: `INSERT INTO addresses (family, address, detected_at, changed_at) VALUES (:family, :address, :detected_at, :changed_at)
    ON CONFLICT (family) DO UPDATE SET address = excluded.address, detected_at = excluded.detected_at, changed_at = excluded.changed_at
    RETURNING *`,
  addEvent: 'INSERT INTO events (at, kind, subject, data) VALUES (:at, :kind, :subject, :data) RETURNING *',
  listEvents: 'SELECT * FROM events WHERE id > :after_id ORDER BY id LIMIT :limit',
  listEventsOfKinds: 'SELECT * FROM events WHERE id > :after_id AND kind IN (SELECT value FROM json_each(:kinds)) ORDER BY id LIMIT :limit',
  pruneEvents: 'DELETE FROM events WHERE at < ?',
} as const;

type StatementName = keyof typeof SQL;

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

  /** The row of an `INSERT … RETURNING *`, which always returns one. */
  #returned(row: Row | undefined): Row {
    if (row === undefined) throw new AppError('INTERNAL', { evidence: { error: 'INSERT … RETURNING gave no row', database: this.#database } });
    return row;
  }
}
