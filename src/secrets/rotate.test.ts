import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { openSqliteStore } from '../store/sqlite/open.ts';
import type { NewAccount, Store } from '../store/store.ts';
import { generateSecretKey, type SecretKey } from './key.ts';
import { keyFilePaths, readKeyFile, writeKeyFile } from './key-file.ts';
import { Keyring } from './keyring.ts';
import { rotateSecretKey } from './rotate.ts';
import { seal } from './seal.ts';
import { openSealedStore } from './sealed-store.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-rotate-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(root, `d${++counter}`, 'data');

const T0 = 1_767_225_600_000;
const PEM = (n: number): string => `-----BEGIN PRIVATE KEY-----\nKEY${n}\n-----END PRIVATE KEY-----\n`;
const account = (n: number): NewAccount => ({ directoryUrl: `https://ca${n}.example.test/dir`, contact: [], accountUrl: `https://ca${n}.example.test/acct`, keyPem: PEM(n), createdAt: T0 });
const SECRETS = ['"s-1"', '{"token":"s-2"}'];

/** A data directory with 2 accounts and 2 secret settings saved through the SealedStore; resolves to the key. */
async function seeded(dir: string, env: NodeJS.ProcessEnv = {}): Promise<SecretKey> {
  const s = await openSealedStore({ dataDir: dir, env });
  try {
    for (const n of [1, 2]) await s.saveAccount(account(n));
    for (const [i, value] of SECRETS.entries()) await s.saveSetting({ path: `providers.p${i}.secret`, value, secret: true, updatedAt: T0 });
    await s.saveSetting({ path: 'ddns.interval', value: '"5m"', secret: false, updatedAt: T0 });
    return s.keyring.current();
  } finally {
    await s.close();
  }
}

