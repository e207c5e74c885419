/**
 * JWS for ACME (RFC 8555 6.2, RFC 7515/7518) with node:crypto: flattened
 * JSON serialisation, ES256/ES384/RS256 account keys, `kid` once the account
 * exists, `jwk` before; External Account Binding (RFC 8555 7.3.4) as an
 * HS256 JWS over the account's public JWK; thumbprints per RFC 7638.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type Jwk = Readonly<Record<string, string>>;

export interface FlattenedJws {
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
}

export interface AccountKey {
  readonly privateKey: KeyObject;
  /** Public members only, as RFC 7638 lists them. */
  readonly publicJwk: Jwk;
  readonly alg: 'ES256' | 'ES384' | 'RS256';
}

const b64u = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url');

/** A new ES256 (P-256) account key. */
export function generateAccountKey(): { key: Promise<AccountKey>; pem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { key: importAccountKey(pem), pem };
}

/** Load an account key from PKCS#8 PEM (EC P-256/P-384 or RSA). */
export function importAccountKey(pem: string): Promise<AccountKey> {
  const privateKey = createPrivateKey(pem);
  const full = createPublicKey(privateKey).export({ format: 'jwk' });
  if (full.kty === 'EC' && (full.crv === 'P-256' || full.crv === 'P-384')) {
    const publicJwk = { crv: full.crv, kty: 'EC', x: full.x as string, y: full.y as string };
    return Promise.resolve({ privateKey, publicJwk, alg: full.crv === 'P-384' ? 'ES384' : 'ES256' });
  }
  if (full.kty === 'RSA') return Promise.resolve({ privateKey, publicJwk: { e: full.e as string, kty: 'RSA', n: full.n as string }, alg: 'RS256' });
  throw new TypeError(`unsupported account key type ${String(full.kty)}`);
}

/** RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, no whitespace. */
export function thumbprint(key: AccountKey): Promise<string> {
  const members = Object.keys(key.publicJwk).sort();
  const json = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(key.publicJwk[m])}`).join(',')}}`;
  return Promise.resolve(createHash('sha256').update(json).digest('base64url'));
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

function signWith(key: AccountKey, input: string): Buffer {
  const digest = key.alg === 'ES384' ? 'sha384' : 'sha256';
  // JWS wants the raw r||s form for ECDSA (RFC 7518 3.4), not DER.
  return key.alg === 'RS256' ? sign(digest, Buffer.from(input), key.privateKey) : sign(digest, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
}

export function signJws(i: JwsInput): Promise<FlattenedJws> {
  const header = i.kid === undefined ? { alg: i.key.alg, nonce: i.nonce, url: i.url, jwk: i.key.publicJwk } : { alg: i.key.alg, nonce: i.nonce, url: i.url, kid: i.kid };
  const protectedB64 = b64u(JSON.stringify(header));
  const payloadB64 = i.payload === undefined ? '' : b64u(JSON.stringify(i.payload));
  return Promise.resolve({ protected: protectedB64, payload: payloadB64, signature: b64u(signWith(i.key, `${protectedB64}.${payloadB64}`)) });
}

/** The externalAccountBinding member of a newAccount payload. `hmacKey` is base64url as CAs hand it out. */
export function externalAccountBinding(key: AccountKey, kid: string, hmacKey: string, newAccountUrl: string): Promise<FlattenedJws> {
  const protectedB64 = b64u(JSON.stringify({ alg: 'HS256', kid, url: newAccountUrl }));
  const payloadB64 = b64u(JSON.stringify(key.publicJwk));
  const signature = createHmac('sha256', Buffer.from(hmacKey, 'base64url')).update(`${protectedB64}.${payloadB64}`).digest('base64url');
  return Promise.resolve({ protected: protectedB64, payload: payloadB64, signature });
}

/** The DNS-01 TXT value for a challenge token (RFC 8555 8.4). */
export async function dns01Value(key: AccountKey, token: string): Promise<string> {
  return createHash('sha256').update(`${token}.${await thumbprint(key)}`).digest('base64url');
}
