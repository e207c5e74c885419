/**
 * Key files in the data directory:
 * - `secret.key`: the current key (seals new values);
 * - `secret.key.new`: a rotation's new key, written before the store is
 *   rewritten, present only while a rotation is under way (or was
 *   interrupted: see rotate.ts);
 * - `secret.key.old`: the key the last rotation replaced, kept until the
 *   next rotation.
 * Each holds one key in text form (key.ts) and must have mode 0600 or
 * stricter: a key file readable or writable by group or others is refused
 * (SECRET_KEY_FILE_INSECURE, naming the mode) before it is used. (Windows
 * has no such mode bits; the check is skipped there.)
 *
 * Every write goes to a new temporary file (O_EXCL, mode 0600), is fsynced,
 * and only then appears under its name (link or rename) followed by an fsync
 * of the directory: a key file is either absent or complete, never partial.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { generateSecretKey, parseSecretKey, type SecretKey } from './key.ts';

export const KEY_FILE = 'secret.key';
export const NEW_KEY_FILE = 'secret.key.new';
export const OLD_KEY_FILE = 'secret.key.old';

export interface KeyFilePaths {
  readonly current: string;
  readonly pending: string;
  readonly old: string;
}

export function keyFilePaths(dataDir: string): KeyFilePaths {
  return { current: join(dataDir, KEY_FILE), pending: join(dataDir, NEW_KEY_FILE), old: join(dataDir, OLD_KEY_FILE) };
}

const CHECK_MODE = process.platform !== 'win32';

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

function fileFailed(operation: 'read' | 'create' | 'replace', file: string, e: unknown): AppError {
  return new AppError('SECRET_KEY_FILE_FAILED', { evidence: { operation, file, error: e instanceof Error ? e.message : String(e) }, cause: e });
}

/** A file's identity and content version, to notice a replacement cheaply. */
export function fileStamp(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return 'absent';
  }
}

/** The key in `path`, or undefined when there is no such file. Checks it is a regular file with mode 0600 or stricter. */
export function readKeyFile(path: string): SecretKey | undefined {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (CHECK_MODE && (st.mode & 0o077) !== 0) {
      throw new AppError('SECRET_KEY_FILE_INSECURE', { evidence: { file: path, mode: `0${(st.mode & 0o777).toString(8)}` } });
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (errorCode(e) === 'ENOENT') return undefined;
    throw fileFailed('read', path, e);
  }
  return parseSecretKey(text, path);
}

/** fsync a directory so a new name in it is durable (not possible on every platform: best effort). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Write `key` to a new temporary file beside `path` (O_EXCL, 0600, fsynced); resolves to its path. */
function writeTemp(path: string, key: SecretKey, operation: 'create' | 'replace'): string {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, key.toText());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  } catch (e) {
    removeQuietly(tmp);
    throw fileFailed(operation, path, e);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * The key in `path`, creating the file with a new random key when there is
 * none. Creation is atomic and exclusive: the complete temporary file is
 * hard-linked to `path`, which fails when `path` exists, so processes
 * creating it at once all end up with the one key that won.
 */
export function readOrCreateKeyFile(path: string): SecretKey {
  const existing = readKeyFile(path);
  if (existing !== undefined) return existing;
  const tmp = writeTemp(path, generateSecretKey(), 'create');
  try {
    linkSync(tmp, path);
    syncDir(dirname(path));
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw fileFailed('create', path, e);
  } finally {
    removeQuietly(tmp);
  }
  const key = readKeyFile(path);
  if (key === undefined) throw fileFailed('create', path, new Error('the key file vanished right after it was created'));
  return key;
}

/** Put `key` at `path`, replacing any file there, atomically (temporary file, rename, directory fsync). */
export function writeKeyFile(path: string, key: SecretKey): void {
  const tmp = writeTemp(path, key, 'replace');
  try {
    renameSync(tmp, path);
    syncDir(dirname(path));
  } catch (e) {
    removeQuietly(tmp);
    throw fileFailed('replace', path, e);
  }
}

/** Rename `from` to `to` (replacing `to`), atomically, and make it durable. */
export function moveKeyFile(from: string, to: string): void {
  try {
    renameSync(from, to);
    syncDir(dirname(to));
  } catch (e) {
    throw fileFailed('replace', to, e);
  }
}

/** Remove `path` if it exists, durably. */
export function removeKeyFile(path: string): void {
  try {
    unlinkSync(path);
    syncDir(dirname(path));
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw fileFailed('replace', path, e);
  }
}
