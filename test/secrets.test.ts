/**
 * Encryption at rest end to end: an account saved through the product's
 * store (the runtime's `store()`), the SQLite file read directly to show no
 * plaintext key is in it, `zonekeeper secrets rotate-key` and `secrets
 * status` run as real processes, and the data directory moved elsewhere
 * with and without its key. Nothing is issued; no server is needed.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { generateAccountKey } from '../src/acme/jws.ts';
import { parseArgs } from '../src/cli/args.ts';
import { loadRuntimeConfig, openRuntime } from '../src/cli/runtime.ts';
import { rejectsAppError } from '../src/core/testing/app-error-assert.ts';
import type { AccountRecord, Store } from '../src/store/store.ts';
import { runCli, type CliResult } from './harness/cli.ts';

const DIRECTORY = 'https://acme.example.test/directory';
const CONTACT = ['mailto:ops@example.test'];
const PROVIDER_SECRET = '"dnspod-secret-0123456789abcdef"';

let root: string;
let configFile: string;
let pem: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'zonekeeper-secrets-it-'));
  configFile = join(root, 'zonekeeper.yaml');
  writeFileSync(configFile, '{}\n');
  pem = generateAccountKey().pem;
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The process environment without any ambient key, plus `extra`. */
const envWith = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, ZONEKEEPER_SECRET_KEY: '', LANG: 'C', ...extra });

/** Open the store the way every command does (runtime.store()) and run `fn` on it. */
async function withProductStore<T>(dataDir: string, env: NodeJS.ProcessEnv, fn: (s: Store) => Promise<T>): Promise<T> {
  const { global } = parseArgs(['--config', configFile, '--data', dataDir], env, 'en');
  const rt = await openRuntime(global, loadRuntimeConfig(global, env), env);
  try {
    return await fn(await rt.store());
  } finally {
    await rt.close();
  }
}

function cli(args: readonly string[], dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli([...args, '--json', '--data', dataDir], { cwd: root, env: envWith(env), timeoutMs: 120_000 });
}

/** The CLI failed with `code` and `status`. */
function assertFailed(r: CliResult, code: string, status: number): void {
  assert.equal(r.status, status, `${r.stdout}\n${r.stderr}`);
  assert.equal((r.json as { error?: { code?: string } } | undefined)?.error?.code, code, r.stdout);
}

/** Both database files' bytes after a checkpoint, and the stored key_pem column. */
function readDatabase(dataDir: string): { bytes: string; keyPems: string[] } {
  const path = join(dataDir, 'zonekeeper.db');
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const keyPems = db
      .prepare('SELECT key_pem FROM accounts')
      .all()
      .map((r) => String(r['key_pem']));
    const wal = readdirSync(dataDir).includes('zonekeeper.db-wal') ? readFileSync(`${path}-wal`).toString('latin1') : '';
    return { bytes: readFileSync(path).toString('latin1') + wal, keyPems };
  } finally {
    db.close();
  }
}

/** The key file's text, as ZONEKEEPER_SECRET_KEY takes it. */
const keyText = (dataDir: string, name = 'secret.key'): string => readFileSync(join(dataDir, name), 'utf8').trim();

const findAccount = (dataDir: string, env: NodeJS.ProcessEnv): Promise<AccountRecord | undefined> => withProductStore(dataDir, env, (s) => s.findAccount(DIRECTORY, CONTACT));

