/**
 * Sealed values: a secret encrypted with AES-256-GCM, as one self-describing
 * ASCII string
 *
 *     zk1.<keyId>.<iv>.<ciphertext+tag>
 *
 * - `zk1`: the format (version 1).
 * - `<keyId>`: 8 lower-case hex digits, the id of the key that sealed it
 *   (see key.ts), so the wrong key is reported (SECRET_KEY_MISMATCH, naming
 *   this id) before any decryption is tried.
 * - `<iv>`: the 12-byte GCM nonce, random per value, base64url without
 *   padding (16 characters).
 * - `<ciphertext+tag>`: the UTF-8 plaintext encrypted, followed by the
 *   16-byte GCM tag, base64url without padding.
 * The header `zk1.<keyId>` is the GCM additional authenticated data, so the
 * header is authenticated together with the ciphertext. Any change to any
 * part makes opening fail with SECRET_DECRYPT_FAILED (or, for a key id no
 * available key has, SECRET_KEY_MISMATCH); opening never returns garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import type { SecretKey } from './key.ts';

export const SEALED_PREFIX = 'zk1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^zk1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** The parts of a well-formed sealed value. */
interface SealedParts {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly body: Buffer;
}

/** base64url without padding, only when canonical (no stray trailing bits). */
function strictBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function parse(sealed: string): SealedParts | undefined {
  const m = SEALED.exec(sealed);
  if (m === null) return undefined;
  const iv = strictBase64url(m[2] as string);
  const body = strictBase64url(m[3] as string);
  if (iv?.length !== IV_BYTES || body === undefined || body.length < TAG_BYTES) return undefined;
  return { keyId: m[1] as string, iv, body };
}

/** Seal `plaintext` under `key` (a new random nonce each time). */
export function seal(plaintext: string, key: SecretKey): string {
  const header = `zk1.${key.id}`;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes(), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${header}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The key id a value names when it is a well-formed sealed value, else undefined. */
export function sealedKeyId(value: string): string | undefined {
  return parse(value)?.keyId;
}

/** What `open` says in its errors about the value and the keys it had. */
export interface OpenContext {
  /** Which stored value this is (`account 1f2e…`, `setting providers.home.secretKey`). */
  readonly where: string;
  /** Where the keys came from (`ZONEKEEPER_SECRET_KEY`, a key file path). */
  readonly keySource: string;
}

/**
 * Open a sealed value with whichever of `keys` its key id names.
 * SECRET_DECRYPT_FAILED when it is not a well-formed sealed value or fails
 * authentication; SECRET_KEY_MISMATCH when no key has its id.
 */
export function openSealed(sealed: string, keys: readonly SecretKey[], ctx: OpenContext): string {
  const parts = parse(sealed);
  if (parts === undefined) throw new AppError('SECRET_DECRYPT_FAILED', { evidence: { where: ctx.where, reason: 'not a well-formed sealed value' } });
  const key = keys.find((k) => k.id === parts.keyId);
  if (key === undefined) {
    throw new AppError('SECRET_KEY_MISMATCH', {
      evidence: { where: ctx.where, expectedKeyId: parts.keyId, availableKeyIds: keys.map((k) => k.id), keySource: ctx.keySource },
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes(), parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`zk1.${parts.keyId}`, 'ascii'));
    decipher.setAuthTag(parts.body.subarray(parts.body.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(parts.body.subarray(0, parts.body.length - TAG_BYTES)), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch (e) {
    throw new AppError('SECRET_DECRYPT_FAILED', { evidence: { where: ctx.where, keyId: parts.keyId, reason: 'authentication failed (damaged or altered)' }, cause: e });
  }
}
