import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { exitStatusFor } from '../core/codes.ts';
import { generateSecretKey, parseSecretKey } from './key.ts';
import { readKeyFile, readOrCreateKeyFile, writeKeyFile } from './key-file.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-keyfile-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
/** A new, not yet existing data directory. */
const freshDir = (): string => join(root, `d${++counter}`, 'data');

const KEY_FILE_URL = pathToFileURL(join(import.meta.dirname, 'key-file.ts')).href;

/**
 * Start `n` processes that each wait for a line on stdin, then call
 * readOrCreateKeyFile(path) and print the key id. The line is sent to all of
 * them only once every one is ready, so they race for the creation.
 */
async function createConcurrently(path: string, n: number): Promise<string[]> {
  const script = `import { readOrCreateKeyFile } from ${JSON.stringify(KEY_FILE_URL)};
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => { process.stdout.write(readOrCreateKeyFile(process.argv[1]).id + '\\n'); process.exit(0); });`;
  const children = Array.from({ length: n }, () => spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const outputs = children.map((child) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (c: string) => {
        out += c;
        if (out.startsWith('ready\n')) resolve();
      });
    });
    const done = new Promise<string>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out.slice('ready\n'.length).trim()) : reject(new Error(`child exited ${String(code)}: ${err}`))));
    });
    return { child, ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const o of outputs) o.child.stdin.end('go\n');
  return Promise.all(outputs.map((o) => o.done));
}

describe('key files', () => {
  test('created on first use: directory 0700, file 0600 holding the base64 key and a newline; later reads give the same key', () => {
    const dir = freshDir();
    const path = join(dir, 'secret.key');
    assert.equal(readKeyFile(path), undefined);
    const key = readOrCreateKeyFile(path);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^[A-Za-z0-9+/]{43}=\n$/);
    assert.equal(parseSecretKey(text, path).id, key.id);
    assert.equal(readOrCreateKeyFile(path).id, key.id);
    assert.equal(readKeyFile(path)?.id, key.id);
    assert.deepEqual(readdirSync(dir), ['secret.key'], 'no temporary file left');
  });

  test('a key file readable or writable by group or others is refused, naming its mode (exit 2)', { skip: process.platform === 'win32' }, () => {
    const dir = freshDir();
    const path = join(dir, 'secret.key');
    const key = readOrCreateKeyFile(path);
    for (const mode of [0o640, 0o604, 0o660, 0o644, 0o602, 0o620]) {
      chmodSync(path, mode);
      throwsAppError(() => readKeyFile(path), 'SECRET_KEY_FILE_INSECURE', { file: path, mode: `0${mode.toString(8)}` });
      throwsAppError(() => readOrCreateKeyFile(path), 'SECRET_KEY_FILE_INSECURE');
    }
    assert.equal(exitStatusFor('SECRET_KEY_FILE_INSECURE'), 2);
    for (const mode of [0o600, 0o400]) {
      chmodSync(path, mode);
      assert.equal(readKeyFile(path)?.id, key.id, mode.toString(8));
    }
  });

  test('content that is not a key is SECRET_KEY_INVALID; a directory in its place is SECRET_KEY_FILE_FAILED', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'secret.key');
    writeFileSync(path, 'not a key\n', { mode: 0o600 });
    throwsAppError(() => readKeyFile(path), 'SECRET_KEY_INVALID', { source: path });
    writeFileSync(path, '', { mode: 0o600 });
    throwsAppError(() => readOrCreateKeyFile(path), 'SECRET_KEY_INVALID', { reason: 'empty' });
    const other = join(dir, 'other.key');
    mkdirSync(other, { mode: 0o700 });
    throwsAppError(() => readKeyFile(other), 'SECRET_KEY_FILE_FAILED', { operation: 'read', file: other });
  });

  test('writeKeyFile replaces a key file whole, mode 0600, leaving no temporary file', () => {
    const dir = freshDir();
    const path = join(dir, 'secret.key');
    readOrCreateKeyFile(path);
    const next = generateSecretKey();
    writeKeyFile(path, next);
    assert.equal(readKeyFile(path)?.id, next.id);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['secret.key']);
  });

  test('processes creating the key file at the same moment all get the one key that was written', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      const path = join(dir, 'secret.key');
      const ids = await createConcurrently(path, 4);
      assert.equal(ids.length, 4);
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}$/);
      assert.equal(new Set(ids).size, 1, `round ${round}: ${ids.join(' ')}`);
      assert.equal(readKeyFile(path)?.id, ids[0]);
      assert.deepEqual(readdirSync(dir), ['secret.key'], 'no temporary file left');
    }
  });
});
