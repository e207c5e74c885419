/**
 * Test certificates made in-process with @peculiar/x509 over WebCrypto:
 * roots, intermediates and leaves with any validity window, SANs and CA
 * flag, plus a helper that breaks a certificate's signature. For tests only;
 * product code reads certificates with node:crypto's X509Certificate.
 *
 * Every function takes absolute epoch-ms times from the caller; this module
 * never reads the clock.
 */
import 'reflect-metadata';
import { X509Certificate as NodeX509, type webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  Extension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  type X509Certificate,
} from '@peculiar/x509';

export const DAY_MS = 86_400_000;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A certificate with its key pair. */
export interface TestCert {
  readonly certPem: string;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  readonly keyPem: string;
  /** The same certificate parsed by node:crypto (what product code sees). */
  readonly x509: NodeX509;
  readonly cert: X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
}

export interface CertOptions {
  /** Common name of the subject. */
  readonly name: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** Signed by this CA; absent: self-signed. */
  readonly issuer?: TestCert;
  /** basicConstraints cA=true with keyCertSign; default false (a server leaf). */
  readonly ca?: boolean;
  /** DNS subjectAltNames (leaves only). */
  readonly dns?: readonly string[];
  /** IP subjectAltNames (leaves only). */
  readonly ips?: readonly string[];
  /** Leaves: extended key usage serverAuth (default) or clientAuth only. */
  readonly serverAuth?: boolean;
  /** CA: basicConstraints pathLenConstraint. */
  readonly pathLen?: number;
  /** More extensions, as OID, criticality and the DER of the value. */
  readonly extra?: readonly { readonly oid: string; readonly critical: boolean; readonly der: Uint8Array }[];
  /** Leave out the key usage extension (an issuer then needs only the CA flag). */
  readonly noKeyUsage?: boolean;
  /** Reuse a key pair (e.g. to re-issue a CA with another validity). */
  readonly keys?: webcrypto.CryptoKeyPair;
}

function serialHex(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = ((b[0] ?? 1) & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}

/** Make one certificate (EC P-256, ECDSA-SHA256). */
export async function makeCert(o: CertOptions): Promise<TestCert> {
  const keys = o.keys ?? (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']));
  const ca = o.ca ?? false;
  const extensions: Extension[] = [new BasicConstraintsExtension(ca, o.pathLen, true), await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto)];
  if (o.noKeyUsage !== true) extensions.push(new KeyUsagesExtension(ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature, true));
  if (!ca) extensions.push(new ExtendedKeyUsageExtension([o.serverAuth === false ? ExtendedKeyUsage.clientAuth : ExtendedKeyUsage.serverAuth]));
  const names = [...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })), ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  if (names.length > 0) extensions.push(new SubjectAlternativeNameExtension(names));
  for (const e of o.extra ?? []) extensions.push(new Extension(e.oid, e.critical, e.der));
  if (o.issuer !== undefined) extensions.push(await AuthorityKeyIdentifierExtension.create(o.issuer.keys.publicKey, false, crypto));
  const common = { serialNumber: serialHex(), notBefore: new Date(o.notBefore), notAfter: new Date(o.notAfter), signingAlgorithm: ECDSA_SHA256, extensions };
  const cert =
    o.issuer === undefined
      ? await X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${o.name}`, keys }, crypto)
      : await X509CertificateGenerator.create(
          { ...common, subject: `CN=${o.name}`, issuer: o.issuer.cert.subjectName, publicKey: keys.publicKey, signingKey: o.issuer.keys.privateKey },
          crypto,
        );
  // PEM with a final newline, so that bundles can be concatenated.
  const certPem = `${cert.toString('pem').trimEnd()}\n`;
  const keyPem = `${PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY').trimEnd()}\n`;
  return { certPem, keyPem, x509: new NodeX509(certPem), cert, keys };
}

/** A root CA valid from `now` − 10 years to `now` + 10 years. */
export function makeRoot(name: string, now: number): Promise<TestCert> {
  return makeCert({ name, notBefore: now - 3650 * DAY_MS, notAfter: now + 3650 * DAY_MS, ca: true });
}

/**
 * The certificate with the last byte of its signature changed: still
 * parsable, same names and key, but the signature no longer verifies.
 */
export function breakSignature(certPem: string): string {
  const der = Buffer.from(PemConverter.decodeFirst(certPem));
  const last = der.length - 1;
  der[last] = (der[last] ?? 0) ^ 0x01;
  return `${PemConverter.encode(der, 'CERTIFICATE').trimEnd()}\n`;
}
