/**
 * The secret key that seals secrets at rest: 32 random bytes (AES-256), named
 * by its key id, the first 8 hex digits of the SHA-256 of the key. The id is
 * written into every sealed value, so the wrong key is recognised before any
 * decryption is tried; it reveals nothing usable about the key.
 *
 * Text form (ZONEKEEPER_SECRET_KEY, key files): 64 hex digits, or base64 /
 * base64url of the 32 bytes (43 characters, or 44 with its `=`); surrounding
 * whitespace (a final newline) is ignored. Key files are written as standard
 * base64 with a newline, so `ZONEKEEPER_SECRET_KEY=$(cat secret.key)` works.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { AppError } from '../core/errors.ts';

export const KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A key and its id. The bytes never appear in JSON, `inspect` or string conversion. */
export class SecretKey {
  /** First 8 hex digits of SHA-256(key). */
  readonly id: string;
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    if (bytes.length !== KEY_BYTES) throw new RangeError(`a secret key is ${KEY_BYTES} bytes, not ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
    this.id = createHash('sha256').update(this.#bytes).digest('hex').slice(0, 8);
  }

  /** The raw key, for the cipher. */
  bytes(): Buffer {
    return this.#bytes;
  }

  /** The text written to key files (base64, newline). */
  toText(): string {
    return `${this.#bytes.toString('base64')}\n`;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  toString(): string {
    return `[SecretKey ${this.id}]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A new random key. */
export function generateSecretKey(): SecretKey {
  return new SecretKey(randomBytes(KEY_BYTES));
}

/** Decode base64 or base64url text, or undefined when it is not canonical (re-encodes to the same text). */
function decodeBase64(text: string): Buffer | undefined {
  const url = /[-_]/.test(text);
  if (url && /[+/]/.test(text)) return undefined;
  const bytes = Buffer.from(text, url ? 'base64url' : 'base64');
  const again = bytes.toString(url ? 'base64url' : 'base64');
  return again.replace(/=+$/, '') === text.replace(/=+$/, '') ? bytes : undefined;
}

/**
 * Parse the text form of a key. `source` names where it came from
 * (`ZONEKEEPER_SECRET_KEY` or a file path) for the SECRET_KEY_INVALID
 * error, which never carries the text.
 */
export function parseSecretKey(text: string, source: string): SecretKey {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (HEX_KEY.test(t)) bytes = Buffer.from(t, 'hex');
  else if (BASE64_KEY.test(t)) bytes = decodeBase64(t);
  if (bytes?.length !== KEY_BYTES) {
    const reason = t === '' ? 'empty' : HEX_KEY.test(t) || BASE64_KEY.test(t) ? 'not-canonical-base64' : 'not-32-bytes-as-hex-or-base64';
    throw new AppError('SECRET_KEY_INVALID', { evidence: { source, reason, length: t.length } });
  }
  return new SecretKey(bytes);
}
