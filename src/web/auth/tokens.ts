/**
 * Random bearer secrets (sessions, CSRF, API tokens, the first-run setup
 * token) and their stored form: only the SHA-256 hex of a secret is ever
 * stored, so a copy of the database gives no way in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (by their SHA-256, so lengths leak nothing). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** API tokens look like `zkt_<id>_<secret>`: the id finds nothing by itself; the hash of the whole token is stored. */
export function newApiToken(): { id: string; token: string } {
  const id = randomBytes(6).toString('hex');
  return { id, token: `zkt_${id}_${newSecret()}` };
}
