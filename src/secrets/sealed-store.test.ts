import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { openSqliteStore } from '../store/sqlite/open.ts';
import type { NewAccount, Store } from '../store/store.ts';
import { generateSecretKey } from './key.ts';
import { openSealedStore, type SealedStore } from './sealed-store.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-sealed-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(root, `d${++counter}`, 'data');

const T0 = 1_767_225_600_000;
const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRET\n-----END PRIVATE KEY-----\n';
const account = (over: Partial<NewAccount> = {}): NewAccount => ({
  directoryUrl: 'https://acme.example.test/directory',
  contact: ['mailto:ops@example.test'],
  accountUrl: 'https://acme.example.test/acct/1',
  keyPem: PEM,
  createdAt: T0,
  ...over,
});
const SECRET_JSON = '"tencent-secret-key-VALUE"';

async function withStore<T>(o: { dataDir: string; env?: NodeJS.ProcessEnv }, fn: (s: SealedStore) => Promise<T>): Promise<T> {
  const s = await openSealedStore({ dataDir: o.dataDir, env: o.env ?? {} });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function withRaw<T>(dataDir: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openSqliteStore(join(dataDir, 'zonekeeper.db'));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Every byte of the database files (main file and WAL), as Latin-1 text to search. */
function databaseBytes(dataDir: string): string {
  const db = new DatabaseSync(join(dataDir, 'zonekeeper.db'));
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return readFileSync(join(dataDir, 'zonekeeper.db')).toString('latin1');
}

test('account keys and secret settings reach the database sealed and come back as given; other settings pass through', async () => {
  const dir = freshDir();
  const saved = await withStore({ dataDir: dir }, async (s) => {
    const a = await s.saveAccount(account());
    assert.equal(a.keyPem, PEM);
    assert.deepEqual(await s.findAccount(a.directoryUrl, a.contact), a);
    const secret = { path: 'providers.home.secretKey', value: SECRET_JSON, secret: true, updatedAt: T0 };
    const plain = { path: 'providers.home.secretId', value: '"AKID-visible"', secret: false, updatedAt: T0 };
    assert.deepEqual(await s.saveSetting(secret), secret);
    assert.deepEqual(await s.saveSetting(plain), plain);
    assert.deepEqual(await s.getSetting(secret.path), secret);
    assert.deepEqual(await s.listSettings(), [plain, secret]);
    return { a, keyId: s.keyring.current().id };
  });
  await withRaw(dir, async (raw) => {
    const stored = await raw.findAccount(saved.a.directoryUrl, saved.a.contact);
    assert.match(stored?.keyPem ?? '', new RegExp(`^zk1\\.${saved.keyId}\\.`));
    assert.match((await raw.getSetting('providers.home.secretKey'))?.value ?? '', /^zk1\./);
    assert.equal((await raw.getSetting('providers.home.secretId'))?.value, '"AKID-visible"');
  });
  const bytes = databaseBytes(dir);
  assert.ok(!bytes.includes('SECRETSECRET') && !bytes.includes('BEGIN PRIVATE KEY'), 'the PEM is in the database file');
  assert.ok(!bytes.includes('tencent-secret-key-VALUE'), 'the secret setting is in the database file');
  assert.ok(bytes.includes('AKID-visible'), 'the search sees plain settings (the check can fail)');
});

test('a secret setting must be JSON text like any setting: refused before sealing, nothing written', async () => {
  const dir = freshDir();
  await withStore({ dataDir: dir }, async (s) => {
    await rejectsAppError(s.saveSetting({ path: 'a.b', value: 'not json', secret: true, updatedAt: T0 }), 'STORE_INVALID_RECORD', { field: 'value' });
    await rejectsAppError(s.saveAccount(account({ keyPem: '' })), 'STORE_INVALID_RECORD', { field: 'keyPem' });
    assert.deepEqual(await s.listSettings(), []);
  });
});

test('plaintext secrets from an earlier version open as they are, and are sealed when the store is next opened', async () => {
  const dir = freshDir();
  await withRaw(dir, async (raw) => {
    await raw.saveAccount(account());
    await raw.saveSetting({ path: 'providers.home.secretKey', value: SECRET_JSON, secret: true, updatedAt: T0 });
  });
  assert.ok(databaseBytes(dir).includes('SECRETSECRET'), 'the seed is plaintext');
  await withStore({ dataDir: dir }, async (s) => {
    assert.equal((await s.findAccount(account().directoryUrl, account().contact))?.keyPem, PEM);
    assert.equal((await s.getSetting('providers.home.secretKey'))?.value, SECRET_JSON);
  });
  await withRaw(dir, async (raw) => {
    assert.match((await raw.findAccount(account().directoryUrl, account().contact))?.keyPem ?? '', /^zk1\./);
    assert.match((await raw.getSetting('providers.home.secretKey'))?.value ?? '', /^zk1\./);
  });
  const bytes = databaseBytes(dir);
  assert.ok(!bytes.includes('SECRETSECRET') && !bytes.includes('tencent-secret-key-VALUE'), 'plaintext left in the database file');
});

test('a data directory copied elsewhere with its key file opens there; without it, or with another key, SECRET_KEY_MISMATCH', async () => {
  const dir = freshDir();
  const keyId = await withStore({ dataDir: dir }, async (s) => {
    await s.saveAccount(account());
    return s.keyring.current().id;
  });
  const moved = freshDir();
  cpSync(dir, moved, { recursive: true });
  await withStore({ dataDir: moved }, async (s) => {
    assert.equal((await s.findAccount(account().directoryUrl, account().contact))?.keyPem, PEM);
  });

  const keyless = freshDir();
  cpSync(dir, keyless, { recursive: true });
  rmSync(join(keyless, 'secret.key'));
  await withStore({ dataDir: keyless }, async (s) => {
    await rejectsAppError(s.findAccount(account().directoryUrl, account().contact), 'SECRET_KEY_MISMATCH', { expectedKeyId: keyId, availableKeyIds: [] });
  });
  const other = generateSecretKey();
  await withStore({ dataDir: moved, env: { ZONEKEEPER_SECRET_KEY: other.bytes().toString('base64') } }, async (s) => {
    await rejectsAppError(s.findAccount(account().directoryUrl, account().contact), 'SECRET_KEY_MISMATCH', {
      expectedKeyId: keyId,
      availableKeyIds: [other.id],
      keySource: 'ZONEKEEPER_SECRET_KEY',
    });
  });
});

test('a sealed value altered in the database is SECRET_DECRYPT_FAILED, never a wrong key PEM', async () => {
  const dir = freshDir();
  await withStore({ dataDir: dir }, async (s) => s.saveAccount(account()));
  const db = new DatabaseSync(join(dir, 'zonekeeper.db'));
  const row = db.prepare('SELECT key_pem FROM accounts').get();
  const sealed = String(row?.['key_pem']);
  const i = sealed.length - 10;
  db.prepare('UPDATE accounts SET key_pem = ?').run(`${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`);
  db.close();
  await withStore({ dataDir: dir }, async (s) => {
    await rejectsAppError(s.findAccount(account().directoryUrl, account().contact), 'SECRET_DECRYPT_FAILED');
  });
});
