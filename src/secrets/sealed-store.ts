/**
 * Encryption at rest as a Store decorator: every secret the product saves
 * goes through here and reaches the database sealed; every secret it reads
 * comes back opened. The rest of the product sees plaintext records and
 * never handles a sealed value.
 *
 * - `saveAccount` seals `keyPem`; `findAccount` opens it.
 * - `saveSetting` seals the value of a setting with `secret: true` (it must
 *   be JSON text, like any setting's value); `getSetting`/`listSettings`
 *   open it. Settings that are not secret pass through.
 * - A plaintext value from before encryption at rest opens as itself, and
 *   `openSealedStore` seals every such value when it opens the store, so an
 *   upgraded data directory holds no plaintext secret after its first open.
 * - Records are checked (STORE_INVALID_RECORD) before sealing, so a refused
 *   record's error never depends on the key.
 * - `resealSecrets` passes through to the inner store: it sees the values as
 *   stored (sealed), which is what a key rotation needs.
 */
import { join } from 'node:path';
import { checkAccount, checkSetting, isJsonText } from '../store/records.ts';
import { openSqliteStore, SQLITE_FILE_NAME } from '../store/sqlite/open.ts';
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
} from '../store/store.ts';
import { AppError } from '../core/errors.ts';
import { isPlaintext, Keyring } from './keyring.ts';

export class SealedStore implements Store {
  readonly #inner: Store;
  readonly #ring: Keyring;

  constructor(inner: Store, ring: Keyring) {
    this.#inner = inner;
    this.#ring = ring;
  }

  /** The keys this store seals and opens with. */
  get keyring(): Keyring {
    return this.#ring;
  }

  #openAccount(a: AccountRecord): AccountRecord {
    return { ...a, keyPem: this.#ring.open(a.keyPem, { kind: 'account-key', accountId: a.id }) };
  }

  #openSetting(st: StoredSetting): StoredSetting {
    return st.secret ? { ...st, value: this.#ring.open(st.value, { kind: 'setting', path: st.path }) } : st;
  }

  schemaVersion(): Promise<number> {
    return this.#inner.schemaVersion();
  }

  async findAccount(directoryUrl: string, contact: readonly string[]): Promise<AccountRecord | undefined> {
    const a = await this.#inner.findAccount(directoryUrl, contact);
    return a === undefined ? undefined : this.#openAccount(a);
  }

  async saveAccount(a: NewAccount): Promise<AccountRecord> {
    checkAccount(a);
    const saved = await this.#inner.saveAccount({ ...a, keyPem: this.#ring.seal(a.keyPem) });
    return { ...saved, keyPem: a.keyPem };
  }

  async getSetting(path: string): Promise<StoredSetting | undefined> {
    const st = await this.#inner.getSetting(path);
    return st === undefined ? undefined : this.#openSetting(st);
  }