async function withRaw<T>(dir: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openSqliteStore(join(dir, 'zonekeeper.db'));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** The key id of every secret value as stored (sorted); "plaintext" for unsealed ones. */
function storedKeyIds(dir: string): Promise<string[]> {
  return withRaw(dir, async (s) => {
    const ring = Keyring.load({ dataDir: dir, env: {} });
    const ids: string[] = [];
    await s.resealSecrets((v, where) => {
      ids.push(ring.keyIdOf(v, where) ?? 'plaintext');
      return v;
    });
    return ids.sort();
  });
}

/** Every secret opens through the SealedStore with `env`, with the right plaintext. */
async function assertOpens(dir: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const s = await openSealedStore({ dataDir: dir, env });
  try {
    for (const n of [1, 2]) assert.equal((await s.findAccount(account(n).directoryUrl, []))?.keyPem, PEM(n));
    for (const [i, value] of SECRETS.entries()) assert.equal((await s.getSetting(`providers.p${i}.secret`))?.value, value);
    assert.equal((await s.getSetting('ddns.interval'))?.value, '"5m"');
  } finally {
    await s.close();
  }
}

async function rotate(dir: string, o: { env?: NodeJS.ProcessEnv; newKey?: SecretKey } = {}): Promise<Awaited<ReturnType<typeof rotateSecretKey>>> {
  const ring = Keyring.load({ dataDir: dir, env: o.env ?? {} });
  return withRaw(dir, (s) => rotateSecretKey(s, ring, o.newKey === undefined ? {} : { newKey: o.newKey }));
}

const hex = (k: SecretKey): string => k.bytes().toString('hex');

describe('secrets rotate-key, key in secret.key', () => {
  test('every secret is resealed under a new key in secret.key; the old key alone no longer opens them', async () => {
    const dir = freshDir();
    const old = await seeded(dir);
    const r = await rotate(dir);
    assert.equal(r.mode, 'file');
    assert.notEqual(r.keyId, old.id);
    assert.equal(r.values, 4);
    assert.equal(r.resealed, 4);
    assert.deepEqual(r.from, [old.id]);
    assert.equal(r.completedInterrupted, undefined);
    const p = keyFilePaths(dir);
    assert.equal(readKeyFile(p.current)?.id, r.keyId);
    assert.equal(readKeyFile(p.old)?.id, old.id);
    assert.equal(existsSync(p.pending), false);
    assert.deepEqual(readdirSync(dir).sort(), ['secret.key', 'secret.key.old', 'zonekeeper.db']);
    assert.deepEqual(await storedKeyIds(dir), [r.keyId, r.keyId, r.keyId, r.keyId]);
    await assertOpens(dir);
    const newKey = readKeyFile(p.current) as SecretKey;
    await assertOpens(dir, { ZONEKEEPER_SECRET_KEY: hex(newKey) });
    await rejectsAppError(assertOpens(dir, { ZONEKEEPER_SECRET_KEY: hex(old) }), 'SECRET_KEY_MISMATCH', { expectedKeyId: r.keyId });
  });

  test('--new-key-file: rotates to that key; plaintext left by an earlier version is sealed too', async () => {
    const dir = freshDir();
    const old = await seeded(dir);
    await withRaw(dir, (s) => s.saveSetting({ path: 'providers.legacy.secret', value: '"plain"', secret: true, updatedAt: T0 }));
    const target = generateSecretKey();
    const r = await rotate(dir, { newKey: target });
    assert.equal(r.keyId, target.id);
    assert.deepEqual(r.from, [old.id, 'plaintext'].sort());
    assert.deepEqual(await storedKeyIds(dir), Array(5).fill(target.id));
    assert.equal(readKeyFile(keyFilePaths(dir).current)?.id, target.id);
  });

  test('all or nothing: a secret no key opens stops the rotation, nothing changes, the staged key is removed', async () => {
    const dir = freshDir();
    const old = await seeded(dir);
    const stranger = generateSecretKey();
    await withRaw(dir, (s) => s.saveSetting({ path: 'providers.zz.secret', value: seal('"x"', stranger), secret: true, updatedAt: T0 }));
    const before = await storedKeyIds(dir);
    await rejectsAppError(rotate(dir), 'SECRET_KEY_MISMATCH', { expectedKeyId: stranger.id });
    assert.deepEqual(await storedKeyIds(dir), before);
    assert.deepEqual(readdirSync(dir).sort(), ['secret.key', 'zonekeeper.db']);
    assert.equal(readKeyFile(keyFilePaths(dir).current)?.id, old.id);
  });

  describe('crash windows: every one still opens, and running rotate-key again completes the rotation', () => {
    /** Stage the crash: new key in secret.key.new, then `commit` (reseal the store under it) and/or `copyOld`. */
    async function crashed(o: { commit: boolean; copyOld: boolean }): Promise<{ dir: string; old: SecretKey; next: SecretKey }> {
      const dir = freshDir();
      const old = await seeded(dir);
      const next = generateSecretKey();
      const p = keyFilePaths(dir);
      writeKeyFile(p.pending, next);
      if (o.commit) await withRaw(dir, (s) => s.resealSecrets((v, where) => seal(Keyring.load({ dataDir: dir, env: {} }).open(v, where), next)));
      if (o.copyOld) writeKeyFile(p.old, old);
      return { dir, old, next };
    }

    for (const w of [
      { name: 'after the new key was written, before the transaction', commit: false, copyOld: false },
      { name: 'after the transaction committed, before the key files moved', commit: true, copyOld: false },
      { name: 'after secret.key.old was written, before secret.key was replaced', commit: true, copyOld: true },
    ]) {
      test(w.name, async () => {
        const { dir, old, next } = await crashed(w);
        assert.deepEqual(await storedKeyIds(dir), Array(4).fill(w.commit ? next.id : old.id));
        await assertOpens(dir);
        // A process saving a secret meanwhile seals it with secret.key (the old key): it opens too.
        const s = await openSealedStore({ dataDir: dir, env: {} });
        await s.saveSetting({ path: 'providers.p0.secret', value: SECRETS[0] as string, secret: true, updatedAt: T0 + 1 });
        await s.close();
        await assertOpens(dir);

        const r = await rotate(dir);
        assert.equal(r.completedInterrupted, next.id);
        assert.equal(r.keyId, next.id);
        assert.deepEqual(await storedKeyIds(dir), Array(4).fill(next.id));
        const p = keyFilePaths(dir);
        assert.equal(readKeyFile(p.current)?.id, next.id);
        assert.equal(readKeyFile(p.old)?.id, old.id);
        assert.equal(existsSync(p.pending), false);
        await assertOpens(dir, { ZONEKEEPER_SECRET_KEY: hex(next) });
      });
    }

    test('a leftover temporary file from a crash while writing the new key is harmless', async () => {
      const dir = freshDir();
      const old = await seeded(dir);
      writeKeyFile(join(dir, 'secret.key.new.tmp-1-deadbeef'), generateSecretKey());
      await assertOpens(dir);
      const r = await rotate(dir);
      assert.equal(r.completedInterrupted, undefined);
      assert.deepEqual(r.from, [old.id]);
      await assertOpens(dir);
    });

    test('with --new-key-file naming another key, the interrupted rotation is completed first, then the new one done', async () => {
      const { dir, next } = await crashed({ commit: true, copyOld: false });
      const target = generateSecretKey();
      const r = await rotate(dir, { newKey: target });
      assert.equal(r.completedInterrupted, next.id);
      assert.equal(r.keyId, target.id);
      assert.deepEqual(await storedKeyIds(dir), Array(4).fill(target.id));
      assert.equal(readKeyFile(keyFilePaths(dir).current)?.id, target.id);
      assert.equal(readKeyFile(keyFilePaths(dir).old)?.id, next.id);
      await assertOpens(dir, { ZONEKEEPER_SECRET_KEY: hex(target) });
    });
  });
});

describe('secrets rotate-key, key in ZONEKEEPER_SECRET_KEY', () => {
  test('needs --new-key-file (USAGE); with it, every secret moves to that key and no key file is written', async () => {
    const dir = freshDir();
    const envKey = generateSecretKey();
    const env = { ZONEKEEPER_SECRET_KEY: envKey.bytes().toString('base64') };
    await seeded(dir, env);
    await rejectsAppError(rotate(dir, { env }), 'USAGE');
    const target = generateSecretKey();
    const r = await rotate(dir, { env, newKey: target });
    assert.equal(r.mode, 'env');
    assert.equal(r.keyId, target.id);
    assert.deepEqual(r.from, [envKey.id]);
    assert.deepEqual(readdirSync(dir), ['zonekeeper.db']);
    await assertOpens(dir, { ZONEKEEPER_SECRET_KEY: hex(target) });
    await rejectsAppError(assertOpens(dir, env), 'SECRET_KEY_MISMATCH', { expectedKeyId: target.id, availableKeyIds: [envKey.id] });
  });
});