describe('secrets at rest', () => {
  let data: string;
  let firstKeyId: string;

  before(async () => {
    data = join(root, 'data');
    const saved = await withProductStore(data, envWith(), async (s) => {
      await s.saveSetting({ path: 'providers.home.secretKey', value: PROVIDER_SECRET, secret: true, updatedAt: 1_767_225_600_000 });
      return s.saveAccount({ directoryUrl: DIRECTORY, contact: CONTACT, accountUrl: 'https://acme.example.test/acct/1', keyPem: pem, createdAt: 1_767_225_600_000 });
    });
    assert.equal(saved.keyPem, pem);
  });

  test('the SQLite file holds the account key and the provider secret only sealed', () => {
    const { bytes, keyPems } = readDatabase(data);
    assert.equal(keyPems.length, 1);
    assert.match(keyPems[0] as string, /^zk1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    firstKeyId = (keyPems[0] as string).split('.')[1] as string;
    const pemLines = pem.split('\n').slice(1, -2);
    assert.ok(pemLines.length >= 3 && pemLines.every((l) => l.length >= 40), pem);
    for (const line of pemLines) assert.ok(!bytes.includes(line), 'a line of the PEM is in the database file');
    assert.ok(!bytes.includes('PRIVATE KEY'), 'a PEM header is in the database file');
    assert.ok(!bytes.includes('dnspod-secret-0123456789abcdef'), 'the provider secret is in the database file');
    assert.ok(bytes.includes('providers.home.secretKey'), 'the search sees the file (the check can fail)');
  });

  test('secrets status opens every secret with the key file', async () => {
    const r = await cli(['secrets', 'status'], data);
    assert.equal(r.status, 0, r.stderr);
    const j = r.json as { mode: string; keys: string[]; sealed: Record<string, number> };
    assert.equal(j.mode, 'file');
    assert.deepEqual(j.keys, [firstKeyId]);
    assert.deepEqual(j.sealed, { [firstKeyId]: 2 });
  });

  test('secrets rotate-key re-encrypts under a new key: the new key opens everything, the old one nothing', async () => {
    const oldKey = keyText(data);
    const r = await cli(['secrets', 'rotate-key'], data);
    assert.equal(r.status, 0, r.stderr);
    const j = r.json as { ok: boolean; keyId: string; values: number; resealed: number; from: string[] };
    assert.equal(j.ok, true);
    assert.notEqual(j.keyId, firstKeyId);
    assert.deepEqual([j.values, j.resealed, j.from], [2, 2, [firstKeyId]]);
    const { keyPems, bytes } = readDatabase(data);
    assert.equal(keyPems[0]?.split('.')[1], j.keyId);
    assert.ok(!bytes.includes('PRIVATE KEY'));

    const newKey = keyText(data);
    assert.equal(keyText(data, 'secret.key.old'), oldKey);
    assert.equal((await findAccount(data, envWith({ ZONEKEEPER_SECRET_KEY: newKey })))?.keyPem, pem);
    assert.equal(await withProductStore(data, envWith({ ZONEKEEPER_SECRET_KEY: newKey }), async (s) => (await s.getSetting('providers.home.secretKey'))?.value), PROVIDER_SECRET);
    await rejectsAppError(findAccount(data, envWith({ ZONEKEEPER_SECRET_KEY: oldKey })), 'SECRET_KEY_MISMATCH', { expectedKeyId: j.keyId });
    assertFailed(await cli(['secrets', 'status'], data, { ZONEKEEPER_SECRET_KEY: oldKey }), 'SECRET_KEY_MISMATCH', 2);
    assert.equal((await findAccount(data, envWith()))?.keyPem, pem);
  });

  test('the data directory copied to another place opens there with its key file, and gives SECRET_KEY_MISMATCH without it', async () => {
    const moved = join(root, 'elsewhere', 'zk-data');
    mkdirSync(join(root, 'elsewhere'));
    cpSync(data, moved, { recursive: true });
    assert.equal((await findAccount(moved, envWith()))?.keyPem, pem);
    const r = await cli(['secrets', 'status'], moved);
    assert.equal(r.status, 0, r.stderr);

    const keyless = join(root, 'keyless');
    cpSync(data, keyless, { recursive: true });
    for (const f of ['secret.key', 'secret.key.old']) rmSync(join(keyless, f));
    assertFailed(await cli(['secrets', 'status'], keyless), 'SECRET_KEY_MISMATCH', 2);
    await rejectsAppError(findAccount(keyless, envWith()), 'SECRET_KEY_MISMATCH', { availableKeyIds: [] });
    // The key given through the environment instead of the file works too.
    assert.equal((await findAccount(keyless, envWith({ ZONEKEEPER_SECRET_KEY: keyText(data) })))?.keyPem, pem);
  });

  test('rotate-key --new-key-file rotates to the key in that file', async () => {
    const keyFile = join(root, 'next.key');
    writeFileSync(keyFile, `${Buffer.alloc(32, 7).toString('hex')}\n`, { mode: 0o600 });
    const r = await cli(['secrets', 'rotate-key', '--new-key-file', keyFile], data);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.json as { keyId: string }).keyId, readDatabase(data).keyPems[0]?.split('.')[1]);
    assert.equal((await findAccount(data, envWith({ ZONEKEEPER_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') })))?.keyPem, pem);
  });

  test('a bad ZONEKEEPER_SECRET_KEY and a key file readable by others are config errors (exit 2), nothing opened', async () => {
    const r = await cli(['secrets', 'status'], data, { ZONEKEEPER_SECRET_KEY: 'not-a-key' });
    assertFailed(r, 'SECRET_KEY_INVALID', 2);
    assert.ok(!r.stdout.includes('not-a-key') && !r.stderr.includes('not-a-key'), 'the bad key was echoed');
    const exposed = join(root, 'exposed');
    cpSync(data, exposed, { recursive: true });
    chmodSync(join(exposed, 'secret.key'), 0o644);
    const e = await cli(['secrets', 'status'], exposed);
    assertFailed(e, 'SECRET_KEY_FILE_INSECURE', 2);
    assert.equal((e.json as { error: { evidence: { mode: string } } }).error.evidence.mode, '0644');
  });
});
