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
import { checkAccount, checkCertificate, checkJournalEntry, checkOrder, contactKey } from '../records.ts';
import type { AccountRecord, CertificateRecord, JournalEntry, NewAccount, NewJournalEntry, OrderRecord, Store } from '../store.ts';
import { readSchemaVersion } from './migrations.ts';
import { decodeAccount, decodeCertificate, decodeJournalEntry, decodeOrder, encodeAccount, encodeCertificate, encodeJournalEntry, encodeOrder, type Row } from './rows.ts';
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
