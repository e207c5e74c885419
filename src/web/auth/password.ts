/**
 * Admin passwords, stored as scrypt hashes: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 * Verification recomputes with the stored parameters and compares in
 * constant time; a malformed stored hash verifies as false (never throws).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** scrypt needs 128 × N × r bytes; give it room. */
const MAXMEM = 128 * N * R * 2;

function scrypt(password: string, salt: Buffer, keylen: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keylen, o, (e, key) => (e === null ? resolve(key) : reject(e))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (m === null) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < 2 || n > 1 << 20 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5] as string, 'base64url');
  if (expected.length < 16) return false;
  const got = await scrypt(password, Buffer.from(m[4] as string, 'base64url'), expected.length, { N: n, r, p, maxmem: 128 * n * r * 2 });
  return timingSafeEqual(got, expected);
}

/** Rules for a new admin password: at least 12 characters. */
export function passwordProblem(password: string): string | undefined {
  // Counted in code points, so a password of emoji is not cut short.
  if ((password.match(/./gsu)?.length ?? 0) < 12) return 'at least 12 characters';
  return undefined;
}
