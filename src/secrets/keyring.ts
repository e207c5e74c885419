/**
 * The keys a process seals and opens secrets with, and the rules for the
 * values in the store.
 *
 * Where the key comes from:
 * - `ZONEKEEPER_SECRET_KEY` (hex or base64 of 32 bytes; anything else is
 *   SECRET_KEY_INVALID, a config error, at load): that key alone seals and
 *   opens; key files are ignored.
 * - otherwise `<data>/secret.key`, created (mode 0600) the first time a
 *   value is sealed. `secret.key.new` and `secret.key.old` (left by a key
 *   rotation, see rotate.ts) are tried too when opening, so every crash
 *   window of a rotation still opens. Key files found at load are checked
 *   then (mode, content); the keyring re-reads them when one changed on
 *   disk (another process rotated the key) before sealing and before
 *   reporting a key id it does not know.
 *
 * Stored values: a secret is stored sealed (seal.ts). Values written before
 * encryption at rest are plaintext and open as themselves: an account key
 * that is a PEM (`-----BEGIN`), a secret setting whose value is JSON text.
 * Anything else must be a well-formed sealed value.
 */
import type { SecretLocation } from '../store/store.ts';
import { isJsonText } from '../store/records.ts';
import { parseSecretKey, type SecretKey } from './key.ts';
import { fileStamp, keyFilePaths, type KeyFilePaths, readKeyFile, readOrCreateKeyFile } from './key-file.ts';
import { openSealed, seal, sealedKeyId } from './seal.ts';

export const SECRET_KEY_ENV = 'ZONEKEEPER_SECRET_KEY';

/** Describe a stored value's location for errors. */
export function whereText(where: SecretLocation): string {
  return where.kind === 'account-key' ? `account ${where.accountId} key` : `setting ${where.path}`;
}

/** Is `value`, stored at `where`, a plaintext value from before encryption at rest? */
export function isPlaintext(value: string, where: SecretLocation): boolean {
  return where.kind === 'account-key' ? value.startsWith('-----BEGIN') : isJsonText(value);
}

interface FileKeys {
  readonly current?: SecretKey;
  readonly pending?: SecretKey;
  readonly old?: SecretKey;
}

export class Keyring {
  /** Set in env mode. */
  readonly #envKey: SecretKey | undefined;
  /** Set in file mode. */
  readonly #paths: KeyFilePaths | undefined;
  #files: FileKeys = {};
  #stamp = '';

  private constructor(envKey: SecretKey | undefined, paths: KeyFilePaths | undefined) {
    this.#envKey = envKey;
    this.#paths = paths;
    if (paths !== undefined) this.reload();
  }

  /** The keyring of a data directory: the env key when `ZONEKEEPER_SECRET_KEY` is set (and not empty), else its key files. */
  static load(o: { readonly dataDir: string; readonly env: NodeJS.ProcessEnv }): Keyring {
    const text = o.env[SECRET_KEY_ENV];
    if (text !== undefined && text !== '') return new Keyring(parseSecretKey(text, SECRET_KEY_ENV), undefined);
    return new Keyring(undefined, keyFilePaths(o.dataDir));
  }

  /** 'env' (ZONEKEEPER_SECRET_KEY) or 'file' (key files in the data directory). */
  get mode(): 'env' | 'file' {
    return this.#envKey === undefined ? 'file' : 'env';
  }

  /** The key files' paths (file mode only). */
  get paths(): KeyFilePaths | undefined {
    return this.#paths;
  }

  /** Where the keys come from, for messages. */
  get source(): string {
    return this.#paths?.current ?? SECRET_KEY_ENV;
  }

  /** Re-read the key files (file mode); a no-op in env mode. */
  reload(): void {
    const p = this.#paths;
    if (p === undefined) return;
    const stamp = [p.current, p.pending, p.old].map(fileStamp).join('|');
    const files: { current?: SecretKey; pending?: SecretKey; old?: SecretKey } = {};
    const current = readKeyFile(p.current);
    const pending = readKeyFile(p.pending);
    const old = readKeyFile(p.old);
    if (current !== undefined) files.current = current;
    if (pending !== undefined) files.pending = pending;
    if (old !== undefined) files.old = old;
    this.#files = files;
    this.#stamp = stamp;
  }

  /** Re-read the key files when any of them changed since the last read. */
  #refresh(): void {
    const p = this.#paths;
    if (p !== undefined && [p.current, p.pending, p.old].map(fileStamp).join('|') !== this.#stamp) this.reload();
  }

  /** The key that seals; in file mode `secret.key`, created now when missing. */
  current(): SecretKey {
    if (this.#envKey !== undefined) return this.#envKey;
    this.#refresh();
    if (this.#files.current === undefined) {
      readOrCreateKeyFile((this.#paths as KeyFilePaths).current);
      this.reload();
    }
    return this.#files.current as SecretKey;
  }

  /** A rotation's new key when `secret.key.new` exists (file mode). */
  pending(): SecretKey | undefined {
    this.#refresh();
    return this.#files.pending;
  }

  /** The ids of the key files present (file mode; empty in env mode). */
  fileKeyIds(): { readonly current?: string; readonly pending?: string; readonly old?: string } {
    this.#refresh();
    const ids: { current?: string; pending?: string; old?: string } = {};
    for (const k of ['current', 'pending', 'old'] as const) {
      const id = this.#files[k]?.id;
      if (id !== undefined) ids[k] = id;
    }
    return ids;
  }

  /** Every key opening tries: the env key, or secret.key, secret.key.new and secret.key.old (those that exist). */
  keys(): readonly SecretKey[] {
    if (this.#envKey !== undefined) return [this.#envKey];
    return [this.#files.current, this.#files.pending, this.#files.old].filter((k) => k !== undefined);
  }

  /** Seal `plaintext` under the current key. */
  seal(plaintext: string): string {
    return seal(plaintext, this.current());
  }

  /** The key id a stored value was sealed with; undefined for a plaintext value from before encryption at rest. */
  keyIdOf(value: string, where: SecretLocation): string | undefined {
    return isPlaintext(value, where) ? undefined : sealedKeyId(value);
  }

  /**
   * Open a stored value: a plaintext one as itself, a sealed one with the
   * key its id names (SECRET_KEY_MISMATCH when no key has that id, after
   * re-reading changed key files; SECRET_DECRYPT_FAILED when damaged).
   */
  open(value: string, where: SecretLocation): string {
    if (isPlaintext(value, where)) return value;
    const id = sealedKeyId(value);
    if (id !== undefined && !this.keys().some((k) => k.id === id)) this.#refresh();
    return openSealed(value, this.keys(), { where: whereText(where), keySource: this.source });
  }
}
