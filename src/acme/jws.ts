/**
 * JWS for ACME (RFC 8555 6.2): flattened JSON serialisation, ES256 account
 * keys, `kid` once the account exists, `jwk` before; External Account
 * Binding (RFC 8555 7.3.4) as an HS256 JWS over the account's public JWK.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FlattenedSign, base64url, calculateJwkThumbprint, exportJWK, type FlattenedJWS, type JWK } from 'jose';

export interface AccountKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
  readonly alg: 'ES256' | 'ES384' | 'RS256';
}

/** A new ES256 (P-256) account key. */
export function generateAccountKey(): { key: Promise<AccountKey>; pem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { key: importAccountKey(pem), pem };
}

/** Load an account key from PKCS#8 PEM (EC P-256/P-384 or RSA). */
export async function importAccountKey(pem: string): Promise<AccountKey> {
  const privateKey = createPrivateKey(pem);
  const full = await exportJWK(createPublicKey(privateKey));
  // Only the public members, in a fixed shape (the thumbprint uses the required members anyway).
  const publicJwk: JWK =
    full.kty === 'EC' ? { kty: 'EC', crv: full.crv as string, x: full.x as string, y: full.y as string } : { kty: 'RSA', e: full.e as string, n: full.n as string };
  const alg = full.kty === 'RSA' ? 'RS256' : full.crv === 'P-384' ? 'ES384' : 'ES256';
  return { privateKey, publicJwk, alg };
}

export function thumbprint(key: AccountKey): Promise<string> {
  return calculateJwkThumbprint(key.publicJwk, 'sha256');
}

export interface JwsInput {
  readonly key: AccountKey;
  readonly url: string;
  readonly nonce: string;
  /** Account URL; without it the public JWK is embedded (newAccount, revocation by certificate key). */
  readonly kid?: string;
  /** JSON payload, or undefined for POST-as-GET (empty payload). */
  readonly payload: unknown;
}

export async function signJws(i: JwsInput): Promise<FlattenedJWS> {
  const payload = i.payload === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(i.payload));
  const header = i.kid === undefined ? { alg: i.key.alg, nonce: i.nonce, url: i.url, jwk: i.key.publicJwk } : { alg: i.key.alg, nonce: i.nonce, url: i.url, kid: i.kid };
  return new FlattenedSign(payload).setProtectedHeader(header).sign(i.key.privateKey);
}

/** The externalAccountBinding member of a newAccount payload. `hmacKey` is base64url as CAs hand it out. */
export async function externalAccountBinding(key: AccountKey, kid: string, hmacKey: string, newAccountUrl: string): Promise<FlattenedJWS> {
  const payload = new TextEncoder().encode(JSON.stringify(key.publicJwk));
  return new FlattenedSign(payload).setProtectedHeader({ alg: 'HS256', kid, url: newAccountUrl }).sign(base64url.decode(hmacKey));
}

/** The DNS-01 TXT value for a challenge token (RFC 8555 8.4). */
export async function dns01Value(key: AccountKey, token: string): Promise<string> {
  const keyAuthorization = `${token}.${await thumbprint(key)}`;
  return createHash('sha256').update(keyAuthorization).digest('base64url');
}
