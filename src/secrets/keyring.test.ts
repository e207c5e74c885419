import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { generateSecretKey } from './key.ts';
import { keyFilePaths, writeKeyFile } from './key-file.ts';
import { isPlaintext, Keyring } from './keyring.ts';
import { seal } from './seal.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-keyring-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => {
  const dir = join(root, `d${++counter}`);
  mkdirSync(dir);
  return dir;
};
const SETTING = { kind: 'setting', path: 'providers.home.secretKey' } as const;
const ACCOUNT = { kind: 'account-key', accountId: 'a1' } as const;

test('ZONEKEEPER_SECRET_KEY, when set, is the only key; key files are neither read nor created', () => {
  const dir = freshDir();
  const key = generateSecretKey();
  writeKeyFile(keyFilePaths(dir).current, generateSecretKey());
  const ring = Keyring.load({ dataDir: dir, env: { ZONEKEEPER_SECRET_KEY: key.bytes().toString('hex') } });
  assert.equal(ring.mode, 'env');
  assert.equal(ring.source, 'ZONEKEEPER_SECRET_KEY');
  assert.equal(ring.current().id, key.id);
  assert.deepEqual(
    ring.keys().map((k) => k.id),
    [key.id],
  );
  assert.equal(ring.open(ring.seal('"v"'), SETTING), '"v"');
  const emptyDir = freshDir();
  Keyring.load({ dataDir: emptyDir, env: { ZONEKEEPER_SECRET_KEY: key.bytes().toString('base64') } }).seal('"v"');
  assert.equal(existsSync(keyFilePaths(emptyDir).current), false);
});

test('a bad ZONEKEEPER_SECRET_KEY fails at load; an empty one counts as unset', () => {
  throwsAppError(() => Keyring.load({ dataDir: freshDir(), env: { ZONEKEEPER_SECRET_KEY: 'hunter2' } }), 'SECRET_KEY_INVALID', { source: 'ZONEKEEPER_SECRET_KEY' });
  assert.equal(Keyring.load({ dataDir: freshDir(), env: { ZONEKEEPER_SECRET_KEY: '' } }).mode, 'file');
});

test('file mode: nothing is created until a value is sealed; then secret.key is', () => {
  const dir = freshDir();
  const ring = Keyring.load({ dataDir: dir, env: {} });
  assert.equal(ring.mode, 'file');
  assert.deepEqual(ring.keys(), []);
  assert.equal(existsSync(join(dir, 'secret.key')), false);
  throwsAppError(() => ring.open(seal('"v"', generateSecretKey()), SETTING), 'SECRET_KEY_MISMATCH', { availableKeyIds: [] });
  assert.equal(existsSync(join(dir, 'secret.key')), false, 'opening never creates a key');
  const sealed = ring.seal('"v"');
  assert.equal(existsSync(join(dir, 'secret.key')), true);
  assert.equal(Keyring.load({ dataDir: dir, env: {} }).open(sealed, SETTING), '"v"');
});

test('an insecure key file fails at load, before anything else', { skip: process.platform === 'win32' }, () => {
  const dir = freshDir();
  writeKeyFile(keyFilePaths(dir).old, generateSecretKey());
  chmodSync(keyFilePaths(dir).old, 0o644);
  throwsAppError(() => Keyring.load({ dataDir: dir, env: {} }), 'SECRET_KEY_FILE_INSECURE', { mode: '0644' });
});

test('secret.key, secret.key.new and secret.key.old all open; only secret.key seals', () => {
  const dir = freshDir();
  const [cur, pending, old] = [generateSecretKey(), generateSecretKey(), generateSecretKey()];
  const p = keyFilePaths(dir);
  writeKeyFile(p.current, cur);
  writeKeyFile(p.pending, pending);
  writeKeyFile(p.old, old);
  const ring = Keyring.load({ dataDir: dir, env: {} });
  for (const k of [cur, pending, old]) assert.equal(ring.open(seal('"x"', k), SETTING), '"x"');
  assert.equal(ring.keyIdOf(ring.seal('"y"'), SETTING), cur.id);
  assert.equal(ring.pending()?.id, pending.id);
  assert.deepEqual(ring.fileKeyIds(), { current: cur.id, pending: pending.id, old: old.id });
});

test('a key file replaced by another process is picked up before sealing and before a key id is called unknown', () => {
  const dir = freshDir();
  const p = keyFilePaths(dir);
  const first = generateSecretKey();
  writeKeyFile(p.current, first);
  const ring = Keyring.load({ dataDir: dir, env: {} });
  assert.equal(ring.current().id, first.id);
  const second = generateSecretKey();
  writeKeyFile(p.old, first);
  writeKeyFile(p.current, second);
  assert.equal(ring.open(seal('"z"', second), SETTING), '"z"');
  assert.equal(ring.keyIdOf(ring.seal('"z"'), SETTING), second.id);
  assert.equal(ring.open(seal('"z"', first), SETTING), '"z"');
});

test('plaintext from before encryption at rest: a PEM account key, JSON setting text; everything else must be sealed', () => {
  assert.equal(isPlaintext('-----BEGIN PRIVATE KEY-----\n…', ACCOUNT), true);
  assert.equal(isPlaintext('"secret"', SETTING), true);
  assert.equal(isPlaintext('{"a":1}', SETTING), true);
  assert.equal(isPlaintext('zk1.0a0b0c0d.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', SETTING), false);
  assert.equal(isPlaintext('"secret"', ACCOUNT), false);
  const ring = Keyring.load({ dataDir: freshDir(), env: {} });
  assert.equal(ring.open('-----BEGIN PRIVATE KEY-----\n', ACCOUNT), '-----BEGIN PRIVATE KEY-----\n');
  assert.equal(ring.keyIdOf('"secret"', SETTING), undefined);
  throwsAppError(() => ring.open('garbage', ACCOUNT), 'SECRET_DECRYPT_FAILED', { where: 'account a1 key' });
});
