/** Facts about an issued certificate: validity, serial, names, the ARI certificate id. */
import { X509Certificate } from 'node:crypto';
import { authorityKeyIdentifier, certExtensions } from '../http/cert-extensions.ts';
import { AppError } from '../core/errors.ts';

export interface CertificateInfo {
  readonly notBefore: number;
  readonly notAfter: number;
  /** Hex, upper-case, as openssl prints it. */
  readonly serial: string;
  readonly domains: string[];
  readonly issuer: string;
  /** RFC 9773 4.1: base64url(AKI keyIdentifier) "." base64url(serial DER content octets). */
  readonly certId: string;
  readonly der: Buffer;
}

/** Split a PEM bundle into its certificates (leaf first as the CA sends it). */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? [];
}

export function certificateInfo(pem: string): CertificateInfo {
  const first = splitPem(pem)[0];
  if (first === undefined) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { reason: 'no certificate in PEM' } });
  const c = new X509Certificate(first);
  let aki: Uint8Array | undefined;
  try {
    aki = authorityKeyIdentifier(certExtensions(c.raw));
  } catch {
    aki = undefined;
  }
  if (aki === undefined) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { reason: 'certificate without Authority Key Identifier' } });
  const serialHex = c.serialNumber.length % 2 === 0 ? c.serialNumber : `0${c.serialNumber}`;
  let serialBytes = Buffer.from(serialHex, 'hex');
  // DER INTEGER content: minimal, with a leading zero when the high bit is set.
  while (serialBytes.length > 1 && serialBytes[0] === 0 && ((serialBytes[1] as number) & 0x80) === 0) serialBytes = serialBytes.subarray(1);
  if (((serialBytes[0] as number) & 0x80) !== 0) serialBytes = Buffer.concat([Buffer.from([0]), serialBytes]);
  const san = c.subjectAltName ?? '';
  return {
    notBefore: Date.parse(c.validFrom),
    notAfter: Date.parse(c.validTo),
    serial: c.serialNumber.toUpperCase(),
    domains: san
      .split(/,\s*/)
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
    issuer: c.issuer,
    certId: `${Buffer.from(aki).toString('base64url')}.${serialBytes.toString('base64url')}`,
    der: c.raw,
  };
}

/** Common name of the topmost issuer of a chain (for preferred-chain selection). */
export function topIssuerName(chainPem: string): string {
  const certs = splitPem(chainPem);
  const last = certs[certs.length - 1];
  if (last === undefined) return '';
  const issuer = new X509Certificate(last).issuer;
  return /CN=([^\n]+)/.exec(issuer)?.[1]?.trim() ?? issuer;
}
