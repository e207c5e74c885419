/**
 * Certificate keys and the PKCS#10 request (RFC 2986), with node:crypto and
 * a small DER encoder: keys leave here as PKCS#8 PEM; the CSR carries the
 * names as a subjectAltName extension request, the first as CN.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../core/errors.ts';
import { bitString, integer, nullValue, octetString, oid, sequence, set, tlv, utf8String } from './der.ts';

export const KEY_TYPES = ['ec256', 'ec384', 'rsa2048', 'rsa3072', 'rsa4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

const generate = promisify(generateKeyPair);

export function parseKeyType(value: string): KeyType {
  const v = value.toLowerCase();
  if ((KEY_TYPES as readonly string[]).includes(v)) return v as KeyType;
  throw new AppError('USAGE', { evidence: { reason: 'unknown key type', value, allowed: [...KEY_TYPES] } });
}

export interface CertificateKey {
  readonly type: KeyType;
  readonly privateKey: KeyObject;
  readonly pem: string;
}

export async function generateCertificateKey(type: KeyType): Promise<CertificateKey> {
  const { privateKey } =
    type === 'ec256' || type === 'ec384'
      ? await generate('ec', { namedCurve: type === 'ec256' ? 'P-256' : 'P-384' })
      : await generate('rsa', { modulusLength: Number(type.slice(3)) });
  return { type, privateKey, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Re-use a stored PKCS#8 key (key reuse on request). */
export function importCertificateKey(type: KeyType, pem: string): Promise<CertificateKey> {
  return Promise.resolve({ type, privateKey: createPrivateKey(pem), pem });
}

/** Digest and AlgorithmIdentifier (RFC 5758 / RFC 4055) for the key type. */
function signatureAlgorithm(type: KeyType): { digest: string; algorithmId: Buffer } {
  switch (type) {
    case 'ec256':
      return { digest: 'sha256', algorithmId: sequence(oid('1.2.840.10045.4.3.2')) };
    case 'ec384':
      return { digest: 'sha384', algorithmId: sequence(oid('1.2.840.10045.4.3.3')) };
    default:
      return { digest: 'sha256', algorithmId: sequence(oid('1.2.840.113549.1.1.11'), nullValue()) };
  }
}

/** DER of a PKCS#10 request for `domains` (first one as CN), signed with the certificate key. */
export function createCsr(key: CertificateKey, domains: readonly string[]): Promise<Uint8Array> {
  const subject = sequence(set(sequence(oid('2.5.4.3'), utf8String(domains[0] as string))));
  const spki = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' });
  const san = sequence(...domains.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))));
  const extensionRequest = sequence(oid('1.2.840.113549.1.9.14'), set(sequence(sequence(oid('2.5.29.17'), octetString(san)))));
  const info = sequence(integer(0), subject, spki, tlv(0xa0, extensionRequest));
  const alg = signatureAlgorithm(key.type);
  const signature = sign(alg.digest, info, key.privateKey);
  return Promise.resolve(new Uint8Array(sequence(info, alg.algorithmId, bitString(signature))));
}
