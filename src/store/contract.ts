/**
 * The contract every Store implementation passes: `runStoreContract`
 * registers node:test tests. An implementation's test file calls it with a
 * function that creates a new, empty database and returns an opener; each
 * call of the opener opens another, independent store instance (connection)
 * on that same database, which is how the suite checks reopening and two
 * writers at once. The suite closes every store it opens.
 *
 * This file holds the ACME part (accounts, certificates, orders, challenge
 * journal) and the cross-cutting tests; `contract-ddns.ts` (DDNS record
 * states, detected addresses), `contract-events.ts` (the event log),
 * `contract-settings.ts` (job states, stored settings, resealing secrets)
 * and `contract-auth.ts` (users, sessions, API tokens) are registered from
 * here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnosis } from '../core/errors.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { runAuthContract } from './contract-auth.ts';
import { runDdnsContract } from './contract-ddns.ts';
import { runEventsContract } from './contract-events.ts';
import { runSettingsContract } from './contract-settings.ts';
import { type ContractDatabases, DAY, diagnosis, type OpenStore, T0, utf8Compare } from './contract-fixtures.ts';
import type { CertificateRecord, JournalEntry, NewAccount, NewJournalEntry, OrderRecord, Store } from './store.ts';

export type { OpenStore } from './contract-fixtures.ts';
/** Creates a new, empty database and returns its opener. */
export type NewDatabase = () => Promise<OpenStore>;

const account = (over: Partial<NewAccount> = {}): NewAccount => ({
  directoryUrl: 'https://acme.example.test/directory',
  contact: ['mailto:ops@example.test'],
  accountUrl: 'https://acme.example.test/acct/1',
  keyPem: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n',
  createdAt: T0,
  ...over,
});

