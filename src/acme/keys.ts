/**
 * Certificate keys and the CSR. Keys are generated with WebCrypto so the CSR
 * can be signed by @peculiar/x509; private keys leave here as PKCS#8 PEM.
 */
import { webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AppError } from '../core/errors.ts';

export const KEY_TYPES = ['ec256', 'ec384', 'rsa2048', 'rsa3072', 'rsa4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

type Algorithm = webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams;

function algorithmOf(type: KeyType): { gen: Algorithm; sign: webcrypto.EcdsaParams | webcrypto.Algorithm; importAlg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams } {
  switch (type) {
    case 'ec256':
      return { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams, importAlg: { name: 'ECDSA', namedCurve: 'P-256' } };
    case 'ec384':
      return { gen: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as webcrypto.EcdsaParams, importAlg: { name: 'ECDSA', namedCurve: 'P-384' } };
    default: {
      const bits = Number(type.slice(3));
      return {
        gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        sign: { name: 'RSASSA-PKCS1-v1_5' },
        importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      };
    }
  }
}

export function parseKeyType(value: string): KeyType {
  const v = value.toLowerCase();
  if ((KEY_TYPES as readonly string[]).includes(v)) return v as KeyType;
  throw new AppError('USAGE', { evidence: { reason: 'unknown key type', value, allowed: [...KEY_TYPES] } });
}

export interface CertificateKey {
  readonly type: KeyType;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly pem: string;
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export async function generateCertificateKey(type: KeyType): Promise<CertificateKey> {
  const a = algorithmOf(type);
  const keys = (await webcrypto.subtle.generateKey(a.gen, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return { type, keys, pem: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** Re-use a stored PKCS#8 key (key reuse on request). */
export async function importCertificateKey(type: KeyType, pem: string): Promise<CertificateKey> {
  const a = algorithmOf(type);
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, a.importAlg, true, ['sign']);
  const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  delete jwk.d;
  delete jwk.p;
  delete jwk.q;
  delete jwk.dp;
  delete jwk.dq;
  delete jwk.qi;
  jwk.key_ops = ['verify'];
  const publicKey = await webcrypto.subtle.importKey('jwk', jwk, a.importAlg, true, ['verify']);
  return { type, keys: { privateKey, publicKey }, pem };
}

/** DER of a PKCS#10 request for `domains` (first one as CN), signed with the certificate key. */
export async function createCsr(key: CertificateKey, domains: readonly string[]): Promise<Uint8Array> {
  const a = algorithmOf(key.type);
  type Params = Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [domains[0] as string] }],
    keys: key.keys as Params['keys'],
    signingAlgorithm: a.sign as Params['signingAlgorithm'],
    extensions: [new x509.SubjectAlternativeNameExtension(domains.map((d) => ({ type: 'dns' as const, value: d })))],
  });
  return new Uint8Array(csr.rawData);
}