  async listSettings(): Promise<readonly StoredSetting[]> {
    return (await this.#inner.listSettings()).map((st) => this.#openSetting(st));
  }

  async saveSetting(st: StoredSetting): Promise<StoredSetting> {
    checkSetting(st);
    if (!st.secret) return this.#inner.saveSetting(st);
    if (!isJsonText(st.value)) throw new AppError('STORE_INVALID_RECORD', { evidence: { record: 'setting', field: 'value', reason: 'not-json-text' } });
    const saved = await this.#inner.saveSetting({ ...st, value: this.#ring.seal(st.value) });
    return { ...saved, value: st.value };
  }

  resealSecrets(reseal: (value: string, where: SecretLocation) => string): Promise<number> {
    return this.#inner.resealSecrets(reseal);
  }

  // Everything else holds no secret and passes through.
  getCertificate(name: string): Promise<CertificateRecord | undefined> {
    return this.#inner.getCertificate(name);
  }
  listCertificates(): Promise<readonly CertificateRecord[]> {
    return this.#inner.listCertificates();
  }
  saveCertificate(c: CertificateRecord): Promise<CertificateRecord> {
    return this.#inner.saveCertificate(c);
  }
  deleteCertificate(name: string): Promise<boolean> {
    return this.#inner.deleteCertificate(name);
  }
  saveOrder(o: OrderRecord): Promise<OrderRecord> {
    return this.#inner.saveOrder(o);
  }
  listOrders(certificateName: string): Promise<readonly OrderRecord[]> {
    return this.#inner.listOrders(certificateName);
  }
  addJournalEntry(e: NewJournalEntry): Promise<JournalEntry> {
    return this.#inner.addJournalEntry(e);
  }
  removeJournalEntry(id: string): Promise<boolean> {
    return this.#inner.removeJournalEntry(id);
  }
  listJournal(): Promise<readonly JournalEntry[]> {
    return this.#inner.listJournal();
  }
  getDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<DdnsRecordState | undefined> {
    return this.#inner.getDdnsRecord(provider, fqdn, type);
  }
  listDdnsRecords(): Promise<readonly DdnsRecordState[]> {
    return this.#inner.listDdnsRecords();
  }
  saveDdnsRecord(s: DdnsRecordState): Promise<DdnsRecordState> {
    return this.#inner.saveDdnsRecord(s);
  }
  deleteDdnsRecord(provider: string, fqdn: string, type: DdnsRecordType): Promise<boolean> {
    return this.#inner.deleteDdnsRecord(provider, fqdn, type);
  }
  getAddress(family: AddressFamily): Promise<AddressState | undefined> {
    return this.#inner.getAddress(family);
  }
  saveAddress(a: AddressState): Promise<AddressState> {
    return this.#inner.saveAddress(a);
  }
  addEvent(e: NewEvent): Promise<EventRecord> {
    return this.#inner.addEvent(e);
  }
  listEvents(q?: EventQuery): Promise<readonly EventRecord[]> {
    return this.#inner.listEvents(q);
  }
  pruneEvents(before: number): Promise<number> {
    return this.#inner.pruneEvents(before);
  }
  getJobState(name: string): Promise<JobState | undefined> {
    return this.#inner.getJobState(name);
  }
  saveJobState(s: JobState): Promise<JobState> {
    return this.#inner.saveJobState(s);
  }
  listJobStates(): Promise<readonly JobState[]> {
    return this.#inner.listJobStates();
  }
  deleteSetting(path: string): Promise<boolean> {
    return this.#inner.deleteSetting(path);
  }
  getUser(username: string): Promise<UserRecord | undefined> {
    return this.#inner.getUser(username);
  }
  saveUser(u: UserRecord): Promise<UserRecord> {
    return this.#inner.saveUser(u);
  }
  countUsers(): Promise<number> {
    return this.#inner.countUsers();
  }
  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#inner.getSession(id);
  }
  saveSession(s: SessionRecord): Promise<SessionRecord> {
    return this.#inner.saveSession(s);
  }
  deleteSession(id: string): Promise<boolean> {
    return this.#inner.deleteSession(id);
  }
  deleteSessionsOf(username: string): Promise<number> {
    return this.#inner.deleteSessionsOf(username);
  }
  pruneSessions(now: number): Promise<number> {
    return this.#inner.pruneSessions(now);
  }
  getApiTokenByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#inner.getApiTokenByHash(hash);
  }
  listApiTokens(): Promise<readonly ApiTokenRecord[]> {
    return this.#inner.listApiTokens();
  }
  saveApiToken(t: ApiTokenRecord): Promise<ApiTokenRecord> {
    return this.#inner.saveApiToken(t);
  }
  deleteApiToken(id: string): Promise<boolean> {
    return this.#inner.deleteApiToken(id);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Seal every plaintext secret left from before encryption at rest (one transaction); resolves to how many. */
export function sealPlaintextSecrets(store: Store, ring: Keyring): Promise<number> {
  return store.resealSecrets((value, where) => (isPlaintext(value, where) ? ring.seal(value) : value));
}

/**
 * Open the store of a data directory with encryption at rest: the keyring
 * (config errors for a bad ZONEKEEPER_SECRET_KEY or an insecure key file
 * come first, before the database is touched), then the SQLite store, then
 * the sealing of any plaintext secret left by an earlier version.
 */
export async function openSealedStore(o: { readonly dataDir: string; readonly env: NodeJS.ProcessEnv }): Promise<SealedStore> {
  const ring = Keyring.load(o);
  const inner = await openSqliteStore(join(o.dataDir, SQLITE_FILE_NAME));
  try {
    await sealPlaintextSecrets(inner, ring);
  } catch (e) {
    await inner.close();
    throw e;
  }
  return new SealedStore(inner, ring);
}