const minimalCertificate = (over: Partial<CertificateRecord> = {}): CertificateRecord => ({
  name: 'web',
  domains: ['example.test', '*.example.test'],
  provider: 'lab',
  ca: 'https://acme.example.test/directory',
  keyType: 'ec256',
  notBefore: T0,
  notAfter: T0 + 90 * DAY,
  serial: '04a1b2c3d4e5f60718293a4b5c6d7e8f9011',
  certId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.BKGyw9Tl9gcYKTpLXG1-j5AR',
  nextRenewalAt: T0 + 60 * DAY,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const fullCertificate = (over: Partial<CertificateRecord> = {}): CertificateRecord =>
  minimalCertificate({
    domains: ['xn--bcher-kva.example.test', '*.example.test', 'example.test', 'a.b.c.example.test'],
    ariWindowStart: T0 + 59 * DAY,
    ariWindowEnd: T0 + 61 * DAY,
    ariRetryAfter: T0 + 6 * 3_600_000,
    replacesCertId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AQ',
    lastRenewedAt: T0 + 1,
    lastError: diagnosis,
    ...over,
  });

const order = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  orderUrl: 'https://acme.example.test/order/1',
  certificateName: 'web',
  status: 'pending',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const journal = (over: Partial<NewJournalEntry> = {}): NewJournalEntry => ({
  provider: 'lab',
  zone: 'example.test',
  name: '_acme-challenge.www',
  type: 'TXT',
  value: 'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0',
  fqdn: '_acme-challenge.www.example.test',
  createdAt: T0,
  ...over,
});

/** `entry` minus its id equals `input`. */
function assertEntryMatches(entry: JournalEntry, input: NewJournalEntry): void {
  const { id, ...rest } = entry;
  assert.equal(typeof id, 'string');
  assert.ok(id.length > 0);
  assert.deepEqual(rest, input);
}

/** Byte-wise UTF-8 order, the order `listCertificates` promises. */
function utf8Sorted(names: readonly string[]): string[] {
  return [...names].sort(utf8Compare);
}

export function runStoreContract(newDatabase: NewDatabase): void {
  /** Run `fn` with an opener on a new database; every store it opens is closed afterwards. */
  async function withDatabase(fn: (open: OpenStore) => Promise<void>): Promise<void> {
    const opener = await newDatabase();
    const opened: Store[] = [];
    const open: OpenStore = async () => {
      const s = await opener();
      opened.push(s);
      return s;
    };
    try {
      await fn(open);
    } finally {
      for (const s of opened) await s.close();
    }
  }
  const withStore = (fn: (s: Store) => Promise<void>): Promise<void> => withDatabase(async (open) => fn(await open()));
  const databases: ContractDatabases = { withDatabase, withStore };

  describe('Store contract', () => {
    test('a new database is at a positive schema version', () =>
      withStore(async (s) => {
        const v = await s.schemaVersion();
        assert.ok(Number.isInteger(v) && v >= 1, String(v));
      }));

    test('missing rows read as undefined or empty, deletes of missing rows are false', () =>
      withStore(async (s) => {
        assert.equal(await s.findAccount('https://acme.example.test/directory', ['mailto:ops@example.test']), undefined);
        assert.equal(await s.getCertificate('web'), undefined);
        assert.deepEqual(await s.listCertificates(), []);
        assert.deepEqual(await s.listOrders('web'), []);
        assert.deepEqual(await s.listJournal(), []);
        assert.equal(await s.deleteCertificate('web'), false);
        assert.equal(await s.removeJournalEntry('no-such-id'), false);
      }));

    describe('accounts', () => {
      test('round trip, with and without an EAB key id', () =>
        withStore(async (s) => {
          const plain = account();
          const saved = await s.saveAccount(plain);
          assert.deepEqual({ ...saved, id: 'x' }, { ...plain, id: 'x' });
          assert.ok(!('eabKid' in saved), 'absent optional field stays absent');
          assert.deepEqual(await s.findAccount(plain.directoryUrl, plain.contact), saved);

          const eab = account({ directoryUrl: 'https://zerossl.example.test/directory', eabKid: 'kid-123' });
          const savedEab = await s.saveAccount(eab);
          assert.notEqual(savedEab.id, saved.id);
          assert.deepEqual(await s.findAccount(eab.directoryUrl, eab.contact), savedEab);
          assert.equal(savedEab.eabKid, 'kid-123');
        }));

      test('the contact list matches as a set; directory and contacts both select the account', () =>
        withStore(async (s) => {
          const saved = await s.saveAccount(account({ contact: ['mailto:b@example.test', 'mailto:a@example.test'] }));
          const dir = saved.directoryUrl;
          assert.deepEqual(await s.findAccount(dir, ['mailto:a@example.test', 'mailto:b@example.test']), saved);
          assert.deepEqual(await s.findAccount(dir, ['mailto:a@example.test', 'mailto:b@example.test', 'mailto:a@example.test']), saved);
          assert.deepEqual(saved.contact, ['mailto:b@example.test', 'mailto:a@example.test'], 'saved order kept');
          assert.equal(await s.findAccount(dir, ['mailto:a@example.test']), undefined);
          assert.equal(await s.findAccount(dir, []), undefined);
          assert.equal(await s.findAccount('https://other.example.test/directory', saved.contact), undefined);

          const none = await s.saveAccount(account({ contact: [], accountUrl: 'https://acme.example.test/acct/2' }));
          assert.deepEqual(await s.findAccount(dir, []), none);
          assert.notEqual(none.id, saved.id);
        }));

      test('saving the same (directory, contacts) again replaces the account but keeps id and createdAt', () =>
        withStore(async (s) => {
          const first = await s.saveAccount(account({ eabKid: 'old-kid' }));
          const second = await s.saveAccount(
            account({ contact: first.contact.toReversed(), accountUrl: 'https://acme.example.test/acct/9', keyPem: 'NEW KEY', createdAt: T0 + DAY }),
          );
          assert.equal(second.id, first.id);
          assert.equal(second.createdAt, first.createdAt);
          assert.equal(second.accountUrl, 'https://acme.example.test/acct/9');
          assert.equal(second.keyPem, 'NEW KEY');
          assert.ok(!('eabKid' in second), 'eabKid cleared');
          assert.deepEqual(await s.findAccount(first.directoryUrl, first.contact), second);
        }));
    });

    describe('certificates', () => {
      test('round trip of a minimal and a full record, exactly', () =>
        withStore(async (s) => {
          const minimal = minimalCertificate({ name: 'minimal' });
          const full = fullCertificate({ name: 'full' });
          assert.deepEqual(await s.saveCertificate(minimal), minimal);
          assert.deepEqual(await s.saveCertificate(full), full);
          assert.deepEqual(await s.getCertificate('minimal'), minimal);
          assert.deepEqual(await s.getCertificate('full'), full);
          for (const k of ['ariWindowStart', 'ariWindowEnd', 'ariRetryAfter', 'replacesCertId', 'lastRenewedAt', 'lastError']) {
            assert.ok(!(k in ((await s.getCertificate('minimal')) ?? {})), `${k} absent`);
          }
        }));

      test('save replaces by name, keeps createdAt and clears optional fields left out', () =>
        withStore(async (s) => {
          await s.saveCertificate(fullCertificate());
          const renewed = minimalCertificate({
            domains: ['example.test'],
            serial: 'ff00',
            certId: 'new.cert-id',
            notBefore: T0 + 60 * DAY,
            notAfter: T0 + 150 * DAY,
            nextRenewalAt: T0 + 120 * DAY,
            lastRenewedAt: T0 + 60 * DAY,
            replacesCertId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.BKGyw9Tl9gcYKTpLXG1-j5AR',
            createdAt: T0 + 60 * DAY,
            updatedAt: T0 + 60 * DAY,
          });
          const stored = await s.saveCertificate(renewed);
          assert.deepEqual(stored, { ...renewed, createdAt: T0 });
          assert.deepEqual(await s.getCertificate('web'), stored);
          assert.equal((await s.listCertificates()).length, 1);
        }));

      test('list is ordered by name, byte-wise', () =>
        withStore(async (s) => {
          const names = ['web', 'B', '_wildcard.example.test', 'api', 'a-1', 'ü.example.test', 'a', 'Z9'];
          for (const name of names) await s.saveCertificate(minimalCertificate({ name }));
          assert.deepEqual(
            (await s.listCertificates()).map((c) => c.name),
            utf8Sorted(names),
          );
        }));

      test('delete removes the certificate and its orders, nothing else', () =>
        withStore(async (s) => {
          await s.saveCertificate(minimalCertificate({ name: 'web' }));
          await s.saveCertificate(minimalCertificate({ name: 'mail' }));
          await s.saveOrder(order({ certificateName: 'web', orderUrl: 'https://acme.example.test/order/w' }));
          await s.saveOrder(order({ certificateName: 'mail', orderUrl: 'https://acme.example.test/order/m' }));
          assert.equal(await s.deleteCertificate('web'), true);
          assert.equal(await s.getCertificate('web'), undefined);
          assert.deepEqual(await s.listOrders('web'), []);
          assert.equal((await s.getCertificate('mail'))?.name, 'mail');
          assert.equal((await s.listOrders('mail')).length, 1);
          assert.equal(await s.deleteCertificate('web'), false);
        }));
    });

    describe('orders', () => {
      test('round trip, upsert by URL keeps createdAt and clears fields left out', () =>
        withStore(async (s) => {
          const pending = order();
          assert.deepEqual(await s.saveOrder(pending), pending);
          const failed = order({ status: 'invalid', updatedAt: T0 + 5000, createdAt: T0 + 5000, finalizedAt: T0 + 4000, error: diagnosis });
          assert.deepEqual(await s.saveOrder(failed), { ...failed, createdAt: T0 });
          assert.deepEqual(await s.listOrders('web'), [{ ...failed, createdAt: T0 }]);
          const again = order({ status: 'ready', updatedAt: T0 + 9000 });
          assert.deepEqual(await s.saveOrder(again), again);
          assert.deepEqual(await s.listOrders('web'), [again]);
        }));

      test('an order may precede its certificate; list is per name, oldest first, ties by URL', () =>
        withStore(async (s) => {
          const u = (n: string): string => `https://acme.example.test/order/${n}`;
          await s.saveOrder(order({ orderUrl: u('c'), createdAt: T0 + 2 }));
          await s.saveOrder(order({ orderUrl: u('b'), createdAt: T0 + 1 }));
          await s.saveOrder(order({ orderUrl: u('a'), createdAt: T0 + 2 }));
          await s.saveOrder(order({ orderUrl: u('other'), certificateName: 'mail', createdAt: T0 }));
          assert.deepEqual(
            (await s.listOrders('web')).map((o) => o.orderUrl),
            [u('b'), u('a'), u('c')],
          );
          assert.deepEqual(
            (await s.listOrders('mail')).map((o) => o.orderUrl),
            [u('other')],
          );
        }));
    });

    describe('challenge journal', () => {
      test('add returns the entry with a new id; remove is idempotent', () =>
        withStore(async (s) => {
          const input = journal({ certificateName: 'web' });
          const a = await s.addJournalEntry(input);
          const b = await s.addJournalEntry(input);
          assertEntryMatches(a, input);
          assert.notEqual(a.id, b.id);
          const bare = journal();
          const c = await s.addJournalEntry(bare);
          assert.ok(!('certificateName' in c));
          assert.deepEqual(await s.listJournal(), [a, b, c].sort((x, y) => (x.id < y.id ? -1 : 1)));
          assert.equal(await s.removeJournalEntry(a.id), true);
          assert.equal(await s.removeJournalEntry(a.id), false);
          assert.deepEqual(
            (await s.listJournal()).map((e) => e.id),
            [b.id, c.id].sort(),
          );
        }));

      test('list is oldest first', () =>
        withStore(async (s) => {
          const late = await s.addJournalEntry(journal({ createdAt: T0 + 3 }));
          const early = await s.addJournalEntry(journal({ createdAt: T0 + 1 }));
          const middle = await s.addJournalEntry(journal({ createdAt: T0 + 2 }));
          assert.deepEqual(await s.listJournal(), [early, middle, late]);
        }));

      test('entries survive closing and reopening the database', () =>
        withDatabase(async (open) => {
          const first = await open();
          const kept = await first.addJournalEntry(journal({ value: 'kept' }));
          const gone = await first.addJournalEntry(journal({ value: 'gone', createdAt: T0 + 1 }));
          const other = await first.addJournalEntry(journal({ provider: 'home', zone: 'example.com', fqdn: '_acme-challenge.www.example.com', createdAt: T0 + 2 }));
          assert.equal(await first.removeJournalEntry(gone.id), true);
          await first.close();
          const second = await open();
          assert.deepEqual(await second.listJournal(), [kept, other]);
        }));
    });

    runDdnsContract(databases);
    runEventsContract(databases);
    runSettingsContract(databases);
    runAuthContract(databases);

    test('an entry added through one instance is visible to another as soon as the add resolves', () =>
      withDatabase(async (open) => {
        const a = await open();
        const b = await open();
        const e = await a.addJournalEntry(journal());
        assert.deepEqual(await b.listJournal(), [e]);
        assert.equal(await b.removeJournalEntry(e.id), true);
        assert.deepEqual(await a.listJournal(), []);
      }));

    test('concurrent writes from two instances on one database are all kept', () =>
      withDatabase(async (open) => {
        const a = await open();
        const b = await open();
        const n = 25;
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < n; i++) {
          writes.push(a.addJournalEntry(journal({ value: `a${i}`, createdAt: T0 + i })));
          writes.push(b.addJournalEntry(journal({ value: `b${i}`, createdAt: T0 + i })));
          writes.push(a.saveCertificate(minimalCertificate({ name: `a${i}` })));
          writes.push(b.saveCertificate(minimalCertificate({ name: `b${i}` })));
          writes.push((i % 2 === 0 ? a : b).saveOrder(order({ orderUrl: `https://acme.example.test/order/${i}` })));
          for (const [tag, s] of [['a', a], ['b', b]] as const) {
            writes.push(s.addEvent({ at: T0 + i, kind: 'record-updated', subject: `${tag}${i}`, data: { i } }));
            writes.push(
              s.saveDdnsRecord({ provider: 'lab', fqdn: `${tag}${i}.example.test`, type: 'A', zone: 'example.test', values: [], confirmedAt: T0, passesSinceRead: 0, createdAt: T0 }),
            );
          }
        }
        await Promise.all(writes);
        for (const s of [a, b]) {
          const values = (await s.listJournal()).map((e) => e.value).sort();
          assert.equal(values.length, 2 * n);
          assert.equal(new Set(values).size, 2 * n);
          assert.equal((await s.listCertificates()).length, 2 * n);
          assert.equal((await s.listOrders('web')).length, n);
          assert.equal((await s.listDdnsRecords()).length, 2 * n);
          const events = await s.listEvents();
          assert.equal(new Set(events.map((e) => e.subject)).size, 2 * n);
          for (let i = 1; i < events.length; i++) assert.ok((events[i]?.id ?? 0) > (events[i - 1]?.id ?? 0), 'ids strictly increasing');
        }
      }));

    test('records breaking the field rules are refused and nothing is written', () =>
      withStore(async (s) => {
        const bad: [string, () => Promise<unknown>][] = [
          ['fractional time', () => s.saveCertificate(minimalCertificate({ notAfter: T0 + 0.5 }))],
          ['upper-case serial', () => s.saveCertificate(minimalCertificate({ serial: '04A1' }))],
          ['ARI start without end', () => s.saveCertificate(minimalCertificate({ ariWindowStart: T0 }))],
          ['ARI window reversed', () => s.saveCertificate(minimalCertificate({ ariWindowStart: T0 + 2, ariWindowEnd: T0 + 1 }))],
          ['no domains', () => s.saveCertificate(minimalCertificate({ domains: [] }))],
          ['bad lastError', () => s.saveCertificate(minimalCertificate({ lastError: { code: 'X' } as unknown as Diagnosis }))],
          ['unknown order status', () => s.saveOrder(order({ status: 'done' as OrderRecord['status'] }))],
          ['journal type A', () => s.addJournalEntry(journal({ type: 'A' as 'TXT' }))],
          ['empty journal value', () => s.addJournalEntry(journal({ value: '' }))],
          ['empty account URL', () => s.saveAccount(account({ accountUrl: '' }))],
        ];
        for (const [what, fn] of bad) await rejectsAppError(fn(), 'STORE_INVALID_RECORD').catch((e: unknown) => assert.fail(`${what}: ${String(e)}`));
        assert.deepEqual(await s.listCertificates(), []);
        assert.deepEqual(await s.listOrders('web'), []);
        assert.deepEqual(await s.listJournal(), []);
        assert.equal(await s.findAccount(account().directoryUrl, account().contact), undefined);
      }));

    test('a refused account never puts its key into the error', () =>
      withStore(async (s) => {
        const e = await rejectsAppError(s.saveAccount(account({ keyPem: 'SECRET-KEY-MATERIAL', createdAt: Number.NaN })), 'STORE_INVALID_RECORD', { field: 'createdAt' });
        assert.ok(!JSON.stringify(e.diagnosis).includes('SECRET-KEY-MATERIAL'));
        assert.ok(!e.message.includes('SECRET-KEY-MATERIAL'));
      }));

    test('close is idempotent; any call after it rejects with STORE_CLOSED', () =>
      withDatabase(async (open) => {
        const s = await open();
        await s.close();
        await s.close();
        await rejectsAppError(s.listJournal(), 'STORE_CLOSED');
        await rejectsAppError(s.addJournalEntry(journal()), 'STORE_CLOSED');
        await rejectsAppError(s.getCertificate('web'), 'STORE_CLOSED');
        await rejectsAppError(s.listDdnsRecords(), 'STORE_CLOSED');
        await rejectsAppError(s.saveAddress({ family: 'ipv4', address: '192.0.2.1', detectedAt: T0, changedAt: T0 }), 'STORE_CLOSED');
        await rejectsAppError(s.addEvent({ at: T0, kind: 'ip-changed', subject: 'ipv4', data: {} }), 'STORE_CLOSED');
        await rejectsAppError(s.listEvents(), 'STORE_CLOSED');
        await rejectsAppError(s.saveJobState({ name: 'ddns', nextRunAt: T0, failures: 0 }), 'STORE_CLOSED');
        await rejectsAppError(s.getSetting('a.b'), 'STORE_CLOSED');
        await rejectsAppError(s.countUsers(), 'STORE_CLOSED');
        await rejectsAppError(s.pruneSessions(T0), 'STORE_CLOSED');
        await rejectsAppError(s.listApiTokens(), 'STORE_CLOSED');
        await rejectsAppError(
          s.resealSecrets((v) => v),
          'STORE_CLOSED',
        );
        const reopened = await open();
        assert.deepEqual(await reopened.listJournal(), []);
      }));
  });
}
